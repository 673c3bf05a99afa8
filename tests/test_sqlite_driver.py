"""The one-trip SQLite driver behaves as the DB-API cursor SQLAlchemy expects."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.db import create_engine
from storage.sqlite_driver import OneTripConnection


async def test_rows_counts_and_ids_as_sqlite3_gives_them(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'one-trip.db'}")
    try:
        async with engine.begin() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.dbapi_connection, OneTripConnection)
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
            assert (inserted.lastrowid, inserted.rowcount) == (1, 1)
            await connection.execute(
                text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}]
            )
            rows = await connection.execute(text("SELECT id, v FROM t ORDER BY id"))
            assert rows.fetchmany() == [(1, "a")]  # the DB-API's default size: one
            assert rows.fetchmany(5) == [(2, "b"), (3, "c")]
            changed = await connection.execute(text("UPDATE t SET v = 'z' WHERE id > 1"))
            assert changed.rowcount == 2
            async with connection.stream(text("SELECT v FROM t ORDER BY id")) as streamed:
                assert [row.v async for row in streamed] == ["a", "z", "z"]
    finally:
        await engine.dispose()
