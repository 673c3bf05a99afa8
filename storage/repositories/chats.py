"""What the bot keeps per chat: groups told how to set up, each person's settings. Repositories never commit; the unit of work does."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    KnownGroup,
    UserSettings,
)


class KnownGroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, chat_id: int) -> KnownGroup | None:
        return await self._s.get(KnownGroup, chat_id)

    def add(self, group: KnownGroup) -> None:
        self._s.add(group)


class UserSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, telegram_id: int) -> UserSettings | None:
        return await self._s.get(UserSettings, telegram_id)

    def add(self, settings: UserSettings) -> None:
        self._s.add(settings)
