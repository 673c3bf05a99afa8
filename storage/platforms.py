"""Platforms and their schools: which programme a school works under, alone or in a network."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Platform, PlatformSchool, School


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

    async def schools(self, ids: Collection[int]) -> Sequence[School]:
        rows = await self._s.scalars(select(School).where(School.id.in_(ids)).order_by(School.name))
        return rows.all()
