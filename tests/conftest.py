from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage import migrate
from tests.fake_telegram import FakeTelegram, RateLimits
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
    """Migrate once; every test gets a copy of the migrated file."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def database_url(tmp_path: Path, migrated_template: Path) -> str:
    path = tmp_path / "coordbot.db"
    shutil.copy(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


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
