"""The staff's statistics: submissions per month by kind and status, days to a decision
(median and 90th percentile), and the share of reports sent on time.

Counted over the last `MONTHS` months (by the month a submission was sent, local time),
from rows streamed to a worker thread, as the exports are.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from services.domain import SubmissionKind, SubmissionStatus
from services.exports import streaming
from services.exports.values import member, moment
from storage.repositories import exports as queries
from storage.uow import UnitOfWork

MONTHS = 12


@dataclass
class Stats:
    months: list[date]
    """The first day of each month counted, oldest first."""
    by_kind: dict[SubmissionKind, list[int]] = field(default_factory=dict)
    by_status: dict[SubmissionStatus, list[int]] = field(default_factory=dict)
    days_to_decision: list[float] = field(default_factory=list)
    reports: int = 0
    reports_on_time: int = 0

    @property
    def sent(self) -> int:
        return sum(sum(counts) for counts in self.by_kind.values())

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_decision) if self.days_to_decision else None

    @property
    def p90_days(self) -> float | None:
        found = self.days_to_decision
        if len(found) < 2:
            return found[0] if found else None
        return statistics.quantiles(found, n=10, method="inclusive")[8]

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.reports_on_time / self.reports) if self.reports else None


def months_back(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the last `count` months, this one included, oldest first."""
    found = []
    year, month = today.year, today.month
    for _ in range(count):
        found.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


async def compute(uow: UnitOfWork, now: datetime, zone: ZoneInfo) -> Stats:
    months = months_back(now.astimezone(zone).date())
    start = datetime.combine(months[0], time(0, 0), tzinfo=zone)
    parts = queries.stream(uow.session, queries.submission_timings(start, now))

    def count(rows: Iterator[Any]) -> Stats:
        return _count(rows, months, zone)

    return await streaming.build_streamed(parts, count)


def _count(rows: Iterator[Sequence[Any]], months: list[date], zone: ZoneInfo) -> Stats:
    found = Stats(months)
    index = {month: n for n, month in enumerate(months)}
    for kind_raw, status_raw, sent_raw, decided_raw, late in rows:
        sent, decided = moment(sent_raw), moment(decided_raw)
        if sent is None:
            continue
        local = sent.astimezone(zone).date()
        slot = index.get(local.replace(day=1))
        if slot is None:
            continue
        kind, status = member(SubmissionKind, kind_raw), member(SubmissionStatus, status_raw)
        found.by_kind.setdefault(kind, [0] * len(months))[slot] += 1
        found.by_status.setdefault(status, [0] * len(months))[slot] += 1
        if decided is not None and decided >= sent:
            found.days_to_decision.append((decided - sent).total_seconds() / 86400)
        if kind is SubmissionKind.REPORT:
            found.reports += 1
            found.reports_on_time += 0 if late else 1
    return found


def events_by_month(
    events: Sequence[tuple[datetime, int | None]], zone: ZoneInfo
) -> list[tuple[date, int, int]]:
    """(month, events held, participants) for every month from the first event to the last."""
    if not events:
        return []
    counted: dict[date, tuple[int, int]] = {}
    for at, participants in events:
        month = at.astimezone(zone).date().replace(day=1)
        held, people = counted.get(month, (0, 0))
        counted[month] = (held + 1, people + (participants or 0))
    first, last = min(counted), max(counted)
    found = []
    month = first
    while month <= last:
        held, people = counted.get(month, (0, 0))
        found.append((month, held, people))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found
