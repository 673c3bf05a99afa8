"""Pure date rules of the regulations: yearly windows, lead times, terms. No I/O, no wall clock.

People see and type local dates and times in the deployment's zone; instants are stored in UTC.
Every function that needs "now" takes it as an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SCHOOL_YEAR_FIRST_MONTH = 9
MAX_YEARS_AHEAD = 3
"""How far ahead a typed date may lie before it is taken for a typo."""


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {at!r}")
    return at


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February falls on 28 February in a common year.

    This is how the Civil Code (art. 192) counts terms in years.
    """
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not _is_leap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def local_date(at: datetime, zone: ZoneInfo) -> date:
    """The calendar day an instant falls on in `zone`."""
    return _aware(at).astimezone(zone).date()


# --- School year -------------------------------------------------------------------------------


def school_year_of(day: date) -> int:
    """The school year a day belongs to, named by the year it starts (1 September)."""
    return day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1


def school_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of the school year that starts in `year`."""
    return date(year, SCHOOL_YEAR_FIRST_MONTH, 1), date(year + 1, 8, 31)


# --- Yearly windows ----------------------------------------------------------------------------

_DAY_MONTH = re.compile(r"(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True, order=True)
class DayMonth:
    """A day of the year without the year, written "MM-DD" as in ISO 8601 ("06-30" is 30 June).

    "02-29" is allowed and falls on 28 February in common years: a window ending on the last
    day of February still ends on it, and a window starting on 29 February never opens late.
    """

    month: int
    day: int

    def __post_init__(self) -> None:
        try:
            date(2000, self.month, self.day)  # 2000 is a leap year, so 29 February passes
        except ValueError:
            raise ValueError(f"no such day of the year: {self}") from None

    @classmethod
    def parse(cls, text: str) -> DayMonth:
        match = _DAY_MONTH.fullmatch(text.strip())
        if match is None:
            raise ValueError(f'expected a day as "MM-DD", e.g. "06-30", got {text!r}')
        return cls(int(match[1]), int(match[2]))

    def in_year(self, year: int) -> date:
        if (self.month, self.day) == (2, 29) and not _is_leap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class YearlyWindow:
    """A window that opens every year on `start` and closes after `end`, both days inclusive.

    When `end` comes before `start` in the calendar the window crosses the new year: each
    occurrence ends in the year after the one it opens in.
    """

    start: DayMonth
    end: DayMonth

    def __post_init__(self) -> None:
        # In a common year both ends would fall on 28 February and occurrences would overlap.
        if (self.start, self.end) == (DayMonth(2, 29), DayMonth(2, 28)):
            raise ValueError("a window from 02-29 to 02-28 would overlap itself in common years")

    @property
    def crosses_year_end(self) -> bool:
        return self.end < self.start


def window_dates(window: YearlyWindow, year: int) -> tuple[date, date]:
    """First and last day of the occurrence that opens in `year`."""
    end_year = year + 1 if window.crosses_year_end else year
    return window.start.in_year(year), window.end.in_year(end_year)


class WindowPhase(StrEnum):
    BEFORE = "before"
    OPEN = "open"
    AFTER = "after"


@dataclass(frozen=True, slots=True)
class WindowState:
    """Where a day stands against a yearly window.

    `start` and `end` describe the occurrence in question: the coming one (`before`), the
    current one (`open`) or the one that closed last (`after`, closed after `end`).
    `next_start` is always the first opening after the day.
    """

    phase: WindowPhase
    start: date
    end: date
    next_start: date


def window_state(window: YearlyWindow, today: date) -> WindowState:
    """The state of `window` on the local date `today`.

    Outside the window the calendar year decides between `after` and `before`, as the
    regulations speak of "текущего года": once an occurrence has closed the window is `after`
    until 31 December, and `before` from 1 January until it opens. A window that crosses the
    new year and closed in January is therefore `after` until it opens again later that year.
    """
    occurrences = [window_dates(window, year) for year in range(today.year - 2, today.year + 2)]
    next_start = min(start for start, _ in occurrences if start > today)
    for start, end in occurrences:
        if start <= today <= end:
            return WindowState(WindowPhase.OPEN, start, end, next_start)
    last_start, last_end = max((o for o in occurrences if o[1] < today), key=lambda o: o[1])
    if last_end.year == today.year:
        return WindowState(WindowPhase.AFTER, last_start, last_end, next_start)
    coming_end = next(end for start, end in occurrences if start == next_start)
    return WindowState(WindowPhase.BEFORE, next_start, coming_end, next_start)


# --- Lead times and terms ----------------------------------------------------------------------


class Timing(StrEnum):
    PAST = "past"
    LATE = "late"
    ON_TIME = "on_time"


@dataclass(frozen=True, slots=True)
class AnnouncementTiming:
    """The verdict on an announcement; `deadline` is the last local day it was on time."""

    timing: Timing
    deadline: date
    days_ahead: int
    """Calendar days from the local date of "now" to the local date of the event."""


def announcement_deadline(event_local: datetime, lead_days: int) -> date:
    """The last day an announcement is on time: the event's local date minus `lead_days`.

    "Не позднее чем за 10 дней до мероприятия" is counted in calendar days between local dates;
    the time of day does not matter. An event on 25.12 (any hour) needs its announcement on
    15.12 at the latest; on 16.12 it is late. Pass the event in the deployment's zone (aware) or
    as naive local wall time.
    """
    if lead_days < 0:
        raise ValueError(f"lead_days must not be negative, got {lead_days}")
    return event_local.date() - timedelta(days=lead_days)


def announcement_check(
    event_at: datetime, now: datetime, lead_days: int, zone: ZoneInfo
) -> AnnouncementTiming:
    """Whether an announcement made at `now` for an event at `event_at` is on time.

    Both instants are aware (any zone); days are counted by their local dates in `zone`, so an
    event at 00:30 Moscow time counts on its Moscow date although it is the previous day in UTC.
    An event that has started or passed is `past` and must be refused.
    """
    event_local = _aware(event_at).astimezone(zone)
    today = local_date(now, zone)
    deadline = announcement_deadline(event_local, lead_days)
    days_ahead = (event_local.date() - today).days
    if event_at <= now:
        timing = Timing.PAST
    elif today <= deadline:
        timing = Timing.ON_TIME
    else:
        timing = Timing.LATE
    return AnnouncementTiming(timing, deadline, days_ahead)


def council_list_closes(council_date: date, days_before: int) -> date:
    """The day the list of applicants for a Council closes ("прекращается за 10 дней до").

    Nobody is added on that day: the last day to get on the list is the day before.
    """
    return council_date - timedelta(days=days_before)


def roadmap_due(certificate_date: date, days: int) -> date:
    """The last day (inclusive) to submit the roadmap: "не позднее 10 дней после" the certificate."""
    return certificate_date + timedelta(days=days)


def status_expires(granted_on: date, term_years: int) -> date:
    """The last day of the status: the same date `term_years` later (Civil Code art. 192).

    A status granted on 29 February ends on 28 February when that year is a common one.
    """
    return add_years(granted_on, term_years)


# --- Typed dates -------------------------------------------------------------------------------


class DateProblem(StrEnum):
    FORMAT = "format"
    NO_SUCH_DATE = "no_such_date"
    TIME_MISSING = "time_missing"
    PAST = "past"
    TOO_FAR = "too_far"


class DateInputError(ValueError):
    def __init__(self, reason: DateProblem) -> None:
        super().__init__(reason.value)
        self.reason = reason


_DATE_TIME = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:(?:\s*,\s*|\s+)(?:в\s+)?(\d{1,2})[:.](\d{2}))?",
    re.IGNORECASE,
)


def parse_local_datetime(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """A date and time typed by a person in `zone`, as an aware UTC datetime.

    Accepts "25.12.2026 10:00", "25.12.2026 10.00", "25.12.26 10:00" (two-digit years are
    20xx), optionally with a comma or "в" before the time. A date without a time is refused
    with `time_missing` rather than given a default hour. An hour or minute out of range is a
    `format` problem; a time skipped by a clock change counts as `no_such_date`. Dates more than
    MAX_YEARS_AHEAD years after today's local date are `too_far`.
    """
    match = _DATE_TIME.fullmatch(text.strip())
    if match is None:
        raise DateInputError(DateProblem.FORMAT)
    day_text, month_text, year_text, hour_text, minute_text = match.groups()
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        day = date(year, int(month_text), int(day_text))
    except ValueError:
        raise DateInputError(DateProblem.NO_SUCH_DATE) from None
    if hour_text is None:
        raise DateInputError(DateProblem.TIME_MISSING)
    hour, minute = int(hour_text), int(minute_text)
    if hour > 23 or minute > 59:
        raise DateInputError(DateProblem.FORMAT)
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    at = local.astimezone(UTC)
    if at.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DateInputError(DateProblem.NO_SUCH_DATE)
    if at <= _aware(now):
        raise DateInputError(DateProblem.PAST)
    if day > add_years(local_date(now, zone), MAX_YEARS_AHEAD):
        raise DateInputError(DateProblem.TOO_FAR)
    return at
