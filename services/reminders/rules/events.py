"""Event rules: announce a planned event, mentors' news, the eve of an event, its follow-up.

Only narrow slices are read: planned events of the next days, announcements sent lately
(news for mentors) and events around today (the eve and the day after), so a pass costs the
same in any month.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services import calendar
from services.domain import SubmissionStatus
from services.reminders.rules.common import Context, Scope, title_of, values_of
from services.reminders.wanted import CATCH_UP, HORIZON, Moment, Wanted, remind
from storage.models import PlannedEvent
from storage.repositories.schedule import AnnouncedEvent


async def announce_planned(ctx: Context, scope: Scope) -> list[Wanted]:
    """An event of the approved plan still without an announcement, days before its deadline."""
    moment, programme = ctx.moment, scope.programme
    lead = programme.announcements.lead_days
    notice = programme.reminders.announcement_notice_days
    first, last = moment.today, moment.today + timedelta(days=lead + notice + 2)
    events = await ctx.uow.schedule.planned_events(first, last)
    announced = await _announced_days(ctx, first, last)
    found = []
    for event in events:
        if event.event_on is None or (event.school_id, event.event_on) in announced:
            continue
        if event.school_id not in scope.coordinators:
            continue  # another programme's school
        deadline = event.event_on - timedelta(days=lead)
        due = moment.at(max(deadline - timedelta(days=notice), moment.today))
        for person in scope.coordinators.get(event.school_id, []):
            found.append(_announce(event, event.event_on, person, due, deadline))
    return found


async def _announced_days(ctx: Context, first: date, last: date) -> set[tuple[int, date]]:
    """The (school, local day) pairs that already have an announced event."""
    moment = ctx.moment
    announced = await ctx.uow.schedule.announced_days(
        moment.at(first) - timedelta(days=1), moment.at(last) + timedelta(days=2)
    )
    return {(school_id, calendar.local_date(at, moment.zone)) for school_id, at in announced}


def _announce(
    event: PlannedEvent, event_on: date, person: int, due: datetime, deadline: date
) -> Wanted:
    return remind(
        "announce_planned",
        person,
        subject=f"planned:{event.id}",
        occurrence=event_on.isoformat(),
        due=due,
        mandatory=True,
        until=deadline,
        payload={
            "event_id": event.id,
            "title": event.title,
            "event_on": event_on.isoformat(),
            "deadline": deadline.isoformat(),
        },
    )


def _window_start(moment: Moment) -> datetime:
    return moment.now - CATCH_UP - timedelta(days=1)


async def news_for_mentors(ctx: Context) -> list[Wanted]:
    """Mentors hear of each announcement of their schools, the regional tutor community of each
    of its programme's platforms: the day it was sent, at the hour."""
    moment = ctx.moment
    found = []
    sent = await ctx.uow.schedule.announcements_sent(_window_start(moment), moment.now + HORIZON)
    for item in sent:
        assert item.sent_at is not None and item.event_at is not None
        sent_day = calendar.local_date(item.sent_at, moment.zone)
        due = moment.at(
            sent_day if item.sent_at < moment.at(sent_day) else sent_day + timedelta(days=1)
        )
        day = calendar.local_date(item.event_at, moment.zone)
        mentors = ctx.mentors.get(item.school_id, [])
        for mentor in mentors:
            found.append(_event(item, "event_for_mentor", mentor, due, mandatory=False, until=day))
        for tutor in ctx.tutors_of(item.school_id):
            if tutor not in mentors:
                found.append(
                    _event(item, "event_for_tutor", tutor, due, mandatory=False, until=day)
                )
    return found


async def eve_and_follow_up(ctx: Context) -> list[Wanted]:
    """For each approved event around today: the eve, to everyone; after it, "did it take place?"."""
    moment = ctx.moment
    around = await ctx.uow.schedule.announcements(
        _window_start(moment) - timedelta(days=1), moment.now + HORIZON + timedelta(days=2)
    )
    found = []
    for item in around:
        if item.status is not SubmissionStatus.APPROVED or item.event_at is None:
            continue
        found += _eve(ctx, item, item.event_at)
        found += _follow_up(ctx, item, item.event_at)
    return found


def _eve(ctx: Context, item: AnnouncedEvent, event_at: datetime) -> list[Wanted]:
    """The day before, at the hour, if the event has not begun by then: coordinators, mentors."""
    day = calendar.local_date(event_at, ctx.moment.zone)
    eve = ctx.moment.at(day - timedelta(days=1))
    if eve >= event_at:
        return []
    people = ctx.coordinators.get(item.school_id, []) + ctx.mentors.get(item.school_id, [])
    return [
        _event(item, "event_tomorrow", person, eve, mandatory=False, until=day - timedelta(days=1))
        for person in people
    ]


def _follow_up(ctx: Context, item: AnnouncedEvent, event_at: datetime) -> list[Wanted]:
    """The day after, until the coordinators say whether it was held (it feeds the report)."""
    if "held" in values_of(item):
        return []
    after = ctx.moment.at(calendar.local_date(event_at, ctx.moment.zone) + timedelta(days=1))
    return [
        _event(item, "event_followup", person, after, mandatory=True, until=None)
        for person in ctx.coordinators.get(item.school_id, [])
    ]


def _event(
    item: AnnouncedEvent,
    rule: str,
    chat_id: int,
    due: datetime,
    *,
    mandatory: bool,
    until: date | None,
) -> Wanted:
    assert item.event_at is not None
    return remind(
        rule,
        chat_id,
        subject=f"submission:{item.id}",
        occurrence=item.event_at.isoformat(),
        due=due,
        mandatory=mandatory,
        until=until,
        payload={
            "submission_id": item.id,
            "title": title_of(item),
            "school": item.school,
            "at": item.event_at.isoformat(),
        },
    )
