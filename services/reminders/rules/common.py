"""What the rules read (a pass, a programme's share of it), their signatures, shared helpers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.domain import Role
from services.programmes.schema import Programme, Programmes
from services.reminders.wanted import Moment, Wanted
from storage.models import Submission
from storage.repositories.schedule import AnnouncedEvent
from storage.uow import UnitOfWork

People = dict[int, list[int]]
"""Telegram ids of the reachable coordinators (or mentors) of each school, by school id."""


@dataclass(frozen=True)
class Scope:
    """One programme and the coordinators of the schools that follow it."""

    programme: Programme
    coordinators: People
    is_default: bool
    """The deployment's first programme: schools without a platform follow it."""


@dataclass(frozen=True)
class Context:
    """One pass: the data, the programmes, the moment, the staff chat, who is in which school."""

    uow: UnitOfWork
    programmes: Programmes
    moment: Moment
    staff_chat_id: int | None
    coordinators: People
    mentors: People
    in_programme: dict[str, set[int]]
    """The schools of each programme's platforms."""
    without_platform: set[int]
    tutors: list[int]
    """Telegram ids of the regional tutor community (none unless a programme has one)."""

    @classmethod
    async def read(
        cls, uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
    ) -> Context:
        """Who is in which school and which programme, read once for every rule of the pass."""
        coordinators = await uow.schedule.people_by_school(Role.COORDINATOR)
        mentors = await uow.schedule.people_by_school(Role.MENTOR)
        in_programme = await uow.schedule.schools_by_programme()
        without_platform = set(coordinators) - set().union(*in_programme.values())
        with_tutors = any(p.roles.regional_tutors for p in programmes)
        tutors = await uow.community.reachable() if with_tutors else []
        return cls(
            uow,
            programmes,
            moment,
            staff_chat_id,
            coordinators=coordinators,
            mentors=mentors,
            in_programme=in_programme,
            without_platform=without_platform,
            tutors=tutors,
        )

    @property
    def applicants(self) -> People:
        """Coordinators of the schools without a platform yet, in any programme."""
        return {s: p for s, p in self.coordinators.items() if s in self.without_platform}

    def tutors_of(self, school_id: int) -> list[int]:
        """The regional tutors who hear of the school's events: those of its programmes."""
        if not self.tutors:
            return []
        having = (p.id for p in self.programmes if p.roles.regional_tutors)
        if any(school_id in self.in_programme.get(programme, ()) for programme in having):
            return self.tutors
        return []

    def scope(self, programme: Programme) -> Scope:
        """Each school follows the programme of its platforms; one without a platform yet
        follows the deployment's first programme."""
        is_default = programme is self.programmes.default
        schools = self.in_programme.get(programme.id, set())
        if is_default:
            schools = schools | self.without_platform
        mine = {school: people for school, people in self.coordinators.items() if school in schools}
        return Scope(programme, mine, is_default=is_default)


DeploymentRule = Callable[[Context], Awaitable[list[Wanted]]]
"""A rule run once a pass, for the whole deployment."""
ProgrammeRule = Callable[[Context, Scope], Awaitable[list[Wanted]]]
"""A rule run for each programme, over the schools that follow it."""


def title_of(item: AnnouncedEvent | Submission) -> str:
    return str(values_of(item).get("title", ""))


def values_of(item: AnnouncedEvent | Submission) -> dict[str, object]:
    return dict(json.loads(item.values))
