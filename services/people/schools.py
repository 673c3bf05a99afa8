"""Finding a school from what staff type: its number, its full name, or a unique part of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.models import School
from storage.uow import UnitOfWork

CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Lookup:
    school: School | None
    candidates: Sequence[School] = ()
    total: int = 0


async def lookup(uow: UnitOfWork, needle: str) -> Lookup:
    exact = await uow.schools.find(needle)
    if exact is not None:
        return Lookup(exact, (exact,), 1)
    found, total = await uow.schools.search(needle, 0, CANDIDATES_SHOWN)
    if total == 1:
        return Lookup(found[0], found, 1)
    return Lookup(None, found, total)


async def get(uow: UnitOfWork, school_id: int) -> School | None:
    """The school of this id, if the list has it."""
    return await uow.schools.get(school_id)


async def matching(
    uow: UnitOfWork, needle: str, offset: int, limit: int
) -> tuple[Sequence[School], int]:
    """One page of the schools whose name or district has every word of `needle`, and how many."""
    return await uow.schools.search(needle, offset, limit)


async def every_school(uow: UnitOfWork) -> Sequence[School]:
    """The whole list of schools, in the order they were loaded."""
    return await uow.schools.all()
