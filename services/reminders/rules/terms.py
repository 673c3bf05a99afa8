"""Status rules: the months before a status ends, and the roadmap due after the certificate."""

from __future__ import annotations

from datetime import date, timedelta

from services import calendar
from services.reminders.rules.common import Context, Scope
from services.reminders.wanted import Wanted, remind
from storage.models import PlatformStatus


async def status_terms(ctx: Context, scope: Scope) -> list[Wanted]:
    """For each school's latest status: before it ends; and the roadmap until it is sent."""
    found = []
    for status in await ctx.uow.schedule.latest_statuses(scope.programme.id):
        people = scope.coordinators.get(status.school_id, [])
        found += _expiry(ctx, scope, status, people)
        found += await _roadmap(ctx, scope, status, people)
    return found


def _expiry(ctx: Context, scope: Scope, status: PlatformStatus, people: list[int]) -> list[Wanted]:
    """`status_expiry_months` before the status ends, to the school's coordinators."""
    expires_on = status.expires_on
    if expires_on is None:
        return []
    return [
        remind(
            f"status_expiry_{months}m",
            person,
            subject=f"status:{status.id}",
            occurrence=expires_on.isoformat(),
            due=ctx.moment.at(_months_before(expires_on, months)),
            mandatory=True,
            until=expires_on,
            payload={"expires": expires_on.isoformat()},
        )
        for months in scope.programme.reminders.status_expiry_months
        for person in people
    ]


async def _roadmap(
    ctx: Context, scope: Scope, status: PlatformStatus, people: list[int]
) -> list[Wanted]:
    """Days after the certificate, and on the day it is due, until the school sends a plan."""
    programme, moment = scope.programme, ctx.moment
    due_days = programme.status.roadmap_due_days_after_certificate
    if due_days is None:
        return []
    deadline = calendar.roadmap_due(status.granted_on, due_days)
    offsets = sorted({*programme.reminders.roadmap_days, due_days})
    if not moment.any_wanted(*(status.granted_on + timedelta(days=o) for o in offsets)):
        return []
    since = moment.at(status.granted_on) - timedelta(hours=moment.hour + 1)
    if await ctx.uow.schedule.plans_sent_since(status.school_id, since):
        return []
    return [
        remind(
            f"roadmap_{offset}",
            person,
            subject=f"status:{status.id}",
            occurrence=status.granted_on.isoformat(),
            due=moment.at(status.granted_on + timedelta(days=offset)),
            mandatory=True,
            until=deadline,
            payload={"deadline": deadline.isoformat()},
        )
        for offset in offsets
        for person in people
    ]


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: day 1 exists in every month")
