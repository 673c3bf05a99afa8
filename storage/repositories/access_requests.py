"""Access requests of people without an invitation. Repositories never commit; the unit of work does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AccessRequest,
    AccessRequestStatus,
)


class AccessRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, request_id: int) -> AccessRequest | None:
        return await self._s.get(AccessRequest, request_id)

    async def decide(
        self,
        request_id: int,
        status: AccessRequestStatus,
        actor: int,
        actor_name: str,
        now: datetime,
    ) -> bool:
        """Decide if still pending; one conditional UPDATE, so two presses give one decision."""
        result = await self._s.execute(
            update(AccessRequest)
            .where(
                AccessRequest.id == request_id,
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
            .values(status=status, decided_at=now, decided_by=actor, decided_by_name=actor_name)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def refresh(self, request: AccessRequest) -> None:
        await self._s.refresh(request)

    async def pending_of(self, telegram_id: int) -> AccessRequest | None:
        return await self._s.scalar(
            select(AccessRequest).where(
                AccessRequest.telegram_id == telegram_id,
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
        )

    def add(self, request: AccessRequest) -> None:
        self._s.add(request)
