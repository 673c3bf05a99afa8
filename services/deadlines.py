"""When a submission may be sent: lead time of announcements, windows of reports and applications.

Pure functions over the programme and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from services import calendar
from services.programmes import Programme, Window
from storage.models import SubmissionKind


class Verdict(StrEnum):
    OPEN = "open"
    NOT_YET = "not_yet"  # the window has not opened: keep it as a draft
    LATE = "late"  # may be sent, marked late, with a reason
    PAST = "past"  # the event has already happened: refused


@dataclass(frozen=True)
class Timing:
    verdict: Verdict
    opens: date | None = None
    closes: date | None = None
    deadline: date | None = None
    """Announcements: the last day the announcement was on time."""


def report_year(today: date) -> int:
    """The school year an annual report made today is about: the one in progress."""
    return calendar.school_year_of(today)


def _window_of(programme: Programme, kind: SubmissionKind, variant: str) -> Window | None:
    windows = programme.windows
    if kind in (SubmissionKind.REPORT, SubmissionKind.PLAN):
        return windows.report
    if kind is SubmissionKind.APPLICATION and variant == "assignment":
        return windows.application
    return None


def window_timing(
    programme: Programme, kind: SubmissionKind, variant: str, school_year: int, today: date
) -> Timing:
    """Reports and plans: against the occurrence of `school_year` (the summer that ends it).

    Applications: against this year's occurrence, or next year's once this year's has closed.
    """
    window = _window_of(programme, kind, variant)
    if window is None or window.yearly is None:
        return Timing(Verdict.OPEN)
    if kind in (SubmissionKind.REPORT, SubmissionKind.PLAN):
        opens, closes = calendar.window_dates(window.yearly, school_year + 1)
    else:
        # An application after this year's window is one for next year's: not late, early.
        opens, closes = calendar.window_dates(window.yearly, today.year)
        if today > closes:
            opens, closes = calendar.window_dates(window.yearly, today.year + 1)
    if today < opens:
        return Timing(Verdict.NOT_YET, opens, closes)
    if today > closes:
        return Timing(Verdict.LATE, opens, closes)
    return Timing(Verdict.OPEN, opens, closes)


def announcement_timing(
    programme: Programme, event_at: datetime, now: datetime, zone: ZoneInfo
) -> Timing:
    checked = calendar.announcement_check(event_at, now, programme.announcements.lead_days, zone)
    verdict = {
        calendar.Timing.PAST: Verdict.PAST,
        calendar.Timing.LATE: Verdict.LATE,
        calendar.Timing.ON_TIME: Verdict.OPEN,
    }[checked.timing]
    return Timing(verdict, deadline=checked.deadline)
