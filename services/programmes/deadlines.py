"""When a submission may be sent: lead time of announcements, windows of reports and applications.

Pure functions over the programme and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from services import calendar
from services.domain import SubmissionKind
from services.programmes.schema import Programme, Window
from storage.models import WindowOpening


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
    by_order: bool = False
    """The window is opened and closed by staff as an order says (LOIRO 3.4), not by dates."""
    after_certificate: int | None = None
    """The roadmap: due this many days after the certificate, whose day is not known yet."""


def report_year(today: date) -> int:
    """The school year an annual report made today is about: the one in progress."""
    return calendar.school_year_of(today)


def window_name(kind: SubmissionKind, variant: str) -> str | None:
    """Which of the programme's windows (`Windows` field) a submission is sent in, if any.

    The roadmap (a plan of the variant `roadmap`) has a deadline of its own, no window.
    """
    if kind is SubmissionKind.PLAN and variant == "roadmap":
        return None
    if kind in (SubmissionKind.REPORT, SubmissionKind.PLAN):
        return "report"
    if kind is SubmissionKind.APPLICATION and variant == "assignment":
        return "application"
    return None


def _window_of(programme: Programme, kind: SubmissionKind, variant: str) -> Window | None:
    name = window_name(kind, variant)
    window: Window | None = getattr(programme.windows, name) if name else None
    return window


def window_timing(
    programme: Programme,
    kind: SubmissionKind,
    variant: str,
    school_year: int,
    today: date,
    opening: WindowOpening | None = None,
) -> Timing:
    """Reports and plans: against the occurrence of `school_year` (the summer that ends it).

    Applications: against this year's occurrence, or next year's once this year's has closed.
    A window staff open by command follows `opening`, the latest one they recorded.
    """
    window = _window_of(programme, kind, variant)
    if window is not None and window.opened_by_staff:
        return staff_window_timing(kind, opening, today)
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


def staff_window_timing(kind: SubmissionKind, opening: WindowOpening | None, today: date) -> Timing:
    """Open from the day staff opened it to its last day, if the order named one.

    Before an opening or after a close, an application waits as a draft for the next order;
    a report after its window is late, as with a yearly window.
    """
    if opening is None or today < opening.opened_on:
        return Timing(Verdict.NOT_YET, by_order=True)
    closes = opening.closes_on
    if closes is not None and today > closes:
        if kind in (SubmissionKind.REPORT, SubmissionKind.PLAN):
            return Timing(Verdict.LATE, opening.opened_on, closes, by_order=True)
        return Timing(Verdict.NOT_YET, by_order=True)
    return Timing(Verdict.OPEN, opening.opened_on, closes, by_order=True)


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


def stage_timing(opens: date, deadline: date, today: date) -> Timing:
    """A report on a programme stage: from the stage's last day until its deadline, then late."""
    if today < opens:
        return Timing(Verdict.NOT_YET, opens, deadline)
    if today > deadline:
        return Timing(Verdict.LATE, opens, deadline)
    return Timing(Verdict.OPEN, opens, deadline)
