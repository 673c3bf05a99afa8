"""The regional tutor community (Kuzbass). Repositories never commit; the unit of work does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, RegionalTutor


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def join(self, person_id: int) -> None:
        if await self._s.get(RegionalTutor, person_id) is None:
            self._s.add(RegionalTutor(person_id=person_id))

    async def is_member(self, person_id: int) -> bool:
        return await self._s.get(RegionalTutor, person_id) is not None

    async def reachable(self) -> list[int]:
        """Telegram ids of the community's members who have not blocked the bot."""
        rows = await self._s.scalars(
            select(Person.telegram_id)
            .join(RegionalTutor, RegionalTutor.person_id == Person.id)
            .where(Person.unreachable.is_(False))
            .order_by(Person.id)
        )
        return list(rows.all())
