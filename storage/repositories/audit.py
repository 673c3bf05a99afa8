"""The audit log: who did what with which subject. Repositories never commit; the unit of work does."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditEntry,
)


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def record(
        self,
        action: str,
        subject_type: str,
        subject_id: int | None,
        actor: int | None,
        at: datetime,
        **details: Any,
    ) -> None:
        self._s.add(
            AuditEntry(
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_telegram_id=actor,
                at=at,
                details=json.dumps(details, ensure_ascii=False, default=str),
            )
        )

    async def of_subject(self, subject_type: str, subject_id: int) -> Sequence[AuditEntry]:
        rows = await self._s.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
        return rows.all()
