"""What every rule speaks: the moment of a pass, a reminder it wants, and how to build one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services import calendar
from services.outbox import Planned
from services.workdays import WorkingCalendar
from storage.models import Person

RUSSIA = WorkingCalendar()
"""Russia's production calendar as the `holidays` package knows it, nothing added."""
CATCH_UP = timedelta(days=3)
"""A bot that was down sends what fell due meanwhile, if not older than this."""
HORIZON = timedelta(days=1)
"""Reminders due up to this far ahead are planned now (they wait in the outbox)."""


@dataclass(frozen=True)
class Moment:
    """When a pass runs, in which zone, and at which local hour reminders go out."""

    now: datetime
    zone: ZoneInfo
    hour: int
    workdays: WorkingCalendar = RUSSIA
    """Which days staff work: public holidays, their transfers, the deployment's own days."""

    @property
    def today(self) -> date:
        return calendar.local_date(self.now, self.zone)

    @property
    def working_day(self) -> bool:
        return self.workdays.is_working_day(self.today)

    def at(self, day: date) -> datetime:
        """The reminder hour of a local day, in UTC."""
        return datetime.combine(day, time(self.hour), tzinfo=self.zone).astimezone(UTC)

    def wanted(self, due: datetime) -> bool:
        return self.now - CATCH_UP <= due <= self.now + HORIZON

    def any_wanted(self, *days: date) -> bool:
        """Whether a rule has anything to plan now: cheap, before looping over schools."""
        return any(self.wanted(self.at(day)) for day in days)


@dataclass(frozen=True)
class Wanted:
    """A reminder a rule wants, and until when it still makes sense."""

    planned: Planned
    until: date | None
    """The last local day the reminder makes sense; after it a late one is dropped."""

    def in_time(self, moment: Moment) -> bool:
        """Whether to plan it now: due within the catch-up and the horizon, and not too late."""
        return moment.wanted(self.planned.due_at) and (
            self.until is None or moment.today <= self.until
        )


def remind(
    rule: str,
    recipient: Person | int,
    *,
    subject: str,
    occurrence: str,
    due: datetime,
    mandatory: bool,
    until: date | None = None,
    payload: Mapping[str, object] | None = None,
) -> Wanted:
    """A reminder keyed by rule, subject, chat and occurrence: planning it again is a no-op.

    `mandatory` ones (deadlines) come even to a person who muted the optional ones.
    """
    chat_id = recipient if isinstance(recipient, int) else recipient.telegram_id
    planned = Planned(
        key=f"{rule}:{subject}:{chat_id}:{occurrence}",
        rule=rule,
        subject=subject,
        chat_id=chat_id,
        due_at=due,
        mandatory=mandatory,
        payload=dict(payload or {}),
    )
    return Wanted(planned, until)


def series(days_before: tuple[int, ...], last_day: date) -> dict[int, date]:
    """For reminders N days before a date: each makes sense until the next one is due."""
    ordered = sorted(set(days_before), reverse=True)
    return {
        days: last_day - timedelta(days=ordered[i + 1] + 1) if i + 1 < len(ordered) else last_day
        for i, days in enumerate(ordered)
    }
