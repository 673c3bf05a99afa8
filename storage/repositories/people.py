"""People and their memberships: who coordinates or mentors which school. Repositories never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import (
    DistrictMentor,
    Membership,
    Person,
    Role,
    School,
    UserSettings,
)

_WHOLE_PERSON = (
    joinedload(Person.memberships).joinedload(Membership.school),
    joinedload(Person.districts),
)
"""A person with all their roles derive from, in the one statement that reads them."""


class PersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, person_id: int) -> Person | None:
        return await self._s.get(Person, person_id)

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        return await self._s.scalar(select(Person).where(Person.telegram_id == telegram_id))

    async def identity(self, telegram_id: int) -> tuple[UserSettings | None, Person | None]:
        """A Telegram user's settings and person, with memberships, schools and districts:
        one statement (joins), as every update needs to know who is writing."""
        row = (
            (
                await self._s.execute(
                    select(UserSettings, Person)
                    .outerjoin(Person, Person.telegram_id == UserSettings.telegram_id)
                    .where(UserSettings.telegram_id == telegram_id)
                    .options(*_WHOLE_PERSON)
                )
            )
            .unique()
            .first()
        )
        if row is None:  # never wrote before: no settings yet (a person seeded by staff)
            person = await self._s.scalar(
                select(Person).where(Person.telegram_id == telegram_id).options(*_WHOLE_PERSON)
            )
            return None, person
        return row[0], row[1]

    def add(self, person: Person) -> None:
        self._s.add(person)

    async def flush(self) -> None:
        await self._s.flush()

    async def has_membership(self, person_id: int, school_id: int, role: Role) -> bool:
        found = await self._s.scalar(
            select(Membership.id).where(
                Membership.person_id == person_id,
                Membership.school_id == school_id,
                Membership.role == role,
            )
        )
        return found is not None

    def add_membership(self, membership: Membership) -> None:
        self._s.add(membership)

    async def unreachable(self) -> Sequence[Person]:
        rows = await self._s.scalars(
            select(Person).where(Person.unreachable.is_(True)).order_by(Person.id)
        )
        return rows.all()

    async def with_role_at(self, school_id: int, role: Role) -> Sequence[Person]:
        """Coordinators or mentors of a school; mentors of its whole district count too."""
        members = select(Membership.person_id).where(
            Membership.school_id == school_id, Membership.role == role
        )
        condition: ColumnElement[bool] = Person.id.in_(members)
        if role is Role.MENTOR:
            district = select(School.district).where(School.id == school_id).scalar_subquery()
            condition |= Person.id.in_(
                select(DistrictMentor.person_id).where(
                    DistrictMentor.district == district, district != ""
                )
            )
        query = select(Person).where(condition)
        rows = await self._s.scalars(query.order_by(Person.id))
        return rows.all()

    async def districts_of(self, person_id: int) -> Sequence[str]:
        rows = await self._s.scalars(
            select(DistrictMentor.district)
            .where(DistrictMentor.person_id == person_id)
            .order_by(DistrictMentor.district)
        )
        return rows.all()

    async def add_district(self, person_id: int, district: str) -> bool:
        """Link a mentor to a district; False if the link was there already."""
        if await self._s.get(DistrictMentor, (person_id, district)) is not None:
            return False
        self._s.add(DistrictMentor(person_id=person_id, district=district))
        return True

    async def schools_of_districts(self, districts: Collection[str]) -> Sequence[School]:
        rows = await self._s.scalars(
            select(School).where(School.district.in_(districts)).order_by(School.name)
        )
        return rows.all()
