"""Engine and session factory; SQLite gets WAL and foreign keys on every connection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def sqlite_folder(url: str) -> Path | None:
    """The folder of the SQLite file; None for PostgreSQL and an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).parent


def ensure_sqlite_dir(url: str) -> None:
    folder = sqlite_folder(url)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)


POOL_SIZE = 10
POOL_OVERFLOW = 10
"""Connections kept, and opened beyond them at a peak (SQLAlchemy's defaults are 5 and 10)."""


def create_engine(url: str) -> AsyncEngine:
    ensure_sqlite_dir(url)
    options: dict[str, Any] = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    if make_url(url).drivername == "sqlite+aiosqlite":
        options["module"] = sqlite_driver.dbapi()
    engine = create_async_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
