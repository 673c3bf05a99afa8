from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest

from bot.config import Settings
from bot.emulator import FakeTelegram, RateLimits
from storage import migrate
from tests import postgres, seed
from tests.harness import (
    ADMIN_ID,
    STAFF_CHAT_ID,
    TOKEN,
    BotUnderTest,
    FrozenClock,
    Person,
    default_now,
)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; every test gets a copy of the migrated file.

    Once per process: under pytest-xdist each worker migrates its own, in its own base
    temporary directory (`.../popen-gw0/`, `.../popen-gw1/`).
    """
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


Backend = Literal["sqlite", "postgresql"]

DATABASE_OPTION = "--db"
DATABASE_VARIABLE = "COORDBOT_TEST_DATABASE"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        DATABASE_OPTION,
        choices=["sqlite", "postgresql"],
        default=os.environ.get(DATABASE_VARIABLE) or "sqlite",
        help=f"the database of `database_url`, which most tests use (default: ${DATABASE_VARIABLE}"
        " or sqlite); tests that name their database run on it whatever this says",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--db=postgresql` runs what uses `database_url`: the rest does not depend on it.

    CI runs the suite on SQLite (which includes the `postgres`-marked tests), then again
    with `--db=postgresql`: only the journeys, not the tests of settings and catalogues twice.
    """
    if config.getoption(DATABASE_OPTION) != "postgresql":
        return
    kept = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Backend:
    """The database this run's journeys use: `--db=postgresql` runs the suite on PostgreSQL."""
    chosen: Backend = request.config.getoption(DATABASE_OPTION)
    return chosen


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: Backend) -> Iterator[str]:
    """A fresh migrated database of the run's backend (`--db`)."""
    with migrated_database(backend, request) as url:
        yield url


@pytest.fixture
def sqlite_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated SQLite database, whatever `--db` says: for what only SQLite has."""
    with migrated_database("sqlite", request) as url:
        yield url


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]
"""Parameters of a fixture that runs its tests on each database the bot supports."""


@contextlib.contextmanager
def migrated_database(backend: Backend, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh database of `backend` at the head revision, removed after.

    A copy of a template migrated once per session. The fixtures it needs are asked for
    here, so a session that never asks for PostgreSQL never starts it.
    """
    if backend == "sqlite":
        path = request.getfixturevalue("tmp_path") / "coordbot.db"
        shutil.copy(request.getfixturevalue("migrated_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    with server.database(template=request.getfixturevalue("migrated_postgres_template")) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated database, on SQLite and then on PostgreSQL."""
    with migrated_database(request.param, request) as url:
        yield url


@pytest.fixture
def postgres_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (`postgresql+asyncpg://...`)."""
    with migrated_database("postgresql", request) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: postgres.PostgresServer) -> Iterator[str]:
    """A fresh empty PostgreSQL database (`postgresql+asyncpg://...`), dropped after the test."""
    with postgres_server.database() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    """PostgreSQL for the session: COORDBOT_TEST_POSTGRES_URL's server or a throwaway cluster.

    Without either the tests that use it are skipped, or fail when COORDBOT_REQUIRE_POSTGRES=1.
    Under pytest-xdist each worker that runs such a test starts a cluster of its own: its
    own temporary directory holds the data and the unix socket, and it listens on no TCP
    port, so two clusters never meet (the port only names the socket). A server of your own
    is shared: every database made on it has a name of its own.
    """
    if reason := postgres.missing():
        if postgres.required():
            pytest.fail(f"{reason}; {postgres.REQUIRE_VARIABLE}=1 requires it", pytrace=False)
        pytest.skip(reason)
    with postgres.server() as server:
        yield server


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server: postgres.PostgresServer) -> Iterator[str]:
    """A database migrated once, which `migrated_database` copies (by name)."""
    name = postgres_server.create_database()
    try:
        migrate.upgrade(postgres_server.url(name))
        yield name
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(default_now())


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    # A generous private burst: journeys answer fast; the rate limits get tests of their own.
    server = FakeTelegram(TOKEN, limits=RateLimits(private_burst=50))
    await server.start()
    server.world.add_group(STAFF_CHAT_ID, "Сотрудники института")
    yield server
    await server.stop()


@pytest.fixture
def programme() -> tuple[str, ...]:
    """PROGRAMME of the bot under test; a test module overrides it to run other presets."""
    return ("krasnodar-digital",)


@pytest.fixture
async def bot(
    fake: FakeTelegram, database_url: str, clock: FrozenClock, programme: tuple[str, ...]
) -> AsyncIterator[BotUnderTest]:
    under_test = BotUnderTest(fake, database_url, clock, programme)
    await under_test.start()
    yield under_test
    await under_test.stop()


@pytest.fixture
def people(bot: BotUnderTest) -> Callable[..., Person]:
    """Make a Telegram user; `staff=True` puts them in the staff group."""
    counter = iter(range(1000, 100000))

    def make(
        first_name: str = "Мария", *, staff: bool = False, admin: bool = False, language: str = "ru"
    ) -> Person:
        user_id = ADMIN_ID if admin else next(counter)
        user = bot.fake.world.add_user(user_id, first_name, language_code=language)
        if staff:
            bot.fake.world.set_member(STAFF_CHAT_ID, user_id, "member")
        return Person(bot, user)

    return make


@pytest.fixture
async def coordinator(bot: BotUnderTest, people: Callable[..., Person]) -> Person:
    """Мария, the coordinator of «МАОУ Гимназия № 5» (of the schools in `seed.SCHOOLS`), who
    has written /start: the start of most journeys."""
    assert bot.app is not None
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    return maria


@pytest.fixture
async def mentor(bot: BotUnderTest, people: Callable[..., Person], coordinator: Person) -> Person:
    """The mentor of the coordinator's school, registered after them, who has written /start."""
    assert bot.app is not None
    mentor = people("Наставник")
    await seed.mentor(bot.app, mentor)
    await mentor.send("/start")
    return mentor


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (no `.env`) and no setting from the real environment."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
