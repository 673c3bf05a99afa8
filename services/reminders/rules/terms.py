"""Status rules: the months before a status ends, the roadmap due after the certificate, and
the certificate the institute publishes after the order (Krasnodar, табл. 1)."""

from __future__ import annotations

from datetime import date, timedelta

from services.calendar import add_years
from services.programmes import roadmaps
from services.programmes.schema import Programme
from services.reminders.rules.common import Context, Scope
from services.reminders.wanted import Wanted, remind, series
from storage.models import PlatformStatus


async def status_terms(ctx: Context, scope: Scope) -> list[Wanted]:
    """For each platform's latest status: before it ends, what the programme lets them do."""
    found = []
    following = next_steps(scope.programme)
    for status in await ctx.uow.schedule.latest_statuses(scope.programme.id):
        people = scope.coordinators.get(status.school_id, [])
        found += _expiry(ctx, scope, status, people, following)
    return found


def next_steps(programme: Programme) -> dict[str, object]:
    """What may follow the end of a status, as the programme has it: an extension, a new
    application (LOIRO, Omsk: no extension), a completion or a notice of termination."""
    applications = programme.applications
    window = programme.windows.application
    return {
        "extension": applications.extension is not None,
        "completion": applications.completion is not None,
        "termination": applications.early_termination is not None,
        "by_order": window is not None and window.opened_by_staff,
    }


def _expiry(
    ctx: Context,
    scope: Scope,
    status: PlatformStatus,
    people: list[int],
    following: dict[str, object],
) -> list[Wanted]:
    """`status_expiry_months` before the status ends, to the school's coordinators."""
    expires_on = status.expires_on
    if expires_on is None:
        return []
    if following["extension"]:
        years = scope.programme.status.extension_max_years
        following = {**following, "extends_until": add_years(expires_on, years).isoformat()}
    return [
        remind(
            f"status_expiry_{months}m",
            person,
            subject=f"status:{status.id}",
            occurrence=expires_on.isoformat(),
            due=ctx.moment.at(_months_before(expires_on, months)),
            mandatory=True,
            until=expires_on,
            payload={"expires": expires_on.isoformat(), **following},
        )
        for months in scope.programme.reminders.status_expiry_months
        for person in people
    ]


def _roadmap_days(programme: Programme, status: PlatformStatus) -> list[date]:
    """The days the roadmap of a status is reminded on: the order's, until the certificate is
    recorded; then days after the certificate, and its last day."""
    due_days = programme.status.roadmap_due_days_after_certificate
    if due_days is None:
        return []
    if status.certificate_on is None:
        return [status.granted_on]
    offsets = {*programme.reminders.roadmap_days, due_days}
    return [status.certificate_on + timedelta(days=offset) for offset in sorted(offsets)]


async def roadmaps_due(ctx: Context, scope: Scope) -> list[Wanted]:
    """The roadmap of each granted status (never of an extension), until the school sends it."""
    programme, moment = scope.programme, ctx.moment
    if programme.status.roadmap_due_days_after_certificate is None:
        return []
    statuses = [
        status
        for status in await ctx.uow.statuses.granting(programme.id)
        if moment.any_wanted(*_roadmap_days(programme, status))
    ]
    if not statuses:
        return []
    platforms, schools = await ctx.uow.statuses.roadmaps_given(programme.id)
    found: list[Wanted] = []
    for status in statuses:
        if status.platform_id in platforms or (
            status.platform_id is None and status.school_id in schools
        ):
            continue
        found += _roadmap(ctx, programme, status, scope.coordinators.get(status.school_id, []))
    return found


def _roadmap(
    ctx: Context, programme: Programme, status: PlatformStatus, people: list[int]
) -> list[Wanted]:
    moment = ctx.moment
    due_days = programme.status.roadmap_due_days_after_certificate
    deadline = roadmaps.deadline(programme, status)
    if status.certificate_on is None or deadline is None:
        certificate_days = programme.status.certificate_within_days_after_order or 0
        return [
            remind(
                "roadmap_open",
                person,
                subject=f"status:{status.id}",
                occurrence=status.granted_on.isoformat(),
                due=moment.at(status.granted_on),
                mandatory=True,
                until=status.granted_on + timedelta(days=certificate_days),
                payload={"granted": status.granted_on.isoformat(), "days": due_days},
            )
            for person in people
        ]
    return [
        remind(
            f"roadmap_{(day - status.certificate_on).days}",
            person,
            subject=f"status:{status.id}",
            occurrence=status.certificate_on.isoformat(),
            due=moment.at(day),
            mandatory=True,
            until=deadline,
            payload={"deadline": deadline.isoformat()},
        )
        for day in _roadmap_days(programme, status)
        for person in people
    ]


async def certificates_due(ctx: Context, scope: Scope) -> list[Wanted]:
    """To staff: the certificate of a granted status, days before the institute's own deadline
    (табл. 1: «не позднее 10 дней после подписания ректором ... приказа»), until they record
    its publication with /certificate."""
    programme, moment = scope.programme, ctx.moment
    within = programme.status.certificate_within_days_after_order
    if within is None or ctx.staff_chat_id is None:
        return []
    found: list[Wanted] = []
    for status in await ctx.uow.statuses.granting(programme.id):
        deadline = status.granted_on + timedelta(days=within)
        days = series(programme.reminders.certificate_days, deadline)
        wanted = [d for d in days if moment.wanted(moment.at(deadline - timedelta(days=d)))]
        if status.certificate_on is not None or not wanted:
            continue
        school = await ctx.uow.schools.get(status.school_id)
        payload = {
            "school": school.name if school else "",
            "application_id": status.application_id,
            "granted": status.granted_on.isoformat(),
            "deadline": deadline.isoformat(),
        }
        found += [
            remind(
                f"certificate_due_{before}",
                ctx.staff_chat_id,
                subject=f"status:{status.id}",
                occurrence=status.granted_on.isoformat(),
                due=moment.at(deadline - timedelta(days=before)),
                mandatory=True,
                until=days[before],
                payload=payload,
            )
            for before in wanted
        ]
    return found


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: day 1 exists in every month")
