"""aiogram FSM storage on the database: dialog state survives restarts and crashes.

Within an update the state lives in the update's own database session (`bound`): the row is
read once, kept in memory while handlers change it, and written with the update's commit (or
at its end). A second connection per update would exhaust the pool when many people write at
once. Outside an update (tests, the command line) each call opens a session of its own.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import FsmRecord
from storage.uow import UnitOfWork

EMPTY = "{}"


@dataclass
class _Entry:
    """One dialog row as the update sees it."""

    state: str | None
    data: str
    absent: bool = False
    """No row in the database when it was read (and none added since)."""
    row: FsmRecord | None = None
    """Held so that the session's identity map (weak references) keeps it: written back
    without being read again."""


class _UpdateScope:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._entries: dict[str, _Entry] = {}

    async def entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            row = await self._session.get(FsmRecord, key)
            entry = (
                _Entry(row.state, row.data, row=row) if row else _Entry(None, EMPTY, absent=True)
            )
            self._entries[key] = entry
        return entry

    async def apply(self) -> None:
        """Put changed dialog rows into the session; its next commit writes them.

        Compared with the row in the session, not with what was read: a rollback in between
        (a service that lost a race) throws away what an earlier apply put there.
        """
        for key, entry in self._entries.items():
            if entry.absent and entry.state is None and entry.data == EMPTY:
                continue
            row = await self._session.get(FsmRecord, key)  # no SQL once the row is in the session
            if row is None:
                row = FsmRecord(key=key, state=entry.state, data=entry.data)
                self._session.add(row)
                entry.absent = False
                entry.row = row
            elif (row.state, row.data) != (entry.state, entry.data):
                row.state, row.data = entry.state, entry.data


_current: ContextVar[_UpdateScope | None] = ContextVar("fsm_update_scope", default=None)


class DatabaseStorage(BaseStorage):
    """One row per chat+user; data is JSON, so only JSON values may be put in it."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._sessions = session_factory
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)

    @asynccontextmanager
    async def bound(self, uow: UnitOfWork) -> AsyncIterator[None]:
        """Keep the dialog state of this update in `uow`, written before each of its commits."""
        scope = _UpdateScope(uow.session)
        uow.before_commit(scope.apply)
        token = _current.set(scope)
        try:
            yield
        finally:
            _current.reset(token)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        if (scope := _current.get()) is not None:
            (await scope.entry(self._keys.build(key))).state = value
            return
        async with self._sessions.begin() as session:
            row = await session.get(FsmRecord, self._keys.build(key))
            if row is None:
                if value is None:
                    return
                session.add(FsmRecord(key=self._keys.build(key), state=value, data=EMPTY))
            else:
                row.state = value

    async def get_state(self, key: StorageKey) -> str | None:
        if (scope := _current.get()) is not None:
            return (await scope.entry(self._keys.build(key))).state
        async with self._sessions() as session:
            row = await session.get(FsmRecord, self._keys.build(key))
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        encoded = json.dumps(dict(data), ensure_ascii=False)
        if (scope := _current.get()) is not None:
            (await scope.entry(self._keys.build(key))).data = encoded
            return
        async with self._sessions.begin() as session:
            row = await session.get(FsmRecord, self._keys.build(key))
            if row is None:
                session.add(FsmRecord(key=self._keys.build(key), state=None, data=encoded))
            else:
                row.data = encoded

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        if (scope := _current.get()) is not None:
            return dict(json.loads((await scope.entry(self._keys.build(key))).data))
        async with self._sessions() as session:
            row = await session.get(FsmRecord, self._keys.build(key))
            return dict(json.loads(row.data)) if row else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""
