"""Window rules: the yearly report window (and its overdue notices), the application windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services import calendar
from services.domain import SubmissionKind
from services.programmes import platforms
from services.programmes.deadlines import report_year
from services.programmes.schema import Programme
from services.reminders.rules.common import Context, Scope
from services.reminders.wanted import Moment, Wanted, remind, series
from storage.models import PlatformStatus


@dataclass(frozen=True)
class _ReportYear:
    """One year's report window, as the reminders about it see it."""

    year: int
    opens: date
    closes: date
    closing: dict[int, date]
    """Days before closing -> the last day that reminder makes sense."""

    @property
    def occurrence(self) -> str:
        return str(self.year)

    @property
    def overdue(self) -> date:
        return self.closes + timedelta(days=1)


async def report_window(ctx: Context, scope: Scope) -> list[Wanted]:
    """The yearly report: opening, before closing, overdue (coordinators, mentors, staff)."""
    term = _report_year(scope.programme, ctx.moment)
    if term is None:
        return []
    reported = await ctx.uow.schedule.schools_that_gave(SubmissionKind.REPORT, term.year)
    # A network's report comes from its lead school: its other members are not asked for one.
    members = await platforms.members_only(ctx.uow, scope.programme.id)
    coordinators = {s: people for s, people in scope.coordinators.items() if s not in members}
    missing = sorted(set(coordinators) - reported)
    # Notices name the schools: a mentor may have several, staff need to know whom to call.
    names = await ctx.uow.schools.names(missing) if ctx.moment.any_wanted(term.overdue) else {}
    found = []
    for school_id, people in coordinators.items():
        for person in people:
            found += _to_coordinator(
                ctx.moment, term, school_id, person, reported=school_id in reported
            )
        if school_id not in reported:
            found += _overdue_to_mentors(ctx, term, school_id, names.get(school_id, ""))
    if ctx.staff_chat_id is not None and missing:
        found.append(_overdue_to_staff(ctx.moment, scope, term, ctx.staff_chat_id, missing, names))
    return found


def _report_year(programme: Programme, moment: Moment) -> _ReportYear | None:
    """The window of the report year now, if the programme has one and a date of it is near."""
    window = programme.windows.report
    if window is None or window.yearly is None:
        return None
    year = report_year(moment.today)
    opens, closes = calendar.window_dates(window.yearly, year + 1)
    days = programme.reminders.report_closing_days
    closing_days = [closes - timedelta(days=d) for d in days]
    if not moment.any_wanted(opens, closes + timedelta(days=1), *closing_days):
        return None
    return _ReportYear(year, opens, closes, series(days, closes))


def _to_coordinator(
    moment: Moment, term: _ReportYear, school_id: int, person: int, *, reported: bool
) -> list[Wanted]:
    """The window opened; until the report comes, the days before it closes and the day after."""
    subject, occurrence = f"report:{school_id}", term.occurrence
    closes = term.closes.isoformat()
    found = [
        remind(
            "report_open",
            person,
            subject=subject,
            occurrence=occurrence,
            due=moment.at(term.opens),
            mandatory=False,
            until=term.closes,
            payload={"opens": term.opens.isoformat(), "closes": closes},
        )
    ]
    if reported:
        return found
    for days, until in term.closing.items():
        found.append(
            remind(
                f"report_closing_{days}",
                person,
                subject=subject,
                occurrence=occurrence,
                due=moment.at(term.closes - timedelta(days=days)),
                mandatory=True,
                until=until,
                payload={"closes": closes},
            )
        )
    found.append(
        remind(
            "report_overdue",
            person,
            subject=subject,
            occurrence=occurrence,
            due=moment.at(term.overdue),
            mandatory=True,
            payload={"closes": closes},
        )
    )
    return found


def _overdue_to_mentors(
    ctx: Context, term: _ReportYear, school_id: int, school: str
) -> list[Wanted]:
    """The day after the window closed without the school's report: its mentors."""
    return [
        remind(
            "report_overdue_mentor",
            mentor,
            subject=f"report:{school_id}",
            occurrence=term.occurrence,
            due=ctx.moment.at(term.overdue),
            mandatory=False,
            payload={"closes": term.closes.isoformat(), "school_id": school_id, "school": school},
        )
        for mentor in ctx.mentors.get(school_id, [])
    ]


