"""The date rules with concrete dates, and their properties over random dates and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.calendar import (
    AnnouncementTiming,
    DateInputError,
    DateProblem,
    DayMonth,
    Timing,
    WindowPhase,
    WindowState,
    YearlyWindow,
    add_years,
    announcement_check,
    announcement_deadline,
    council_list_closes,
    local_date,
    parse_local_datetime,
    roadmap_due,
    school_year_bounds,
    school_year_of,
    status_expires,
    window_dates,
    window_state,
)

MOSCOW = ZoneInfo("Europe/Moscow")
IRKUTSK = ZoneInfo("Asia/Irkutsk")
ZONES = [
    MOSCOW,
    IRKUTSK,
    ZoneInfo("Asia/Novosibirsk"),
    ZoneInfo("Asia/Vladivostok"),
    ZoneInfo("Europe/Kaliningrad"),
    ZoneInfo("UTC"),
]

JUNE = YearlyWindow(DayMonth(6, 1), DayMonth(6, 30))
NEW_YEAR = YearlyWindow(DayMonth(12, 20), DayMonth(1, 10))


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)  # type: ignore[misc]


# --- School year -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 9, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2027, 8, 31), 2026),
        (date(2026, 8, 31), 2025),
    ],
)
def test_school_year_of(day: date, year: int) -> None:
    assert school_year_of(day) == year


def test_school_year_bounds() -> None:
    assert school_year_bounds(2026) == (date(2026, 9, 1), date(2027, 8, 31))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_lies_within_its_school_year(day: date) -> None:
    first, last = school_year_bounds(school_year_of(day))
    assert first <= day <= last


# --- Day and window definitions ------------------------------------------------------------------


def test_day_month_parses_and_prints() -> None:
    assert DayMonth.parse("06-30") == DayMonth(6, 30)
    assert str(DayMonth(6, 1)) == "06-01"


@pytest.mark.parametrize("text", ["02-30", "13-01", "00-10", "04-31"])
def test_day_month_refuses_days_that_do_not_exist(text: str) -> None:
    with pytest.raises(ValueError, match="no such day of the year"):
        DayMonth.parse(text)


@pytest.mark.parametrize("text", ["6-1", "06/01", "01.06", "", "06-01-2026"])
def test_day_month_refuses_other_formats(text: str) -> None:
    with pytest.raises(ValueError, match="MM-DD"):
        DayMonth.parse(text)


def test_leap_day_falls_on_28_february_in_common_years() -> None:
    leap_day = DayMonth.parse("02-29")
    assert leap_day.in_year(2028) == date(2028, 2, 29)
    assert leap_day.in_year(2027) == date(2027, 2, 28)
    assert leap_day.in_year(2100) == date(2100, 2, 28)
    assert leap_day.in_year(2000) == date(2000, 2, 29)


def test_window_overlapping_itself_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        YearlyWindow(DayMonth(2, 29), DayMonth(2, 28))


# --- Window occurrences and states ---------------------------------------------------------------


def test_window_dates() -> None:
    assert window_dates(JUNE, 2026) == (date(2026, 6, 1), date(2026, 6, 30))
    assert window_dates(NEW_YEAR, 2026) == (date(2026, 12, 20), date(2027, 1, 10))
    february = YearlyWindow(DayMonth(2, 1), DayMonth(2, 29))
    assert window_dates(february, 2027) == (date(2027, 2, 1), date(2027, 2, 28))
    assert window_dates(february, 2028) == (date(2028, 2, 1), date(2028, 2, 29))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            date(2026, 5, 31),
            WindowState(WindowPhase.BEFORE, date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 1)),
        ),
        (
            date(2026, 6, 1),
            WindowState(WindowPhase.OPEN, date(2026, 6, 1), date(2026, 6, 30), date(2027, 6, 1)),
        ),
        (
            date(2026, 6, 30),
            WindowState(WindowPhase.OPEN, date(2026, 6, 1), date(2026, 6, 30), date(2027, 6, 1)),
        ),
        (
            date(2026, 7, 1),
            WindowState(WindowPhase.AFTER, date(2026, 6, 1), date(2026, 6, 30), date(2027, 6, 1)),
        ),
        (
            date(2026, 12, 31),
            WindowState(WindowPhase.AFTER, date(2026, 6, 1), date(2026, 6, 30), date(2027, 6, 1)),
        ),
        (
            date(2027, 1, 1),
            WindowState(WindowPhase.BEFORE, date(2027, 6, 1), date(2027, 6, 30), date(2027, 6, 1)),
        ),
    ],
)
def test_window_state_of_a_june_window(today: date, expected: WindowState) -> None:
    assert window_state(JUNE, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            date(2026, 12, 19),
            WindowState(
                WindowPhase.AFTER, date(2025, 12, 20), date(2026, 1, 10), date(2026, 12, 20)
            ),
        ),
        (
            date(2026, 12, 20),
            WindowState(
                WindowPhase.OPEN, date(2026, 12, 20), date(2027, 1, 10), date(2027, 12, 20)
            ),
        ),
        (
            date(2027, 1, 1),
            WindowState(
                WindowPhase.OPEN, date(2026, 12, 20), date(2027, 1, 10), date(2027, 12, 20)
            ),
        ),
        (
            date(2027, 1, 10),
            WindowState(
                WindowPhase.OPEN, date(2026, 12, 20), date(2027, 1, 10), date(2027, 12, 20)
            ),
        ),
        (
            date(2027, 1, 11),
            WindowState(
                WindowPhase.AFTER, date(2026, 12, 20), date(2027, 1, 10), date(2027, 12, 20)
            ),
        ),
    ],
)
def test_window_state_across_the_year_end(today: date, expected: WindowState) -> None:
    assert window_state(NEW_YEAR, today) == expected


def test_window_ending_on_leap_day() -> None:
    february = YearlyWindow(DayMonth(2, 1), DayMonth(2, 29))
    assert window_state(february, date(2027, 2, 28)).phase is WindowPhase.OPEN
    assert window_state(february, date(2027, 3, 1)).phase is WindowPhase.AFTER
    assert window_state(february, date(2028, 2, 29)).phase is WindowPhase.OPEN
    assert window_state(february, date(2028, 3, 1)).end == date(2028, 2, 29)


day_months = st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)).map(
    lambda d: DayMonth(d.month, d.day)
)


@st.composite
def windows(draw: st.DrawFn) -> YearlyWindow:
    start, end = draw(day_months), draw(day_months)
    assume((start, end) != (DayMonth(2, 29), DayMonth(2, 28)))
    return YearlyWindow(start, end)


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
)
zones = st.sampled_from(ZONES)


def _open_by_the_calendar(window: YearlyWindow, today: date) -> bool:
    """An independent oracle: compare today with this year's start and end."""
    start, end = window.start.in_year(today.year), window.end.in_year(today.year)
    if window.crosses_year_end:
        return today >= start or today <= end
    return start <= today <= end


