"""aiosqlite with one trip to its thread per statement instead of four.

aiosqlite runs each SQLite connection in a thread of its own, and SQLAlchemy's adapter asks
that thread for a cursor, then to execute, then to fetch the rows, then to close the cursor:
four hand-offs between threads for every statement. On a busy machine each hand-off costs
about as much CPU as the statement itself (the GIL changes hands twice). Here a statement is
one function that does all four in the connection's thread. Everything else (transactions,
errors, pooling) is SQLAlchemy's aiosqlite dialect, unchanged; `create_engine` passes this
module as the DBAPI.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(raw: sqlite3.Connection, operation: str, parameters: Any, many: bool = False) -> _Outcome:
    """In the connection's thread: execute, read every row, close the cursor."""
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """No aiosqlite cursor behind it: the rows of the last statement, read in one trip."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1  # the DB-API's default for fetchmany()

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]  # None before any insert, as in sqlite3

    async def _async_soft_close(self) -> None:
        """Nothing to close: the rows were read and the cursor closed in the thread."""

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._trip(lambda raw: _run(raw, operation, parameters))

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        self._trip(lambda raw: _run(raw, operation, seq_of_parameters, many=True))

    def _trip(self, work: Callable[[sqlite3.Connection], _Outcome]) -> None:
        try:
            outcome = await_(self._one_trip(work))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)

    async def _one_trip(self, work: Callable[[sqlite3.Connection], _Outcome]) -> _Outcome:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            outcome: _Outcome = await connection._execute(work, connection._conn)  # type: ignore[no-untyped-call]
            return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        connection = super().connect(*arg, **kw)
        connection.__class__ = OneTripConnection
        return connection


def dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
