"""Statuses granted by order, as the roadmap and the institute's own deadlines need them.

Repositories never commit; the unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PlatformStatus, Submission, SubmissionKind
from storage.repositories.schedule import LIVE

EXTENSION = "extension"
ROADMAP = "roadmap"
"""The variant of a plan that is the roadmap for the whole term (Krasnodar, табл. 1)."""


class StatusRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def granting(self, programme: str) -> Sequence[PlatformStatus]:
        """The newest status of each platform that an order *granted* (not an extension of
        it): the one its certificate and its roadmap belong to."""
        rows = await self._s.scalars(
            select(PlatformStatus)
            .outerjoin(Submission, Submission.id == PlatformStatus.application_id)
            .where(
                PlatformStatus.programme == programme,
                or_(Submission.id.is_(None), Submission.variant != EXTENSION),
            )
            .order_by(PlatformStatus.id)
        )
        newest: dict[tuple[int, int | None], PlatformStatus] = {}
        for status in rows.all():
            newest[(status.school_id, status.platform_id)] = status
        return list(newest.values())

    async def of_application(self, application_id: int) -> PlatformStatus | None:
        """The newest status recorded by an order on this application."""
        return await self._s.scalar(
            select(PlatformStatus)
            .where(PlatformStatus.application_id == application_id)
            .order_by(PlatformStatus.id.desc())
            .limit(1)
        )

    async def granting_of(self, programme: str, platform_id: int) -> PlatformStatus | None:
        found = [s for s in await self.granting(programme) if s.platform_id == platform_id]
        return found[-1] if found else None

    async def roadmaps_given(self, programme: str) -> tuple[set[int], set[int]]:
        """Platforms (and, for roadmaps about no platform, schools) whose roadmap counts as
        given: sent and not rejected."""
        rows = await self._s.execute(
            select(Submission.platform_id, Submission.school_id).where(
                Submission.programme == programme,
                Submission.kind == SubmissionKind.PLAN,
                Submission.variant == ROADMAP,
                Submission.status.in_(LIVE),
            )
        )
        platforms: set[int] = set()
        schools: set[int] = set()
        for platform_id, school_id in rows.all():
            if platform_id is None:
                schools.add(school_id)
            else:
                platforms.add(platform_id)
        return platforms, schools
