"""Announced events as an iCalendar file (RFC 5545), for Outlook, Google and phone calendars.

Each announcement is one event whose UID never changes (`announcement-<id>@<domain>`), so
importing the file again updates the events instead of doubling them. A new version of the
announcement or its cancellation raises SEQUENCE; a rejected announcement, or an event the
coordinator marked as not held, is CANCELLED; an approved one CONFIRMED, one still under
review TENTATIVE. Times carry the deployment's zone (with its VTIMEZONE).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.domain import SubmissionStatus
from services.exports import streaming
from services.exports.scope import Scope
from services.exports.values import member, moment
from storage.models import Submission
from storage.repositories import exports as queries
from storage.uow import UnitOfWork

DAYS_BACK = 365
"""Past events a calendar still holds."""
LENGTH = timedelta(hours=2)
"""Announcements give a start only; an event is shown this long."""
DOMAIN = "coordbot.invalid"
"""The UIDs' domain when the bot's own name is not known."""


@dataclass(frozen=True)
class CalendarWords:
    name: str
    """The calendar's name in the calendar application."""
    form: str
    audience: str
    school: str
    registration: str


@dataclass(frozen=True)
class Announced:
    id: int
    school: str
    status: SubmissionStatus
    event_at: datetime
    updated_at: datetime
    version: int
    values: Mapping[str, Any]

    @property
    def cancelled(self) -> bool:
        return self.status is SubmissionStatus.REJECTED or self.values.get("held") is False


def uid(submission_id: int, domain: str) -> str:
    return f"announcement-{submission_id}@{domain or DOMAIN}"


async def calendar(
    uow: UnitOfWork, scope: Scope, zone: ZoneInfo, now: datetime, domain: str, words: CalendarWords
) -> tuple[bytes, int]:
    """The events of `scope` from a year ago on, and how many there are."""
    statement = queries.announcements(
        now - timedelta(days=DAYS_BACK), scope.school_ids, scope.district
    )
    rows = await queries.rows(uow.session, statement)
    return await streaming.in_thread(_from_rows, rows, zone, domain, words)


def event_file(
    submission: Submission, zone: ZoneInfo, domain: str, words: CalendarWords
) -> bytes | None:
    """The ICS of one announcement (the channel publication carries it); None without a date."""
    if submission.event_at is None:
        return None
    item = Announced(
        submission.id,
        submission.school.name,
        submission.status,
        submission.event_at,
        submission.updated_at,
        submission.version,
        json.loads(submission.values),
    )
    return build([item], zone, domain, words)


def _from_rows(
    rows: Sequence[Any], zone: ZoneInfo, domain: str, words: CalendarWords
) -> tuple[bytes, int]:
    items = [
        Announced(
            number,
            school,
            member(SubmissionStatus, status),
            moment(event_at) or datetime.now(UTC),
            moment(updated_at) or datetime.now(UTC),
            version,
            json.loads(values or "{}"),
        )
        for number, school, status, event_at, updated_at, version, values in rows
    ]
    return build(items, zone, domain, words), len(items)


def build(items: Iterable[Announced], zone: ZoneInfo, domain: str, words: CalendarWords) -> bytes:
    from icalendar import Calendar  # imported here: only calendars need it

    calendar = Calendar()
    calendar.add("prodid", "-//coordbot//ru")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words.name)
    calendar.add("x-wr-timezone", zone.key)
    for item in items:
        calendar.add_component(_event(item, zone, domain, words))
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def _event(item: Announced, zone: ZoneInfo, domain: str, words: CalendarWords) -> Any:
    from icalendar import Event

    values = item.values
    start = item.event_at.astimezone(zone)
    event = Event()
    event.add("uid", uid(item.id, domain))
    event.add("dtstamp", item.updated_at.astimezone(UTC))
    event.add("last-modified", item.updated_at.astimezone(UTC))
    event.add("sequence", item.version - 1 + (1 if item.cancelled else 0))
    event.add("dtstart", start)
    event.add("dtend", start + LENGTH)
    event.add("summary", str(values.get("title") or ""))
    if values.get("place"):
        event.add("location", str(values["place"]))
    event.add("description", _description(item, words))
    event.add("status", _status(item))
    if values.get("registration"):
        event.add("url", str(values["registration"]))
    return event


def _status(item: Announced) -> str:
    if item.cancelled:
        return "CANCELLED"
    return "CONFIRMED" if item.status is SubmissionStatus.APPROVED else "TENTATIVE"


def _description(item: Announced, words: CalendarWords) -> str:
    values = item.values
    lines = [f"{words.school}: {item.school}"]
    for label, key in (
        (words.form, "form"),
        (words.audience, "audience"),
        (words.registration, "registration"),
    ):
        if values.get(key):
            lines.append(f"{label}: {values[key]}")
    if values.get("description"):
        lines += ["", str(values["description"])]
    return "\n".join(lines)