def _overdue_to_staff(
    moment: Moment,
    scope: Scope,
    term: _ReportYear,
    staff_chat_id: int,
    missing: list[int],
    names: dict[int, str],
) -> Wanted:
    """The day after the window closed: staff get the schools whose report is missing."""
    programme = scope.programme
    return remind(
        "report_overdue_staff",
        staff_chat_id,
        subject=(
            f"report_year:{term.year}"
            if scope.is_default
            else f"report_year:{programme.id}:{term.year}"
        ),
        occurrence=term.occurrence,
        due=moment.at(term.overdue),
        mandatory=True,
        payload={
            "closes": term.closes.isoformat(),
            "schools": missing,
            "names": sorted(names.get(school, "") for school in missing),
        },
    )


@dataclass(frozen=True)
class _Step:
    """One reminder of an application window: the opening, or N days before it closes."""

    rule: str
    day: date
    until: date | None
    mandatory: bool


def _opening(opens: date, closes: date | None) -> _Step:
    return _Step("application_open", opens, closes, mandatory=False)


def _closing(programme: Programme, closes: date) -> list[_Step]:
    return [
        _Step(f"application_closing_{d}", closes - timedelta(days=d), until, mandatory=True)
        for d, until in series(programme.reminders.application_closing_days, closes).items()
    ]


async def application_window(ctx: Context, scope: Scope) -> list[Wanted]:
    """At opening and before closing: schools without a status or whose status ends this year."""
    programme, moment = scope.programme, ctx.moment
    window = programme.windows.application
    if window is None or window.yearly is None:
        return []
    opens, closes = calendar.window_dates(window.yearly, moment.today.year)
    closing_days = [
        closes - timedelta(days=d) for d in programme.reminders.application_closing_days
    ]
    if not moment.any_wanted(opens, *closing_days):
        return []
    statuses = {s.school_id: s for s in await ctx.uow.schedule.latest_statuses(programme.id)}
    steps = [_opening(opens, closes), *_closing(programme, closes)]
    payload = {"opens": opens.isoformat(), "closes": closes.isoformat()}
    found = []
    for school_id, people in scope.coordinators.items():
        if _in_force_next_year(statuses.get(school_id), moment):
            continue
        subject = f"application:{school_id}"
        for person in people:
            for step in steps:
                found.append(_applying(ctx, step, person, subject, str(opens.year), payload))
    return found


def _in_force_next_year(status: PlatformStatus | None, moment: Moment) -> bool:
    """A status that lasts beyond this year: the school need not apply now."""
    return (
        status is not None
        and status.expires_on is not None
        and status.expires_on.year > moment.today.year
    )


async def application_by_order(ctx: Context, scope: Scope) -> list[Wanted]:
    """A window staff opened by command (LOIRO 3.4): its opening, and the days before its end.

    Told are the coordinators of schools without a platform and without a status in force;
    a school that has sent its application hears no more of the window's end.
    Each opening is its own occurrence; closing it early cancels what has not gone out.
    """
    programme, moment = scope.programme, ctx.moment
    window = programme.windows.application
    if window is None or not window.opened_by_staff:
        return []
    opening = await ctx.uow.windows.latest(programme.id, "application")
    if opening is None:
        return []
    opens, closes = opening.opened_on, opening.closes_on
    closing = [] if closes is None else [s for s in _closing(programme, closes) if s.day > opens]
    if not moment.any_wanted(opens, *(step.day for step in closing)):
        return []
    granted = await _granted(ctx, programme)
    applied = await ctx.uow.schedule.schools_that_gave(
        SubmissionKind.APPLICATION, calendar.school_year_of(opens)
    )
    payload = {
        "opens": opens.isoformat(),
        "closes": closes.isoformat() if closes else "",
        "programme": programme.title,
    }
    found = []
    for school_id, people in ctx.applicants.items():
        if school_id in granted:
            continue
        subject = f"application:{programme.id}:{school_id}"
        # Sent already: no need to hurry it.
        steps = [_opening(opens, closes), *([] if school_id in applied else closing)]
        for person in people:
            for step in steps:
                found.append(_applying(ctx, step, person, subject, f"order:{opening.id}", payload))
    return found


async def _granted(ctx: Context, programme: Programme) -> set[int]:
    """Schools whose status is in force today."""
    return {
        status.school_id
        for status in await ctx.uow.schedule.latest_statuses(programme.id)
        if status.expires_on is None or status.expires_on >= ctx.moment.today
    }


def _applying(
    ctx: Context,
    step: _Step,
    person: int,
    subject: str,
    occurrence: str,
    payload: dict[str, str],
) -> Wanted:
    return remind(
        step.rule,
        person,
        subject=subject,
        occurrence=occurrence,
        due=ctx.moment.at(step.day),
        mandatory=step.mandatory,
        until=step.until,
        payload=payload,
    )
