"""Platforms and their schools: which programme a school works under, alone or in a network."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Platform,
    PlatformSchool,
    PlatformStatus,
    School,
    Submission,
    SubmissionKind,
)
from storage.repositories.schedule import LIVE


class PlatformRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, platform: Platform) -> None:
        self._s.add(platform)

    async def get(self, platform_id: int) -> Platform | None:
        return await self._s.get(Platform, platform_id)

    async def of_school(self, school_id: int) -> Sequence[Platform]:
        """The platforms the school belongs to, as lead or as a network member, oldest first."""
        rows = await self._s.scalars(
            select(Platform)
            .join(PlatformSchool, PlatformSchool.platform_id == Platform.id)
            .where(PlatformSchool.school_id == school_id)
            .order_by(Platform.id)
        )
        return rows.all()

    async def programmes_of(self, school_ids: Sequence[int]) -> list[tuple[int, str]]:
        """(school id, programme) of every platform these schools belong to, oldest first."""
        rows = await self._s.execute(
            select(PlatformSchool.school_id, Platform.programme)
            .join(Platform, Platform.id == PlatformSchool.platform_id)
            .where(PlatformSchool.school_id.in_(list(school_ids)))
            .order_by(Platform.id)
        )
        return [(school_id, programme) for school_id, programme in rows.all()]

    async def of_programme(self, programme: str) -> Sequence[Platform]:
        rows = await self._s.scalars(
            select(Platform).where(Platform.programme == programme).order_by(Platform.id)
        )
        return rows.all()

    async def by_lead(self, school_id: int, programme: str, title: str) -> Platform | None:
        return await self._s.scalar(
            select(Platform).where(
                Platform.lead_school_id == school_id,
                Platform.programme == programme,
                Platform.title == title,
            )
        )

    async def founding_applications(
        self, programme: str, platform_id: int | None = None
    ) -> Sequence[tuple[Platform, Submission]]:
        """Each platform of the programme with the application its status was first granted on."""
        first = (
            select(func.min(PlatformStatus.id))
            .where(PlatformStatus.platform_id.is_not(None))
            .group_by(PlatformStatus.platform_id)
        )
        query = (
            select(Platform, Submission)
            .join(PlatformStatus, PlatformStatus.platform_id == Platform.id)
            .join(Submission, Submission.id == PlatformStatus.application_id)
            .where(PlatformStatus.id.in_(first), Platform.programme == programme)
            .order_by(Platform.id)
        )
        if platform_id is not None:
            query = query.where(Platform.id == platform_id)
        rows = await self._s.execute(query)
        return [(platform, application) for platform, application in rows.all()]

    async def reports_given(self, platform_ids: Collection[int]) -> Sequence[Submission]:
        """Reports about these platforms that count as given (sent and not rejected)."""
        if not platform_ids:
            return []
        rows = await self._s.scalars(
            select(Submission).where(
                Submission.platform_id.in_(platform_ids),
                Submission.kind == SubmissionKind.REPORT,
                Submission.status.in_(LIVE),
            )
        )
        return rows.all()

    async def schools(self, ids: Collection[int]) -> Sequence[School]:
        rows = await self._s.scalars(select(School).where(School.id.in_(ids)).order_by(School.name))
        return rows.all()
