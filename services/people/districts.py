"""Consultants of municipal districts (LOIRO's научные консультанты): invited to a district.

A consultant accompanies every school of the district as its mentor: reminders of events
and reports reach them as they reach a school's own mentors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain import Role
from services.people.invitations import issue_unbound
from storage.models import fold
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class DistrictLookup:
    district: str | None
    """As the schools list writes it; None when nothing or several districts fit."""
    known: tuple[str, ...]
    candidates: tuple[str, ...] = ()
    """Several districts fit the words typed."""


@dataclass(frozen=True)
class DistrictInvitation:
    district: str
    role: Role
    code: str
    expires_at: datetime


async def known_districts(uow: UnitOfWork) -> tuple[str, ...]:
    """The districts the schools list names, each once, alphabetically, spelled as there.

    Spelled exactly as the schools have it: a consultant's schools are those whose district
    is the consultant's, compared as stored.
    """
    found = {s.district for s in await uow.schools.all() if s.district.strip()}
    return tuple(sorted(found, key=fold))


def match(needle: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The district named exactly; else those containing every word typed ("гатчинский")."""
    wanted = fold(needle)
    exact = tuple(d for d in known if fold(d) == wanted)
    if exact:
        return exact
    words = wanted.split()
    return tuple(d for d in known if words and all(w in fold(d) for w in words))


async def lookup(uow: UnitOfWork, needle: str) -> DistrictLookup:
    known = await known_districts(uow)
    found = match(needle, known)
    if len(found) == 1:
        return DistrictLookup(found[0], known)
    return DistrictLookup(None, known, found)


async def invite(
    uow: UnitOfWork, district: str, actor: int | None, now: datetime, ttl_days: int
) -> DistrictInvitation:
    """A single-use link that makes its holder a consultant (mentor) of the whole district."""
    invitation = await issue_unbound(uow, Role.MENTOR, actor, now, ttl_days, district=district)
    await uow.commit()
    return DistrictInvitation(district, Role.MENTOR, invitation.code, invitation.expires_at)
