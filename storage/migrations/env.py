"""Alembic environment: async engine, URL taken from the caller's config or DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata

MIGRATION_LOCK = 0x636F6F7264626F74
"""The key of the PostgreSQL advisory lock that migration runs take ("coordbot" in ASCII)."""


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", "sqlite+aiosqlite:///data/coordbot.db"
    )


@contextmanager
def _one_run_at_a_time(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, hold an advisory lock: instances starting together wait for each other.

    Without it two runs on a fresh database both see no tables and create them at once; one
    fails (a unique violation on pg_type). The lock is the session's, so it outlives the
    migrations' transaction: the next run starts only after this one committed. SQLite lets
    one writer at a time in anyway.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    connection.commit()  # Alembic begins its own transaction next
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with _one_run_at_a_time(connection), context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
