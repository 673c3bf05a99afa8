"""Schools: lookup by name and by words of it, districts. Repositories never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    School,
    fold,
)


class SchoolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, school_id: int) -> School | None:
        return await self._s.get(School, school_id)

    async def by_name(self, name: str) -> School | None:
        return await self._s.scalar(select(School).where(School.name_key == fold(name)))

    async def find(self, needle: str) -> School | None:
        """By id or by name, case and spacing ignored."""
        if needle.strip().isdigit():
            school = await self.get(int(needle))
            if school is not None:
                return school
        return await self.by_name(needle)

    async def search(self, needle: str, offset: int, limit: int) -> tuple[Sequence[School], int]:
        """Schools whose name or district contains every word of the needle."""
        query = select(School)
        for word in fold(needle).split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(School.search_key.like(f"%{escaped}%", escape="\\"))
        total = await self._s.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._s.scalars(query.order_by(School.name).offset(offset).limit(limit))
        return rows.all(), int(total or 0)

    async def names(self, ids: Collection[int]) -> dict[int, str]:
        """School names by id, for texts that name the schools."""
        if not ids:
            return {}
        rows = await self._s.execute(select(School.id, School.name).where(School.id.in_(ids)))
        return {school_id: name for school_id, name in rows.all()}

    async def all(self) -> Sequence[School]:
        return (await self._s.scalars(select(School).order_by(School.id))).all()

    def add(self, school: School) -> None:
        self._s.add(school)
