"""Staff keep a network platform's schools: who joined it, in which year, who left.

The application may list the network (Kuzbass, Buryatia); where the regulation's form has no
such row (LOIRO 4.1: «на базе одной или нескольких образовательных организаций»), or the
network changes later, staff change it by the platform's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from storage.models import Platform, PlatformSchool, School
from storage.uow import UnitOfWork


class Change(StrEnum):
    ADDED = "added"
    ALREADY = "already"  # the school is in the network already
    REMOVED = "removed"
    NOT_MEMBER = "not_member"
    LEAD = "lead"  # the lead school cannot leave its own platform


@dataclass(frozen=True)
class Outcome:
    change: Change
    school: School


class Member(NamedTuple):
    school: School
    joined_year: int | None
    lead: bool


async def members(uow: UnitOfWork, platform: Platform) -> list[Member]:
    """The platform's schools, the lead school first, then the others by name."""
    ids = [member.school_id for member in platform.members]
    schools = {school.id: school for school in await uow.platforms.schools(ids)}
    found = [
        Member(schools[m.school_id], m.joined_year, m.school_id == platform.lead_school_id)
        for m in platform.members
        if m.school_id in schools
    ]
    return sorted(found, key=lambda member: (not member.lead, member.school.name))


async def add_school(
    uow: UnitOfWork,
    platform: Platform,
    school: School,
    year: int | None,
    actor: int,
    now: datetime,
) -> Outcome:
    if any(member.school_id == school.id for member in platform.members):
        return Outcome(Change.ALREADY, school)
    platform.members.append(PlatformSchool(school_id=school.id, joined_year=year))
    uow.audit.record(
        "network.add", "platform", platform.id, actor, now, school=school.id, year=year
    )
    await uow.commit()
    return Outcome(Change.ADDED, school)


async def remove_school(
    uow: UnitOfWork, platform: Platform, school: School, actor: int, now: datetime
) -> Outcome:
    if school.id == platform.lead_school_id:
        return Outcome(Change.LEAD, school)
    member = next((m for m in platform.members if m.school_id == school.id), None)
    if member is None:
        return Outcome(Change.NOT_MEMBER, school)
    platform.members.remove(member)
    uow.audit.record("network.remove", "platform", platform.id, actor, now, school=school.id)
    await uow.commit()
    return Outcome(Change.REMOVED, school)