@given(windows(), instants, zones)
def test_window_is_open_exactly_between_its_days(
    window: YearlyWindow, at: datetime, zone: ZoneInfo
) -> None:
    today = local_date(at, zone)
    state = window_state(window, today)
    assert (state.phase is WindowPhase.OPEN) == _open_by_the_calendar(window, today)
    assert state.next_start > today
    if state.phase is WindowPhase.OPEN:
        assert state.start <= today <= state.end
    elif state.phase is WindowPhase.BEFORE:
        assert today < state.start == state.next_start
    else:
        assert state.end < today < state.next_start
        assert state.end.year == today.year


@given(windows(), st.integers(min_value=2000, max_value=2100))
def test_every_day_of_an_occurrence_is_open(window: YearlyWindow, year: int) -> None:
    start, end = window_dates(window, year)
    day = start
    while day <= end:
        assert window_state(window, day).phase is WindowPhase.OPEN
        day += timedelta(days=1)
    before, after = start - timedelta(days=1), end + timedelta(days=1)
    if before != window_dates(window, year - 1)[1]:
        assert window_state(window, before).phase is not WindowPhase.OPEN
    if after != window_dates(window, year + 1)[0]:
        assert window_state(window, after).phase is not WindowPhase.OPEN


# --- Announcements -------------------------------------------------------------------------------


