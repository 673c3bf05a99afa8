"""Invitation links: issued, claimed once. Repositories never commit; the unit of work does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Invitation,
)


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def by_code(self, code: str) -> Invitation | None:
        return await self._s.scalar(select(Invitation).where(Invitation.code == code))

    async def claim(self, invitation_id: int, person_id: int, now: datetime) -> bool:
        """Mark used if still unused; one conditional UPDATE, so only one claimer wins."""
        result = await self._s.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.used_at.is_(None))
            .values(used_at=now, used_by=person_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def add(self, invitation: Invitation) -> None:
        self._s.add(invitation)
