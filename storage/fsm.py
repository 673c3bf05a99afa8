"""aiogram FSM storage on the database: dialog state survives restarts and crashes."""

from __future__ import annotations

import json
from collections.abc import Mapping
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


class DatabaseStorage(BaseStorage):
    """One row per chat+user; data is JSON, so only JSON values may be put in it."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._sessions = session_factory
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def _row(self, session: AsyncSession, key: StorageKey) -> FsmRecord | None:
        return await session.get(FsmRecord, self._keys.build(key))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._sessions.begin() as session:
            row = await self._row(session, key)
            if row is None:
                if value is None:
                    return
                session.add(FsmRecord(key=self._keys.build(key), state=value, data="{}"))
            else:
                row.state = value

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._sessions() as session:
            row = await self._row(session, key)
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        encoded = json.dumps(dict(data), ensure_ascii=False)
        async with self._sessions.begin() as session:
            row = await self._row(session, key)
            if row is None:
                session.add(FsmRecord(key=self._keys.build(key), state=None, data=encoded))
            else:
                row.data = encoded

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._sessions() as session:
            row = await self._row(session, key)
            return dict(json.loads(row.data)) if row else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""