def test_announcement_deadline_counts_calendar_days() -> None:
    """An event on 25.12 needs its announcement on 15.12 at the latest, whatever the hour."""
    assert announcement_deadline(msk(2026, 12, 25, 23, 59), 10) == date(2026, 12, 15)
    assert announcement_deadline(msk(2026, 12, 25, 0, 0), 10) == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("event", "deadline"),
    [
        (datetime(2027, 3, 5, 10), date(2027, 2, 23)),  # across February, common year
        (datetime(2028, 3, 5, 10), date(2028, 2, 24)),  # leap year
        (datetime(2027, 1, 5, 10), date(2026, 12, 26)),  # across the year end
        (datetime(2026, 10, 1, 10), date(2026, 9, 21)),  # across a month end
    ],
)
def test_announcement_deadline_across_month_and_year_ends(event: datetime, deadline: date) -> None:
    assert announcement_deadline(event, 10) == deadline


def test_negative_lead_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        announcement_deadline(datetime(2026, 12, 25, 10), -1)


def test_announcement_on_the_last_day_is_on_time() -> None:
    result = announcement_check(msk(2026, 12, 25, 10), msk(2026, 12, 15, 23, 59), 10, MOSCOW)
    assert result == AnnouncementTiming(Timing.ON_TIME, date(2026, 12, 15), 10)


def test_announcement_a_day_later_is_late_and_names_the_missed_deadline() -> None:
    result = announcement_check(msk(2026, 12, 25, 10), msk(2026, 12, 16, 0, 0), 10, MOSCOW)
    assert result == AnnouncementTiming(Timing.LATE, date(2026, 12, 15), 9)


def test_event_that_started_or_passed_is_past() -> None:
    event = msk(2026, 12, 25, 10)
    assert announcement_check(event, event, 10, MOSCOW).timing is Timing.PAST
    later = event + timedelta(days=3)
    assert announcement_check(event, later, 10, MOSCOW).timing is Timing.PAST
    soon = event - timedelta(minutes=1)
    assert announcement_check(event, soon, 10, MOSCOW).timing is Timing.LATE
    assert announcement_check(event, soon, 0, MOSCOW).timing is Timing.ON_TIME


def test_event_after_midnight_counts_by_its_local_date() -> None:
    """00:30 on 26.12 in Moscow is 21:30 on 25.12 in UTC; the Moscow date decides."""
    event = msk(2026, 12, 26, 0, 30).astimezone(UTC)
    assert event.date() == date(2026, 12, 25)
    on_time = announcement_check(event, msk(2026, 12, 16, 12, 0), 10, MOSCOW)
    assert on_time.timing is Timing.ON_TIME
    assert on_time.deadline == date(2026, 12, 16)
    # 22:00 UTC on 16.12 is already 17.12 in Moscow.
    late = announcement_check(event, datetime(2026, 12, 16, 22, 0, tzinfo=UTC), 10, MOSCOW)
    assert late.timing is Timing.LATE


def test_same_instants_differ_by_zone() -> None:
    event = datetime(2026, 12, 25, 20, 0, tzinfo=UTC)  # 26.12 04:00 in Irkutsk
    now = datetime(2026, 12, 16, 10, 0, tzinfo=UTC)
    assert announcement_check(event, now, 10, ZoneInfo("UTC")).timing is Timing.LATE
    assert announcement_check(event, now, 10, IRKUTSK).timing is Timing.ON_TIME


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        announcement_check(datetime(2026, 12, 25, 10), msk(2026, 12, 1), 10, MOSCOW)


@given(instants, instants, st.integers(min_value=0, max_value=60), zones)
def test_on_time_exactly_until_the_deadline(
    event: datetime, now: datetime, lead_days: int, zone: ZoneInfo
) -> None:
    result = announcement_check(event, now, lead_days, zone)
    assert result.deadline + timedelta(days=lead_days) == local_date(event, zone)
    assert result.days_ahead == (local_date(event, zone) - local_date(now, zone)).days
    if event <= now:
        assert result.timing is Timing.PAST
    else:
        on_time = local_date(now, zone) <= result.deadline
        assert (result.timing is Timing.ON_TIME) == on_time
        assert (result.timing is Timing.LATE) == (not on_time)


