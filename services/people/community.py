"""The regional tutor community (Kuzbass, L84: «Формирование регионального тьюторского
сообщества, включенного в систему обеспечения непрерывного профессионального мастерства
педагогических работников, а также адресного повышения квалификации в КРИПКиПРО»).

Where a programme says `roles.regional_tutors`, staff invite tutors to the region (not to a
school) with `/invite тьютор`; a tutor hears of every event the programme's platforms
announce, so as to take part and accompany the teachers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain import Role
from services.people.invitations import issue_unbound
from services.programmes.schema import Programme, Programmes
from storage.models import Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CommunityInvitation:
    role: Role
    code: str
    expires_at: datetime
    programmes: tuple[str, ...]
    """The titles of the programmes whose events the tutor will hear of."""


def programmes_with(programmes: Programmes) -> list[Programme]:
    return [p for p in programmes if p.roles.regional_tutors]


async def invite(
    uow: UnitOfWork, programmes: Programmes, actor: int | None, now: datetime, ttl_days: int
) -> CommunityInvitation | None:
    """A single-use link into the community; None where no programme has one."""
    having = programmes_with(programmes)
    if not having:
        return None
    invitation = await issue_unbound(uow, Role.TUTOR, actor, now, ttl_days)
    await uow.commit()
    return CommunityInvitation(
        Role.TUTOR, invitation.code, invitation.expires_at, tuple(p.title for p in having)
    )


async def join(uow: UnitOfWork, person: Person) -> None:
    if person.id is None:
        uow.people.add(person)
        await uow.people.flush()
    await uow.community.join(person.id)


async def is_member(uow: UnitOfWork, programmes: Programmes, person: Person | None) -> bool:
    """Asks the database only where a programme of the deployment has a community."""
    if person is None or not programmes_with(programmes):
        return False
    return await uow.community.is_member(person.id)
