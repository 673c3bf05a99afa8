"""Every submission sent in a period, as a workbook: one row each, dates as dates.

Rows are streamed from the database to the thread that writes the workbook (see
`streaming`): 200,000 rows take a few seconds and little memory, and the event loop keeps
answering meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.domain import SubmissionKind, SubmissionStatus
from services.exports import streaming, xlsx
from services.exports.scope import Scope
from services.exports.values import local, member, moment
from services.exports.xlsx import Column, Kind
from storage.repositories import exports as queries
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Period:
    """Local days, both included."""

    first: date
    last: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The UTC instants [start, end) of the period's days in `zone`."""
        start = datetime.combine(self.first, time(0, 0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(0, 0), tzinfo=zone)
        return start, end.astimezone(UTC)


@dataclass(frozen=True)
class SubmissionWords:
    """What the workbook says, in the language of whoever asked (the handler gives it)."""

    sheet: str
    columns: Sequence[str]
    """№, kind, school, district, programme, status, sent, decided, reviewer, days
    waiting, on time, version: twelve titles."""
    kinds: Mapping[SubmissionKind, str]
    variants: Mapping[tuple[str, str], str]
    """(programme, variant) to the title of that kind of application."""
    programmes: Mapping[str, str]
    statuses: Mapping[SubmissionStatus, str]
    late: str
    on_time: str


_KINDS = (
    Kind.NUMBER,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.DATETIME,
    Kind.DATETIME,
    Kind.TEXT,
    Kind.NUMBER,
    Kind.TEXT,
    Kind.NUMBER,
)


async def count(uow: UnitOfWork, period: Period, scope: Scope, zone: ZoneInfo) -> int:
    statement = queries.submissions_sent(*period.bounds(zone), scope.school_ids)
    return await queries.count(uow.session, statement)


async def workbook(
    uow: UnitOfWork,
    period: Period,
    scope: Scope,
    zone: ZoneInfo,
    now: datetime,
    words: SubmissionWords,
) -> bytes:
    """The workbook of the submissions of `scope` sent during `period`."""
    statement = queries.submissions_sent(*period.bounds(zone), scope.school_ids)
    parts = queries.stream(uow.session, statement)
    today = now.astimezone(zone).date()

    def build(rows: Iterator[Any]) -> bytes:
        columns = [Column(title, kind) for title, kind in zip(words.columns, _KINDS, strict=True)]
        shown = (_row(raw, words, zone, today) for raw in rows)
        return xlsx.workbook([xlsx.Sheet(words.sheet, columns, shown)])

    return await streaming.build_streamed(parts, build)


def _row(raw: Sequence[Any], words: SubmissionWords, zone: ZoneInfo, today: date) -> list[Any]:
    (number, kind, variant, programme, school, district, status, sent, decided) = raw[:9]
    decided_by, claimed_by, late, version = raw[9:]
    kind_member = member(SubmissionKind, kind)
    sent_at, decided_at = moment(sent), moment(decided)
    sent_local, decided_local = local(sent_at, zone), local(decided_at, zone)
    until = decided_local.date() if decided_local is not None else today
    waiting = (until - sent_local.date()).days if sent_local is not None else None
    return [
        number,
        words.variants.get((programme, variant)) or words.kinds[kind_member],
        school,
        district,
        words.programmes.get(programme, programme),
        words.statuses[member(SubmissionStatus, status)],
        sent_local,
        decided_local,
        decided_by or claimed_by,
        waiting,
        words.late if late else words.on_time,
        version,
    ]
