"""Queries behind the staff's indicators: statuses, terminations and reports per platform."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PlatformStatus, Submission, SubmissionKind, SubmissionStatus

ENDING_VARIANTS = ("early_termination", "completion")


async def latest_status_by_platform(
    session: AsyncSession, programme: str
) -> dict[int, PlatformStatus]:
    """The newest recorded status of each platform of the programme."""
    newest = (
        select(func.max(PlatformStatus.id))
        .where(PlatformStatus.programme == programme, PlatformStatus.platform_id.is_not(None))
        .group_by(PlatformStatus.platform_id)
    )
    rows = await session.scalars(select(PlatformStatus).where(PlatformStatus.id.in_(newest)))
    return {row.platform_id: row for row in rows if row.platform_id is not None}


async def approved_endings(session: AsyncSession, programme: str) -> dict[int, datetime]:
    """Platforms whose termination or completion was approved, with when it was decided."""
    rows = await session.execute(
        select(Submission.platform_id, func.max(Submission.decided_at))
        .where(
            Submission.programme == programme,
            Submission.kind == SubmissionKind.APPLICATION,
            Submission.variant.in_(ENDING_VARIANTS),
            Submission.status == SubmissionStatus.APPROVED,
            Submission.platform_id.is_not(None),
        )
        .group_by(Submission.platform_id)
    )
    return {
        platform_id: decided
        for platform_id, decided in rows.all()
        if platform_id is not None and decided is not None
    }


async def reports_of_year(
    session: AsyncSession, programme: str, school_year: int
) -> Sequence[Submission]:
    """Reports of the programme for the school year that were sent, oldest first."""
    rows = await session.scalars(
        select(Submission)
        .where(
            Submission.programme == programme,
            Submission.kind == SubmissionKind.REPORT,
            Submission.school_year == school_year,
            Submission.sent_at.is_not(None),
        )
        .order_by(Submission.id)
    )
    return rows.all()
