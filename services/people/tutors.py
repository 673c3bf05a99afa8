"""Mentors the platform's own coordinator appoints (Omsk 2.3.3: the head «определяет тьюторов»).

Where the programme says `roles.coordinator_appoints_mentors`, the coordinator of a school in
one of its platforms issues single-use mentor invitations for that school; the person who
joins by one is a mentor of the school and gets the mentors' reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.domain import Role
from services.people import invitations
from services.people.invitations import IssuedInvitation
from services.programmes.schema import Programmes
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Appointing:
    """Schools (ids) whose coordinator may invite mentors, and what the programme calls them."""

    school_ids: tuple[int, ...] = ()
    mentor_title: str = "наставник"


async def appointing(
    uow: UnitOfWork, programmes: Programmes, school_ids: Sequence[int]
) -> Appointing:
    """Of these schools, those in a platform of a programme that lets the coordinator appoint.

    Asks the database only where some programme of the deployment lets them (Omsk).
    """
    appointing = {p.id for p in programmes if p.roles.coordinator_appoints_mentors}
    if not school_ids or not appointing:
        return Appointing()
    found: list[int] = []
    title = ""
    for school_id, programme in await uow.platforms.programmes_of(school_ids):
        if programme in appointing and school_id not in found:
            found.append(school_id)
            title = title or programmes.of(programme).roles.mentor_title
    return Appointing(tuple(found), title) if found else Appointing()


async def invite(
    uow: UnitOfWork,
    programmes: Programmes,
    coordinator_school_ids: Sequence[int],
    school_id: int,
    actor: int,
    now: datetime,
    ttl_days: int,
) -> IssuedInvitation | None:
    """A mentor invitation for the school; None unless this coordinator may appoint there."""
    allowed = await appointing(uow, programmes, coordinator_school_ids)
    if school_id not in allowed.school_ids:
        return None
    school = await uow.schools.get(school_id)
    if school is None:
        return None
    issued = await invitations.issue(uow, [school], Role.MENTOR, actor, now, ttl_days)
    return issued[0]
