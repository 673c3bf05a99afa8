"""Who a person is to the bot: coordinator and mentor of which schools, staff, admin."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.domain import Role
from storage.models import Person, School
from storage.uow import UnitOfWork


class MenuKind(StrEnum):
    """The menu a person sees in a private chat; the most specific role wins."""

    COORDINATOR = "coordinator"
    MENTOR = "mentor"
    STAFF = "staff"
    GUEST = "guest"


@dataclass(frozen=True)
class SchoolRef:
    id: int
    name: str


@dataclass(frozen=True)
class Roles:
    coordinator_of: tuple[SchoolRef, ...] = ()
    mentor_of: tuple[SchoolRef, ...] = ()
    """Schools the person accompanies: their own, and every school of their districts."""
    districts: tuple[str, ...] = ()
    staff: bool = False
    admin: bool = False
    appoints_mentors: tuple[SchoolRef, ...] = ()
    """Schools whose mentors this coordinator invites (the programme lets the platform appoint)."""
    mentor_title: str = "наставник"
    regional_tutor: bool = False
    """A member of the regional tutor community (`services.people.community`)."""

    @property
    def registered(self) -> bool:
        return bool(self.coordinator_of or self.mentor_of or self.districts or self.regional_tutor)

    @property
    def menu(self) -> MenuKind:
        if self.coordinator_of:
            return MenuKind.COORDINATOR
        if self.mentor_of or self.districts or self.regional_tutor:
            return MenuKind.MENTOR
        if self.staff or self.admin:
            return MenuKind.STAFF
        return MenuKind.GUEST


def roles_of(
    person: Person | None,
    *,
    staff: bool,
    admin: bool,
    districts: Sequence[str] = (),
    district_schools: Sequence[School] = (),
    appointing: Collection[int] = (),
    mentor_title: str = "наставник",
    regional_tutor: bool = False,
) -> Roles:
    if person is None:
        return Roles(staff=staff or admin, admin=admin)

    def schools(role: Role) -> tuple[SchoolRef, ...]:
        return tuple(
            SchoolRef(m.school.id, m.school.name)
            for m in sorted(person.memberships, key=lambda m: m.school.name)
            if m.role == role
        )

    own = schools(Role.MENTOR)
    known = {school.id for school in own}
    by_district = tuple(
        SchoolRef(school.id, school.name) for school in district_schools if school.id not in known
    )
    coordinator_of = schools(Role.COORDINATOR)
    return Roles(
        coordinator_of=coordinator_of,
        appoints_mentors=tuple(s for s in coordinator_of if s.id in appointing),
        mentor_title=mentor_title,
        mentor_of=own + by_district,
        districts=tuple(districts),
        staff=staff or admin,
        admin=admin,
        regional_tutor=regional_tutor,
    )


def coordinates(person: Person, school_id: int) -> bool:
    """Whether the person is a coordinator of the school (checked on every action on its data)."""
    return any(m.school_id == school_id and m.role is Role.COORDINATOR for m in person.memberships)


async def of_member(uow: UnitOfWork, telegram_id: int) -> Roles:
    """What a person (not staff) may do, by their memberships: the menu they are shown."""
    return roles_of(await uow.people.by_telegram_id(telegram_id), staff=False, admin=False)
