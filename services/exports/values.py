"""Raw column values (`storage.repositories.exports`) as Python values, and local times.

SQLite gives datetimes as naive UTC text and dates as ISO text, PostgreSQL gives them as
`datetime` and `date`; enums come as their members' names from both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

E = TypeVar("E", bound=Enum)


def moment(value: object) -> datetime | None:
    """An aware UTC datetime, or None."""
    if value is None or value == "":
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def day(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def member(enum: type[E], value: object) -> E:
    """The enum member stored under its name (or, failing that, its value)."""
    text = str(value)
    try:
        return enum[text]
    except KeyError:
        return enum(text)


def local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """The naive local wall time of an instant, as a spreadsheet shows it."""
    return value.astimezone(zone).replace(tzinfo=None) if value is not None else None
