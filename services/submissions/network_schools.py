"""The schools of a network platform as an application lists them, one school at a time.

The answer is `[{"school_id": int, "year": int, "name": str}]`: the school from the registry
and the year it joined the network (`services.platforms.network_of` reads the first two when
the status is granted; the name is kept only to show the list without looking it up). The
applicant's own school leads the network and is never listed among its members.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.people import schools
from services.submissions.fields import FieldError
from storage.models import School
from storage.uow import UnitOfWork

FIRST_YEAR = 1990
"""Earlier years are typing mistakes: no school network of this kind is that old."""
YEAR_BUTTONS = 6
_YEAR = re.compile(r"^\d{4}$")


def members(value: Any) -> list[dict[str, Any]]:
    """The listed schools, whatever an old draft holds."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict) and "school_id" in item]


def with_school(value: Any, school: School, year: int) -> list[dict[str, Any]]:
    """The list with the school added, or its year changed if it is listed already."""
    item = {"school_id": school.id, "year": year, "name": school.name}
    listed = members(value)
    for index, existing in enumerate(listed):
        if existing["school_id"] == school.id:
            listed[index] = item
            return listed
    return [*listed, item]


def without_school(value: Any, school_id: int) -> list[dict[str, Any]]:
    return [item for item in members(value) if item["school_id"] != school_id]


def year_of(value: Any, school_id: int) -> int | None:
    """The year a listed school joined; None if it is not listed."""
    return next(
        (item.get("year") for item in members(value) if item["school_id"] == school_id), None
    )


def line(item: dict[str, Any]) -> str:
    """«Школа (с 2021)», as the preview and the staff card show a member."""
    name = item.get("name") or f"№ {item['school_id']}"
    return f"{name} (с {item['year']})" if item.get("year") else str(name)


def recent_years(this_year: int) -> list[int]:
    """The years offered as buttons, newest first."""
    return [this_year - offset for offset in range(YEAR_BUTTONS)]


def parse_year(text: str, this_year: int) -> int:
    """A typed year: four digits, not in the future, not absurdly old."""
    value = text.strip().removesuffix("г.").removesuffix("г").strip()
    if not _YEAR.match(value):
        raise FieldError("year_format")
    year = int(value)
    if year > this_year:
        raise FieldError("year_future", this_year=this_year)
    if year < FIRST_YEAR:
        raise FieldError("year_too_old", first=FIRST_YEAR)
    return year


class Found(StrEnum):
    ONE = "one"
    SEVERAL = "several"
    NONE = "none"
    OWN = "own"  # the applicant's own school: it leads the network


@dataclass(frozen=True)
class Search:
    found: Found
    school: School | None = None
    candidates: Sequence[School] = ()
    total: int = 0


async def search(uow: UnitOfWork, needle: str, own_school_id: int) -> Search:
    """A school of the registry by its full name or by words of it, as access requests search.

    Unlike staff's lookup, digits are a part of the name ("ООШ № 12"), never a registry id:
    coordinators do not know those.
    """
    exact = await uow.schools.by_name(needle)
    if exact is not None:
        return Search(Found.OWN if exact.id == own_school_id else Found.ONE, exact)
    found, total = await uow.schools.search(needle, 0, schools.CANDIDATES_SHOWN)
    others = [school for school in found if school.id != own_school_id]
    if not others:
        own = found[0] if found else None
        return Search(Found.OWN, own) if own is not None else Search(Found.NONE)
    total -= len(found) - len(others)  # the applicant's own school is not offered
    if total == 1:
        return Search(Found.ONE, others[0])
    return Search(Found.SEVERAL, None, others, total)
