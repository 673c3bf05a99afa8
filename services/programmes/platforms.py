"""Which programme and platform a submission is about, and what a network's lead school sends.

A school may hold platforms of several programmes (or, in Omsk, several of one); a platform
may span several schools, one of them leading. Reports, plans and applications about an
existing network platform come from its lead school; every member announces its own events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.domain import SubmissionKind
from services.programmes.schema import Programme, Programmes
from storage.models import Platform, PlatformSchool, School, Submission
from storage.uow import UnitOfWork

LEAD_SENDS = frozenset({SubmissionKind.REPORT, SubmissionKind.PLAN})
"""Kinds about the platform as a whole; other variants of applications are checked too."""
OWN_APPLICATIONS = frozenset({"assignment", "training"})
"""Applications every school sends for itself: for a status, for its teachers' training."""


@dataclass(frozen=True)
class Target:
    programme: Programme
    platform: Platform | None

    @property
    def key(self) -> str:
        """Short and unique among the choices (fits a button's callback data)."""
        return f"p{self.platform.id}" if self.platform else f"g{self.programme.id}"


async def get(uow: UnitOfWork, platform_id: int) -> Platform | None:
    """The platform of this number, if there is one."""
    return await uow.platforms.get(platform_id)


async def targets(
    uow: UnitOfWork,
    programmes: Programmes,
    school_id: int,
    kind: SubmissionKind,
    about: Programme | None = None,
) -> list[Target]:
    """What a submission of this kind from the school may be about; one: nothing to ask.

    `about`: an application to extend or end a status of this programme, so one of the
    school's platforms in it (Omsk 2.1.5: a school may hold several).
    """
    platforms = [p for p in await uow.platforms.of_school(school_id) if p.programme in programmes]
    if kind is SubmissionKind.APPLICATION and about is not None:
        own = [p for p in platforms if p.programme == about.id]
        return [Target(about, p) for p in own] or [Target(about, None)]
    if kind is SubmissionKind.APPLICATION:
        found = []
        for programme in programmes:
            own = [p for p in platforms if p.programme == programme.id]
            found.append(Target(programme, own[0] if len(own) == 1 else None))
        return found
    if platforms:
        return [Target(programmes.of(p.programme), p) for p in platforms]
    return [Target(programme, None) for programme in programmes]


def lead_school_instead(
    target: Target, school_id: int, kind: SubmissionKind, variant: str
) -> School | None:
    """The lead school, when the kind is the lead's to send and this school is only a member."""
    platform = target.platform
    if platform is None or platform.lead_school_id == school_id:
        return None
    if kind in LEAD_SENDS or (
        kind is SubmissionKind.APPLICATION and variant not in OWN_APPLICATIONS
    ):
        return platform.lead_school
    return None


def member_ids(platform: Platform | None, school_id: int) -> list[int]:
    """The schools whose events a report covers: the whole network, or the school alone."""
    if platform is None:
        return [school_id]
    return [member.school_id for member in platform.members]


async def found_platform(uow: UnitOfWork, application: Submission, order_on: date) -> Platform:
    """The platform an approved application for the status creates, with its network schools."""
    values = json.loads(application.values)
    platform = Platform(
        programme=application.programme,
        title=str(values.get("topic") or values.get("goal") or "")[:300],
        lead_school_id=application.school_id,
        members=[PlatformSchool(school_id=application.school_id, joined_year=order_on.year)],
    )
    for member in network_of(values):
        if member["school_id"] != application.school_id:
            platform.members.append(
                PlatformSchool(school_id=member["school_id"], joined_year=member.get("year"))
            )
    uow.platforms.add(platform)
    await uow.session.flush()
    return platform


def network_of(values: dict[str, object]) -> Sequence[dict[str, int]]:
    """The network schools an application lists (see the `network_schools` field)."""
    found = values.get("network_schools")
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


async def directions_of(uow: UnitOfWork, platform: Platform) -> list[str]:
    """The directions the application that founded the platform chose (may be none)."""
    founded = await uow.platforms.founding_applications(platform.programme, platform.id)
    found = json.loads(founded[0][1].values).get("directions") if founded else None
    return [item for item in found if isinstance(item, str)] if isinstance(found, list) else []


async def members_only(uow: UnitOfWork, programme_id: str) -> set[int]:
    """Schools that are in a network of the programme without leading any of its platforms."""
    found = await uow.platforms.of_programme(programme_id)
    leads = {platform.lead_school_id for platform in found}
    return {m.school_id for platform in found for m in platform.members} - leads
