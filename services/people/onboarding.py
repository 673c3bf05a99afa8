"""Registration by invitation: consent, name and position, then the school's role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain import Role
from services.people import community
from services.people.invitations import InvitationState, check
from services.people.roles import Roles, roles_of
from storage.models import Membership, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Newcomer:
    telegram_id: int
    full_name: str
    position: str
    consent_at: datetime


@dataclass(frozen=True)
class JoinResult:
    state: InvitationState
    school_name: str = ""
    """The school joined, or the district for a district's consultant."""
    role: Role | None = None
    district: bool = False


async def add_membership(uow: UnitOfWork, person: Person, school_id: int, role: Role) -> None:
    if person.id is None:
        uow.people.add(person)
        await uow.people.flush()
    if not await uow.people.has_membership(person.id, school_id, role):
        uow.people.add_membership(Membership(person_id=person.id, school_id=school_id, role=role))


async def add_district(uow: UnitOfWork, person: Person, district: str) -> None:
    """A consultant of a district: a mentor of every school whose district it is."""
    if person.id is None:
        uow.people.add(person)
        await uow.people.flush()
    await uow.people.add_district(person.id, district)


async def join(
    uow: UnitOfWork,
    code: str,
    telegram_id: int,
    now: datetime,
    newcomer: Newcomer | None = None,
) -> JoinResult:
    """Redeem an invitation for a known person, or for a newcomer who gave their details."""
    checked = await check(uow, code, now)
    invitation = checked.invitation
    if checked.state is not InvitationState.VALID or invitation is None:
        return JoinResult(checked.state)
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None:
        if newcomer is None:
            raise ValueError("a newcomer's details are needed to register")
        person = Person(
            telegram_id=telegram_id,
            full_name=newcomer.full_name,
            position=newcomer.position,
            consent_at=newcomer.consent_at,
        )
    if invitation.role is Role.TUTOR:
        await community.join(uow, person)
    elif invitation.school_id is None:
        await add_district(uow, person, invitation.district or "")
    else:
        await add_membership(uow, person, invitation.school_id, invitation.role)
    if not await uow.invitations.claim(invitation.id, person.id, now):
        await uow.rollback()
        return JoinResult(InvitationState.USED)
    uow.audit.record(
        "invitation.redeem",
        "school",
        invitation.school_id,
        telegram_id,
        now,
        role=invitation.role.value,
        person_id=person.id,
        district=invitation.district,
    )
    await uow.commit()
    return JoinResult(
        InvitationState.VALID,
        invitation.target,
        invitation.role,
        district=invitation.district is not None,
    )


async def roles_after_joining(
    uow: UnitOfWork, telegram_id: int, *, staff: bool, admin: bool
) -> Roles:
    """What the person who has just joined may do: their schools and districts, as now stored."""
    person = await uow.people.by_telegram_id(telegram_id)
    districts = await uow.people.districts_of(person.id) if person else ()
    return roles_of(
        person,
        staff=staff,
        admin=admin,
        districts=districts,
        district_schools=await uow.people.schools_of_districts(districts) if districts else (),
        regional_tutor=person is not None and await uow.community.is_member(person.id),
    )
