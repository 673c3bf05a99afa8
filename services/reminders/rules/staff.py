"""Staff rules: changes asked for and unanswered, the morning digest, the council list closing."""

from __future__ import annotations

from datetime import timedelta

from services import calendar
from services.reminders.rules.common import Context, title_of
from services.reminders.wanted import Wanted, remind, series
from services.review import council
from storage.models import Submission


async def changes_unanswered(ctx: Context) -> list[Wanted]:
    """Changes asked for and not made in the programme's days: the author, and staff."""
    moment, programmes = ctx.moment, ctx.programmes
    shortest = min(p.reminders.changes_unanswered_days for p in programmes)
    found = []
    for item in await ctx.uow.schedule.changes_unanswered(moment.now - timedelta(days=shortest)):
        assert item.decided_at is not None
        days = programmes.of(item.programme).reminders.changes_unanswered_days
        if item.decided_at > moment.now - timedelta(days=days):
            continue
        found += _unanswered(ctx, item, days)
    return found


def _unanswered(ctx: Context, item: Submission, days: int) -> list[Wanted]:
    assert item.decided_at is not None
    moment = ctx.moment
    due = moment.at(calendar.local_date(item.decided_at, moment.zone) + timedelta(days=days))
    subject = f"submission:{item.id}"
    occurrence = item.decided_at.isoformat()
    info = {"submission_id": item.id, "title": title_of(item), "kind": item.kind.value}
    found = [
        remind(
            "changes_unanswered",
            item.author,
            subject=subject,
            occurrence=occurrence,
            due=due,
            mandatory=True,
            payload=info,
        )
    ]
    if ctx.staff_chat_id is not None:
        found.append(
            remind(
                "changes_unanswered_staff",
                ctx.staff_chat_id,
                subject=subject,
                occurrence=occurrence,
                due=due,
                mandatory=True,
                payload={"school": item.school.name, **info},
            )
        )
    return found


async def digest(ctx: Context) -> list[Wanted]:
    """On working days, when something waits: counts by kind and the oldest items.

    Not on weekends, public holidays or the days off they are moved to (and the deployment's
    own days off); on a working Saturday, yes (`services.workdays`).
    """
    moment = ctx.moment
    if ctx.staff_chat_id is None or not moment.working_day:
        return []
    waiting = await ctx.uow.schedule.waiting()
    if not waiting:
        return []
    counts: dict[str, int] = {}
    for item in waiting:
        counts[item.kind.value] = counts.get(item.kind.value, 0) + 1
    oldest = [
        {
            "id": item.id,
            "kind": item.kind.value,
            "school": item.school.name,
            "days": (
                moment.today - calendar.local_date(item.sent_at or item.created_at, moment.zone)
            ).days,
        }
        for item in waiting[:10]
    ]
    return [
        remind(
            "staff_digest",
            ctx.staff_chat_id,
            subject="digest",
            occurrence=moment.today.isoformat(),
            due=moment.at(moment.today),
            mandatory=True,
            until=moment.today,
            payload={
                "counts": counts,
                "oldest": oldest,
                "highlight": ctx.programmes.default.reminders.digest_highlight_days,
            },
        )
    ]


async def council_closing(ctx: Context) -> list[Wanted]:
    """Days before the list for the next council meeting closes, to staff."""
    programme = ctx.programmes.with_council
    if ctx.staff_chat_id is None or programme is None:
        return []
    meeting = await ctx.uow.council.latest()
    if meeting is None:
        return []
    closes = council.closes_on(programme, meeting.meets_on)
    last_day = closes - timedelta(days=1)
    return [
        remind(
            f"council_closing_{days}",
            ctx.staff_chat_id,
            subject=f"council:{meeting.id}",
            occurrence=meeting.meets_on.isoformat(),
            due=ctx.moment.at(closes - timedelta(days=days)),
            mandatory=True,
            until=until,
            payload={"meets": meeting.meets_on.isoformat(), "closes": closes.isoformat()},
        )
        for days, until in series(programme.reminders.council_closing_days, last_day).items()
    ]


async def council_results(ctx: Context) -> list[Wanted]:
    """The day after the council meets, to staff: what the institute publishes within days of it
    (Krasnodar, табл. 1) — the schools granted the status, and the extensions, completions and
    early terminations — with the schools of the council's list, and the last day of each."""
    programme = ctx.programmes.with_council
    if ctx.staff_chat_id is None or programme is None or programme.council is None:
        return []
    rules = programme.council
    meeting = await ctx.uow.council.latest()
    day_after = meeting.meets_on + timedelta(days=1) if meeting else None
    if meeting is None or day_after is None or not ctx.moment.any_wanted(day_after):
        return []
    found = await council.registry(ctx.uow, programme, ctx.moment.zone)
    if found is None:
        return []
    wanted = (
        ("council_new_platforms", rules.new_platforms_published_within_days, council.GRANTING),
        ("council_outcomes", rules.outcomes_published_within_days, council.ENDING_OR_EXTENDING),
    )
    reminders = []
    for rule, days, variants in wanted:
        schools = [row.school for row in found.rows if row.variant in variants]
        if days is None or not schools:
            continue
        deadline = meeting.meets_on + timedelta(days=days)
        reminders.append(
            remind(
                rule,
                ctx.staff_chat_id,
                subject=f"council:{meeting.id}",
                occurrence=meeting.meets_on.isoformat(),
                due=ctx.moment.at(day_after),
                mandatory=True,
                until=deadline,
                payload={
                    "meets": meeting.meets_on.isoformat(),
                    "deadline": deadline.isoformat(),
                    "schools": [
                        {"name": row.school, "kind": row.variant}
                        for row in found.rows
                        if row.variant in variants
                    ],
                },
            )
        )
    return reminders