# --- Council, roadmap, term ----------------------------------------------------------------------


def test_council_list_closes_ten_days_before() -> None:
    assert council_list_closes(date(2026, 10, 20), 10) == date(2026, 10, 10)
    assert council_list_closes(date(2026, 9, 5), 10) == date(2026, 8, 26)


def test_roadmap_due() -> None:
    assert roadmap_due(date(2026, 11, 25), 10) == date(2026, 12, 5)
    assert roadmap_due(date(2026, 12, 25), 10) == date(2027, 1, 4)


def test_status_expires() -> None:
    assert status_expires(date(2026, 10, 15), 3) == date(2029, 10, 15)
    assert status_expires(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert status_expires(date(2028, 2, 29), 4) == date(2032, 2, 29)


def test_add_years_keeps_month_and_day() -> None:
    assert add_years(date(2026, 6, 30), 1) == date(2027, 6, 30)
    assert add_years(date(2028, 2, 29), -1) == date(2027, 2, 28)


# --- Typed dates ---------------------------------------------------------------------------------

NOW = msk(2026, 9, 15, 12, 0)


@pytest.mark.parametrize(
    "text",
    ["25.12.2026 10:00", "25.12.2026 10.00", "25.12.26 10:00", " 25.12.2026, в 10:00 "],
)
def test_parse_accepted_forms(text: str) -> None:
    parsed = parse_local_datetime(text, MOSCOW, NOW)
    assert parsed == datetime(2026, 12, 25, 7, 0, tzinfo=UTC)
    assert parsed.tzinfo is UTC


def test_parse_in_other_zones_and_short_numbers() -> None:
    assert parse_local_datetime("25.12.2026 10:00", IRKUTSK, NOW) == datetime(
        2026, 12, 25, 2, 0, tzinfo=UTC
    )
    assert parse_local_datetime("5.1.2027 9:05", MOSCOW, NOW) == datetime(
        2027, 1, 5, 6, 5, tzinfo=UTC
    )
    assert parse_local_datetime("29.02.2028 10:00", MOSCOW, NOW).date() == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25.12.2026", "time_missing"),
        ("31.02.2027 10:00", "no_such_date"),
        ("29.02.2027 10:00", "no_such_date"),
        ("32.01.2027 10:00", "no_such_date"),
        ("25/12/2026 10:00", "format"),
        ("завтра в 10", "format"),
        ("", "format"),
        ("25.12.2026 25:00", "format"),
        ("25.12.2026 10:60", "format"),
        ("25.12.2026 10", "format"),
        ("14.09.2026 10:00", "past"),
        ("15.09.2026 12:00", "past"),
        ("16.09.2029 10:00", "too_far"),
    ],
)
def test_parse_refusals(text: str, reason: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_local_datetime(text, MOSCOW, NOW)
    assert caught.value.reason == reason


def test_parse_edges_of_the_allowed_range() -> None:
    assert parse_local_datetime("15.09.2026 12:01", MOSCOW, NOW) > NOW
    assert parse_local_datetime("15.09.2029 23:59", MOSCOW, NOW).year == 2029


def test_time_skipped_by_a_clock_change_does_not_exist() -> None:
    with pytest.raises(DateInputError) as caught:
        parse_local_datetime("29.03.2026 02:30", ZoneInfo("Europe/Berlin"), msk(2026, 1, 1))
    assert caught.value.reason is DateProblem.NO_SUCH_DATE


@given(
    st.datetimes(min_value=datetime(2026, 9, 16), max_value=datetime(2029, 9, 14)),
    zones,
)
def test_parse_reads_back_what_was_written(local: datetime, zone: ZoneInfo) -> None:
    local = local.replace(second=0, microsecond=0)
    parsed = parse_local_datetime(f"{local:%d.%m.%Y %H:%M}", zone, NOW)
    assert parsed.tzinfo is UTC
    assert parsed.astimezone(zone).replace(tzinfo=None) == local
