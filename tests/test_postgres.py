"""What must hold on PostgreSQL as on SQLite: the outbox claim, the migrations, the schema."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

import tests.test_delivery as delivery
from bot.emulator import FakeTelegram
from services import outbox
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.models import Base, Reminder, ReminderStatus
from storage.uow import UnitOfWorkFactory
from tests.harness import default_now

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def units_of_work(url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(url)
    try:
        yield UnitOfWorkFactory(create_session_factory(engine))
    finally:
        await engine.dispose()


async def plan_due(uow: UnitOfWorkFactory, count: int) -> list[int]:
    """`count` reminders due a minute apart, the oldest first; their ids in that order."""
    now = default_now()
    async with uow() as unit:
        await outbox.plan(
            unit,
            [
                delivery.planned(f"k{i}", 1000 + i, now - timedelta(minutes=count - i))
                for i in range(count)
            ],
        )
        rows = await unit.session.scalars(select(Reminder.id).order_by(Reminder.due_at))
        return list(rows)


async def statuses(uow: UnitOfWorkFactory) -> dict[int, tuple[ReminderStatus, str | None]]:
    async with uow() as unit:
        rows = await unit.session.execute(select(Reminder.id, Reminder.status, Reminder.claimed_by))
        return {row.id: (row.status, row.claimed_by) for row in rows}


# ------------------------------------------------------------------ the outbox claim


async def test_a_claim_takes_at_most_the_batch_size(backend_database_url: str) -> None:
    async with units_of_work(backend_database_url) as uow:
        ids = await plan_due(uow, 10)
        async with uow() as unit:
            claimed = await outbox.claim_due(unit, "a", default_now(), 3)
        assert [row.id for row in claimed] == ids[:3]
        assert await statuses(uow) == {
            **{i: (ReminderStatus.CLAIMED, "a") for i in ids[:3]},
            **{i: (ReminderStatus.PLANNED, None) for i in ids[3:]},
        }


async def test_concurrent_claims_never_share_a_row(backend_database_url: str) -> None:
    async with units_of_work(backend_database_url) as uow:
        ids = await plan_due(uow, 10)

        async def claim(owner: str) -> list[int]:
            async with uow() as unit:
                return [row.id for row in await outbox.claim_due(unit, owner, default_now(), 4)]

        first, second = await asyncio.gather(claim("a"), claim("b"))
        assert len(first) <= 4 and len(second) <= 4
        assert not set(first) & set(second)
        # each claimer changed exactly the rows it was given; the rest are still planned
        expected = dict.fromkeys(ids, (ReminderStatus.PLANNED, None))
        expected |= {i: (ReminderStatus.CLAIMED, "a") for i in first}
        expected |= {i: (ReminderStatus.CLAIMED, "b") for i in second}
        assert await statuses(uow) == expected


@pytest.mark.postgres
async def test_a_claim_skips_the_rows_an_unfinished_claim_holds(postgres_database_url: str) -> None:
    """PostgreSQL's SKIP LOCKED: the second claimer neither waits nor takes the held rows."""
    async with units_of_work(postgres_database_url) as uow:
        ids = await plan_due(uow, 10)
        async with uow() as holder:
            held = await holder.outbox.claim("a", default_now(), 3)  # not committed yet
            async with uow() as other:
                taken = await asyncio.wait_for(outbox.claim_due(other, "b", default_now(), 3), 5)
            await holder.commit()
        assert [row.id for row in held] == ids[:3]
        assert [row.id for row in taken] == ids[3:6]


OUTBOX_CASES: list[Callable[[delivery.Outbox], Awaitable[None]]] = [
    delivery.test_planning_twice_plans_once,
    delivery.test_two_claimers_never_get_the_same_row,
    delivery.test_claims_oldest_due_first_and_only_due,
    delivery.test_cancel_keeps_the_given_keys_and_claimed_rows,
    delivery.test_stale_claims_are_recovered,
    delivery.test_the_lease_has_one_holder_until_it_expires,
]
"""The outbox tests of test_delivery.py, which run there on SQLite."""


@pytest.fixture
async def postgres_box(
    fake: FakeTelegram, postgres_database_url: str
) -> AsyncIterator[delivery.Outbox]:
    async for made in delivery._make_outbox(fake, postgres_database_url):
        yield made


@pytest.mark.postgres
@pytest.mark.parametrize("case", OUTBOX_CASES, ids=lambda case: case.__name__)
async def test_the_outbox_on_postgres(
    case: Callable[[delivery.Outbox], Awaitable[None]], postgres_box: delivery.Outbox
) -> None:
    await case(postgres_box)


# ------------------------------------------------------------------ migrations and schema


@pytest.mark.postgres
def test_migrations_stairway_on_postgres(postgres_url: str) -> None:
    """Every revision upgrades, downgrades and upgrades again (test_storage.py does SQLite)."""
    script = ScriptDirectory.from_config(migrate.alembic_config(postgres_url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "there are migrations"
    for revision in revisions:
        migrate.upgrade(postgres_url, revision.revision)
        migrate.downgrade(postgres_url, revision.down_revision or "base")
        migrate.upgrade(postgres_url, revision.revision)


MIGRATE_ON_SIGNAL = (
    "import sys\n"
    "from storage import migrate\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "migrate.upgrade(sys.argv[1])\n"
)
"""A bot instance's start-up migration, held back until the test says go."""


@pytest.mark.postgres
def test_two_instances_migrate_a_fresh_database_at_once(postgres_url: str) -> None:
    """Without the advisory lock in env.py one of them fails: duplicate key in pg_type."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_ON_SIGNAL, postgres_url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for run in runs:  # both have imported everything: the migrations start together
            assert run.stdout is not None and run.stderr is not None
            assert run.stdout.readline() == "ready\n", run.stderr.read()
        for run in runs:
            assert run.stdin is not None
            run.stdin.write("go\n")
            run.stdin.flush()
        errors = [run.communicate(timeout=120)[1] for run in runs]
    finally:
        for run in runs:
            run.kill()  # only those still running: after a failure above
    assert [run.returncode for run in runs] == [0, 0], "\n".join(errors)
    head = ScriptDirectory.from_config(migrate.alembic_config(postgres_url)).get_current_head()
    assert asyncio.run(_revision(postgres_url)) == head


async def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()


async def test_the_models_match_the_migrated_schema(backend_database_url: str) -> None:
    engine = create_engine(backend_database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert differences == []
