"""Announced events as an iCalendar file (RFC 5545), for Outlook, Google and phone calendars.

Each announcement is one event whose UID never changes (`announcement-<id>@<domain>`), so
importing the file again updates the events instead of doubling them. A new version of the
announcement or its cancellation raises SEQUENCE; a rejected announcement, or an event the
coordinator marked as not held, is CANCELLED; an approved one CONFIRMED, one still under
review TENTATIVE. Times carry the deployment's zone (with its VTIMEZONE).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


def _announcements(scope: Scope, now: datetime) -> queries.Query:
    return queries.announcements(now - timedelta(days=DAYS_BACK), scope.school_ids, scope.district)


async def count(uow: UnitOfWork, scope: Scope, now: datetime) -> int:
    """How many events the calendar of `scope` holds (to tell a slow one before it starts)."""
    return await queries.count(uow.session, _announcements(scope, now))


async def calendar(
    uow: UnitOfWork, scope: Scope, zone: ZoneInfo, now: datetime, domain: str, words: CalendarWords
) -> tuple[bytes, int]:
    """The events of `scope` from a year ago on, and how many there are.

    Rows are streamed to the thread that writes the file, and each event is written as it
    comes: a region's tens of thousands of events never stand in memory as objects.
    """
    parts = queries.stream(uow.session, _announcements(scope, now))

    def write(rows: Iterator[Any]) -> tuple[bytes, int]:
        return build((_announced(row) for row in rows), zone, domain, words)

    return await streaming.build_streamed(parts, write)


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
    return build([item], zone, domain, words)[0]


def _announced(row: Sequence[Any]) -> Announced:
    number, school, status, event_at, updated_at, version, values = row
    return Announced(
        number,
        school,
        member(SubmissionStatus, status),
        moment(event_at) or datetime.now(UTC),
        moment(updated_at) or datetime.now(UTC),
        version,
        json.loads(values or "{}"),
    )


_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters a content line cannot hold (a break is escaped before)."""
_END = b"END:VCALENDAR\r\n"
_LINE = 75
"""Octets in a content line before it is folded (RFC 5545, 3.1)."""
_URL = re.compile(r"https?://\S+\Z")


def build(
    items: Iterable[Announced], zone: ZoneInfo, domain: str, words: CalendarWords
) -> tuple[bytes, int]:
    """The calendar of `items` (with the zone's VTIMEZONE), and how many events it holds.

    icalendar writes the calendar's head and the time zone; the events are written here,
    line by line, about twenty times faster than through icalendar's objects (a region's
    calendar holds tens of thousands), and parsed back by icalendar in the tests.
    """
    from icalendar import Calendar, Timezone  # imported here: only calendars need it

    calendar = Calendar()
    calendar.add("prodid", "-//coordbot//ru")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words.name)
    calendar.add("x-wr-timezone", zone.key)
    tzid: str | None = zone.key
    try:
        calendar.add_component(Timezone.from_tzid(zone.key))
    except ValueError:  # a zone icalendar cannot describe: the times are written in UTC
        tzid = None
    head: bytes = calendar.to_ical()
    output = io.BytesIO()
    output.write(head.removesuffix(_END))
    count = 0
    for item in items:
        output.write(_event(item, zone, tzid, domain, words))
        count += 1
    output.write(_END)
    return output.getvalue(), count


def _event(
    item: Announced, zone: ZoneInfo, tzid: str | None, domain: str, words: CalendarWords
) -> bytes:
    values = item.values
    start = item.event_at.astimezone(zone)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(item.id, domain)}",
        f"DTSTAMP:{_utc(item.updated_at)}",
        f"LAST-MODIFIED:{_utc(item.updated_at)}",
        f"SEQUENCE:{item.version - 1 + (1 if item.cancelled else 0)}",
        _moment("DTSTART", start, tzid),
        _moment("DTEND", start + LENGTH, tzid),
        f"SUMMARY:{_text(values.get('title'))}",
    ]
    if values.get("place"):
        lines.append(f"LOCATION:{_text(values['place'])}")
    lines.append(f"DESCRIPTION:{_text(_description(item, words))}")
    lines.append(f"STATUS:{_status(item)}")
    link = str(values.get("registration") or "").strip()
    if _URL.match(link):
        lines.append(f"URL:{link}")
    lines.append("END:VEVENT")
    return b"".join(_folded(line) for line in lines)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _moment(name: str, local: datetime, tzid: str | None) -> str:
    if tzid is None:
        return f"{name}:{_utc(local)}"
    return f"{name};TZID={tzid}:{local.strftime('%Y%m%dT%H%M%S')}"


def _text(value: object) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslashes, semicolons, commas and breaks escaped."""
    text = str(value or "")
    for plain, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n")):
        text = text.replace(plain, escaped)
    return text.replace("\n", "\\n").replace("\r", "\\n")


def _folded(line: str) -> bytes:
    """The line with CRLF, folded every 75 octets, never inside a character's UTF-8 bytes."""
    data = _NOT_TEXT.sub("", line).encode()
    if len(data) <= _LINE:
        return data + b"\r\n"
    parts = []
    begin, limit = 0, _LINE
    while begin < len(data):
        end = min(begin + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[begin:end])
        begin, limit = end, _LINE - 1  # a continuation starts with a space
    return b"\r\n ".join(parts) + b"\r\n"


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
