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
