"""Migrations go up and down cleanly; dialog state survives a new storage over the same file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.fsm import DatabaseStorage
from storage.models import School
from storage.uow import UnitOfWorkFactory


def test_migrations_stairway(tmp_path: Path) -> None:
    """Every revision upgrades, downgrades and upgrades again."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'stairs.db'}"
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "there are migrations"
    for revision in revisions:
        migrate.upgrade(url, revision.revision)
        migrate.downgrade(url, revision.down_revision or "base")
        migrate.upgrade(url, revision.revision)


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_database_url: str) -> None:
    engine = create_engine(sqlite_database_url)
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await engine.dispose()


async def test_dialog_state_survives_a_new_storage(database_url: str) -> None:
    key = StorageKey(bot_id=1, chat_id=42, user_id=42)
    engine = create_engine(database_url)
    first = DatabaseStorage(create_session_factory(engine))
    await first.set_state(key, "Form:name")
    await first.update_data(key, {"name": "Иванова <b>", "files": ["a", "b"]})
    await engine.dispose()

    engine = create_engine(database_url)
    second = DatabaseStorage(create_session_factory(engine))
    assert await second.get_state(key) == "Form:name"
    assert await second.get_data(key) == {"name": "Иванова <b>", "files": ["a", "b"]}
    other = StorageKey(bot_id=1, chat_id=43, user_id=43)
    assert await second.get_state(other) is None and await second.get_data(other) == {}
    await second.set_state(key, None)
    await second.set_data(key, {})
    assert await second.get_state(key) is None and await second.get_data(key) == {}
    await engine.dispose()


async def test_concurrent_writers_of_different_people_do_not_collide(database_url: str) -> None:
    engine = create_engine(database_url)
    storage = DatabaseStorage(create_session_factory(engine))
    keys = [StorageKey(bot_id=1, chat_id=n, user_id=n) for n in range(1, 21)]
    await asyncio.gather(*(storage.set_data(k, {"n": k.user_id}) for k in keys))
    assert [(await storage.get_data(k))["n"] for k in keys] == list(range(1, 21))
    await engine.dispose()


async def test_a_write_flushed_before_a_query_is_committed_at_the_end(database_url: str) -> None:
    """An autoflush empties `session.new`; the end of the update must commit all the same."""
    engine = create_engine(database_url)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    try:
        async with factory() as uow:
            uow.session.add(School(name="Лицей № 7", name_key="лицей № 7"))
            await uow.session.scalar(select(func.count()).select_from(School))  # autoflush
            assert not uow.session.new
            await uow.finish()
        async with factory() as uow:
            names = await uow.session.scalars(select(School.name))
            assert list(names) == ["Лицей № 7"]
    finally:
        await engine.dispose()
