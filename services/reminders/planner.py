"""The reminder planner: from the data and the programme, which messages are due, to whom.

Each pass computes every reminder that should exist around now and hands them to the outbox,
which keeps one row per key: a reminder is planned once however often the pass runs. Planned
rows that no longer apply (the event moved, the report came) are cancelled by the same pass.
All times are local to the deployment's zone; messages go out at the reminder hour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services import calendar, messages, outbox
from services.domain import Role, SubmissionKind, SubmissionStatus
from services.outbox import Planned
from services.programmes import platforms
from services.programmes.deadlines import report_year
from services.programmes.definitions import Programme, Programmes
from services.review import council
from services.submissions import passport, stage_reports
from storage.models import Person, Submission
from storage.repositories.schedule import AnnouncedEvent
from storage.uow import UnitOfWork

CATCH_UP = timedelta(days=3)
"""A bot that was down sends what fell due meanwhile, if not older than this."""
HORIZON = timedelta(days=1)
"""Reminders due up to this far ahead are planned now (they wait in the outbox)."""


@dataclass(frozen=True)
class Moment:
    now: datetime
    zone: ZoneInfo
    hour: int

    @property
    def today(self) -> date:
        return calendar.local_date(self.now, self.zone)

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
    planned: Planned
    until: date | None
    """The last local day the reminder makes sense; after it a late one is dropped."""


def _planned(
    rule: str,
    subject: str,
    person_or_chat: Person | int,
    occurrence: str,
    due: datetime,
    mandatory: bool,
    until: date | None = None,
    **payload: object,
) -> Wanted:
    chat_id = person_or_chat if isinstance(person_or_chat, int) else person_or_chat.telegram_id
    planned = Planned(
        key=f"{rule}:{subject}:{chat_id}:{occurrence}",
        rule=rule,
        subject=subject,
        chat_id=chat_id,
        due_at=due,
        mandatory=mandatory,
        payload=payload,
    )
    return Wanted(planned, until)


async def compute(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> list[Planned]:
    """Every reminder that should exist now (due within the catch-up and the horizon).

    Each school follows the programme of its platforms; a school without a platform yet
    follows the deployment's first programme.
    """
    coordinators = await uow.schedule.people_by_school(Role.COORDINATOR)
    mentors = await uow.schedule.people_by_school(Role.MENTOR)
    in_programme = await uow.schedule.schools_by_programme()
    without_platform = set(coordinators) - set().union(*in_programme.values())
    found: list[Wanted] = []
    found += await _announced_events(uow, moment, coordinators, mentors)
    for programme in programmes:
        schools = in_programme.get(programme.id, set())
        if programme is programmes.default:
            schools = schools | without_platform
        mine = {school: people for school, people in coordinators.items() if school in schools}
        found += await _planned_events(uow, programme, moment, mine)
        found += await _report_window(
            uow, programme, moment, mine, mentors, staff_chat_id, programme is programmes.default
        )
        found += await _application_window(uow, programme, moment, mine)
        applicants = {s: p for s, p in coordinators.items() if s in without_platform}
        found += await _application_by_order(uow, programme, moment, applicants)
        found += await _status_terms(uow, programme, moment, mine)
        if programme.reports.schedule == "stages":
            found += await _stage_reports(uow, programme, moment, mine, mentors)
    found += await _changes_unanswered(uow, programmes, moment, staff_chat_id)
    if staff_chat_id is not None:
        found += await _staff_digest(uow, programmes.default, moment, staff_chat_id)
        if (with_council := programmes.with_council) is not None:
            found += await _council_closing(uow, with_council, moment, staff_chat_id)
    return [
        item.planned
        for item in found
        if moment.wanted(item.planned.due_at) and (item.until is None or moment.today <= item.until)
    ]


async def _planned_events(
    uow: UnitOfWork, programme: Programme, moment: Moment, coordinators: dict[int, list[int]]
) -> list[Wanted]:
    """An event of the approved plan still without an announcement, days before its deadline."""
    lead = programme.announcements.lead_days
    notice = programme.reminders.announcement_notice_days
    first, last = moment.today, moment.today + timedelta(days=lead + notice + 2)
    events = await uow.schedule.planned_events(first, last)
    announced = await uow.schedule.announced_days(
        moment.at(first) - timedelta(days=1), moment.at(last) + timedelta(days=2)
    )
    announced_days = {
        (school_id, calendar.local_date(at, moment.zone)) for school_id, at in announced
    }
    found = []
    for event in events:
        if event.event_on is None or (event.school_id, event.event_on) in announced_days:
            continue
        if event.school_id not in coordinators:
            continue  # another programme's school
        deadline = event.event_on - timedelta(days=lead)
        due = moment.at(max(deadline - timedelta(days=notice), moment.today))
        for person in coordinators.get(event.school_id, []):
            found.append(
                _planned(
                    "announce_planned",
                    f"planned:{event.id}",
                    person,
                    event.event_on.isoformat(),
                    due,
                    True,
                    until=deadline,
                    event_id=event.id,
                    title=event.title,
                    event_on=event.event_on.isoformat(),
                    deadline=deadline.isoformat(),
                )
            )
    return found


async def _announced_events(
    uow: UnitOfWork,
    moment: Moment,
    coordinators: dict[int, list[int]],
    mentors: dict[int, list[int]],
) -> list[Wanted]:
    """Mentors hear of each announced event; a day before, everyone; after it, the follow-up.

    Only two narrow slices are read: announcements sent lately (news for mentors) and events
    around today (the eve and the day after), so a pass costs the same in any month.
    """
    window_start = moment.now - CATCH_UP - timedelta(days=1)
    found = []
    for item in await uow.schedule.announcements_sent(window_start, moment.now + HORIZON):
        assert item.sent_at is not None and item.event_at is not None
        sent_day = calendar.local_date(item.sent_at, moment.zone)
        due = moment.at(
            sent_day if item.sent_at < moment.at(sent_day) else sent_day + timedelta(days=1)
        )
        day = calendar.local_date(item.event_at, moment.zone)
        for mentor in mentors.get(item.school_id, []):
            found.append(_event(item, "event_for_mentor", mentor, due, False, day))
    around = await uow.schedule.announcements(
        window_start - timedelta(days=1), moment.now + HORIZON + timedelta(days=2)
    )
    for item in around:
        if item.status is not SubmissionStatus.APPROVED or item.event_at is None:
            continue
        day = calendar.local_date(item.event_at, moment.zone)
        eve = moment.at(day - timedelta(days=1))
        if eve < item.event_at:
            for person in coordinators.get(item.school_id, []) + mentors.get(item.school_id, []):
                found.append(
                    _event(item, "event_tomorrow", person, eve, False, day - timedelta(days=1))
                )
        if "held" not in _values(item):
            after = moment.at(day + timedelta(days=1))
            for person in coordinators.get(item.school_id, []):
                found.append(_event(item, "event_followup", person, after, True, None))
    return found


def _event(
    item: AnnouncedEvent,
    rule: str,
    chat_id: int,
    due: datetime,
    mandatory: bool,
    until: date | None,
) -> Wanted:
    assert item.event_at is not None
    return _planned(
        rule,
        f"submission:{item.id}",
        chat_id,
        item.event_at.isoformat(),
        due,
        mandatory,
        until,
        submission_id=item.id,
        title=_title(item),
        school=item.school,
        at=item.event_at.isoformat(),
    )


def _title(item: AnnouncedEvent | Submission) -> str:
    return str(_values(item).get("title", ""))


def _values(item: AnnouncedEvent | Submission) -> dict[str, object]:
    return dict(json.loads(item.values))


async def _report_window(
    uow: UnitOfWork,
    programme: Programme,
    moment: Moment,
    coordinators: dict[int, list[int]],
    mentors: dict[int, list[int]],
    staff_chat_id: int | None,
    default: bool,
) -> list[Wanted]:
    window = programme.windows.report
    if window is None or window.yearly is None:
        return []
    year = report_year(moment.today)
    opens, closes = calendar.window_dates(window.yearly, year + 1)
    closing_days = [closes - timedelta(days=d) for d in programme.reminders.report_closing_days]
    if not moment.any_wanted(opens, closes + timedelta(days=1), *closing_days):
        return []
    reported = await uow.schedule.schools_that_gave(SubmissionKind.REPORT, year)
    # A network's report comes from its lead school: its other members are not asked for one.
    members = await platforms.members_only(uow, programme.id)
    coordinators = {s: people for s, people in coordinators.items() if s not in members}
    occurrence = str(year)
    found = []
    for school_id, people in coordinators.items():
        subject = f"report:{school_id}"
        for person in people:
            found.append(
                _planned(
                    "report_open",
                    subject,
                    person,
                    occurrence,
                    moment.at(opens),
                    False,
                    until=closes,
                    opens=opens.isoformat(),
                    closes=closes.isoformat(),
                )
            )
            if school_id in reported:
                continue
            closing = programme.reminders.report_closing_days
            for days, until in _series(closing, closes).items():
                found.append(
                    _planned(
                        f"report_closing_{days}",
                        subject,
                        person,
                        occurrence,
                        moment.at(closes - timedelta(days=days)),
                        True,
                        until=until,
                        closes=closes.isoformat(),
                    )
                )
            found.append(
                _planned(
                    "report_overdue",
                    subject,
                    person,
                    occurrence,
                    moment.at(closes + timedelta(days=1)),
                    True,
                    closes=closes.isoformat(),
                )
            )
        if school_id not in reported:
            for mentor in mentors.get(school_id, []):
                found.append(
                    _planned(
                        "report_overdue_mentor",
                        subject,
                        mentor,
                        occurrence,
                        moment.at(closes + timedelta(days=1)),
                        False,
                        closes=closes.isoformat(),
                        school_id=school_id,
                    )
                )
    missing = sorted(set(coordinators) - reported)
    if staff_chat_id is not None and missing:
        found.append(
            _planned(
                "report_overdue_staff",
                f"report_year:{year}" if default else f"report_year:{programme.id}:{year}",
                staff_chat_id,
                occurrence,
                moment.at(closes + timedelta(days=1)),
                True,
                closes=closes.isoformat(),
                schools=missing,
            )
        )
    return found


async def _application_window(
    uow: UnitOfWork, programme: Programme, moment: Moment, coordinators: dict[int, list[int]]
) -> list[Wanted]:
    """At opening and before closing: schools without a status or whose status ends this year."""
    window = programme.windows.application
    if window is None or window.yearly is None:
        return []
    opens, closes = calendar.window_dates(window.yearly, moment.today.year)
    closing_days = [
        closes - timedelta(days=d) for d in programme.reminders.application_closing_days
    ]
    if not moment.any_wanted(opens, *closing_days):
        return []
    statuses = {s.school_id: s for s in await uow.schedule.latest_statuses(programme.id)}
    found = []
    for school_id, people in coordinators.items():
        status = statuses.get(school_id)
        if (
            status is not None
            and status.expires_on is not None
            and status.expires_on.year > moment.today.year
        ):
            continue
        subject = f"application:{school_id}"
        closing = _series(programme.reminders.application_closing_days, closes)
        days = [("application_open", opens, closes)] + [
            (f"application_closing_{d}", closes - timedelta(days=d), until)
            for d, until in closing.items()
        ]
        for person in people:
            for rule, day, until in days:
                found.append(
                    _planned(
                        rule,
                        subject,
                        person,
                        str(opens.year),
                        moment.at(day),
                        rule != "application_open",
                        until=until,
                        opens=opens.isoformat(),
                        closes=closes.isoformat(),
                    )
                )
    return found


async def _application_by_order(
    uow: UnitOfWork, programme: Programme, moment: Moment, applicants: dict[int, list[int]]
) -> list[Wanted]:
    """A window staff opened by command (LOIRO 3.4): its opening, and the days before its end.

    Told are the coordinators of schools without a platform and without a status in force;
    a school that has sent its application hears no more of the window's end.
    Each opening is its own occurrence; closing it early cancels what has not gone out.
    """
    window = programme.windows.application
    if window is None or not window.opened_by_staff:
        return []
    opening = await uow.windows.latest(programme.id, "application")
    if opening is None:
        return []
    opens, closes = opening.opened_on, opening.closes_on
    days: list[tuple[str, date, date | None]] = [("application_open", opens, closes)]
    if closes is not None:
        series = _series(programme.reminders.application_closing_days, closes)
        days += [
            (f"application_closing_{d}", closes - timedelta(days=d), until)
            for d, until in series.items()
            if closes - timedelta(days=d) > opens
        ]
    if not moment.any_wanted(*(day for _, day, _ in days)):
        return []
    granted = {
        status.school_id
        for status in await uow.schedule.latest_statuses(programme.id)
        if status.expires_on is None or status.expires_on >= moment.today
    }
    applied = await uow.schedule.schools_that_gave(
        SubmissionKind.APPLICATION, calendar.school_year_of(opens)
    )
    found = []
    for school_id, people in applicants.items():
        if school_id in granted:
            continue
        for person in people:
            for rule, day, until in days:
                if school_id in applied and rule != "application_open":
                    continue  # sent already: no need to hurry it
                found.append(
                    _planned(
                        rule,
                        f"application:{programme.id}:{school_id}",
                        person,
                        f"order:{opening.id}",
                        moment.at(day),
                        rule != "application_open",
                        until=until,
                        opens=opens.isoformat(),
                        closes=closes.isoformat() if closes else "",
                        programme=programme.title,
                    )
                )
    return found


async def _status_terms(
    uow: UnitOfWork, programme: Programme, moment: Moment, coordinators: dict[int, list[int]]
) -> list[Wanted]:
    """Before the status ends; and the roadmap due after the certificate."""
    found = []
    rules = programme.reminders
    for status in await uow.schedule.latest_statuses(programme.id):
        subject = f"status:{status.id}"
        people = coordinators.get(status.school_id, [])
        if status.expires_on is not None:
            for months in rules.status_expiry_months:
                day = _months_before(status.expires_on, months)
                for person in people:
                    found.append(
                        _planned(
                            f"status_expiry_{months}m",
                            subject,
                            person,
                            status.expires_on.isoformat(),
                            moment.at(day),
                            True,
                            until=status.expires_on,
                            expires=status.expires_on.isoformat(),
                        )
                    )
        due_days = programme.status.roadmap_due_days_after_certificate
        if due_days is None:
            continue
        deadline = calendar.roadmap_due(status.granted_on, due_days)
        offsets = sorted({*rules.roadmap_days, due_days})
        if not moment.any_wanted(*(status.granted_on + timedelta(days=o) for o in offsets)):
            continue
        since = moment.at(status.granted_on) - timedelta(hours=moment.hour + 1)
        if await uow.schedule.plans_sent_since(status.school_id, since):
            continue
        for offset in offsets:
            day = status.granted_on + timedelta(days=offset)
            for person in people:
                found.append(
                    _planned(
                        f"roadmap_{offset}",
                        subject,
                        person,
                        status.granted_on.isoformat(),
                        moment.at(day),
                        True,
                        until=deadline,
                        deadline=deadline.isoformat(),
                    )
                )
    return found


async def _stage_reports(
    uow: UnitOfWork,
    programme: Programme,
    moment: Moment,
    coordinators: dict[int, list[int]],
    mentors: dict[int, list[int]],
) -> list[Wanted]:
    """Each stage's report, until given: to the lead school when the stage ends, days before
    the deadline and the day after it; its mentors on that day too."""
    days_after = programme.reports.stage_report_days_after or 0
    before = programme.reminders.stage_report_days
    founded = await uow.platforms.founding_applications(programme.id)
    given = stage_reports.given_by_platform(
        await uow.platforms.reports_given([platform.id for platform, _ in founded])
    )
    found = []
    for platform, application in founded:
        stages = passport.stages_of(json.loads(application.values))
        for report in stage_reports.reports_of(stages, days_after):
            overdue = report.deadline + timedelta(days=1)
            due_days = [report.deadline - timedelta(days=d) for d in before]
            if report.index in given.get(platform.id, set()) or not moment.any_wanted(
                report.opens, overdue, *due_days
            ):
                continue
            subject = f"stage_report:{platform.id}:{report.index}"
            occurrence = report.deadline.isoformat()
            info = report.as_context()
            lead = platform.lead_school_id
            for person in coordinators.get(lead, []):
                found.append(
                    _planned(
                        "stage_report_open",
                        subject,
                        person,
                        occurrence,
                        moment.at(report.opens),
                        False,
                        until=report.deadline,
                        **info,
                    )
                )
                for days, until in _series(before, report.deadline).items():
                    found.append(
                        _planned(
                            f"stage_report_due_{days}",
                            subject,
                            person,
                            occurrence,
                            moment.at(report.deadline - timedelta(days=days)),
                            True,
                            until=until,
                            **info,
                        )
                    )
                found.append(
                    _planned(
                        "stage_report_overdue",
                        subject,
                        person,
                        occurrence,
                        moment.at(overdue),
                        True,
                        **info,
                    )
                )
            for mentor in mentors.get(lead, []):
                found.append(
                    _planned(
                        "stage_report_overdue_mentor",
                        subject,
                        mentor,
                        occurrence,
                        moment.at(overdue),
                        False,
                        school=platform.lead_school.name,
                        **info,
                    )
                )
    return found


def _series(days_before: tuple[int, ...], last_day: date) -> dict[int, date]:
    """For reminders N days before a date: each makes sense until the next one is due."""
    ordered = sorted(set(days_before), reverse=True)
    return {
        days: last_day - timedelta(days=ordered[i + 1] + 1) if i + 1 < len(ordered) else last_day
        for i, days in enumerate(ordered)
    }


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: day 1 exists in every month")


async def _changes_unanswered(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> list[Wanted]:
    shortest = min(p.reminders.changes_unanswered_days for p in programmes)
    found = []
    for item in await uow.schedule.changes_unanswered(moment.now - timedelta(days=shortest)):
        assert item.decided_at is not None
        days = programmes.of(item.programme).reminders.changes_unanswered_days
        if item.decided_at > moment.now - timedelta(days=days):
            continue
        due = moment.at(calendar.local_date(item.decided_at, moment.zone) + timedelta(days=days))
        subject = f"submission:{item.id}"
        occurrence = item.decided_at.isoformat()
        info = {"submission_id": item.id, "title": _title(item), "kind": item.kind.value}
        found.append(
            _planned("changes_unanswered", subject, item.author, occurrence, due, True, **info)
        )
        if staff_chat_id is not None:
            found.append(
                _planned(
                    "changes_unanswered_staff",
                    subject,
                    staff_chat_id,
                    occurrence,
                    due,
                    True,
                    school=item.school.name,
                    **info,
                )
            )
    return found


async def _staff_digest(
    uow: UnitOfWork, programme: Programme, moment: Moment, staff_chat_id: int
) -> list[Wanted]:
    """On working days, when something waits: counts by kind and the oldest items."""
    if moment.today.weekday() >= 5:
        return []
    waiting = await uow.schedule.waiting()
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
        _planned(
            "staff_digest",
            "digest",
            staff_chat_id,
            moment.today.isoformat(),
            moment.at(moment.today),
            True,
            until=moment.today,
            counts=counts,
            oldest=oldest,
            highlight=programme.reminders.digest_highlight_days,
        )
    ]


async def _council_closing(
    uow: UnitOfWork, programme: Programme, moment: Moment, staff_chat_id: int
) -> list[Wanted]:
    meeting = await uow.council.latest()
    if meeting is None:
        return []
    closes = council.closes_on(programme, meeting.meets_on)
    return [
        _planned(
            f"council_closing_{days}",
            f"council:{meeting.id}",
            staff_chat_id,
            meeting.meets_on.isoformat(),
            moment.at(closes - timedelta(days=days)),
            True,
            until=until,
            meets=meeting.meets_on.isoformat(),
            closes=closes.isoformat(),
        )
        for days, until in _series(
            programme.reminders.council_closing_days, closes - timedelta(days=1)
        ).items()
    ]


@dataclass(frozen=True)
class PassReport:
    wanted: int
    planned: int
    cancelled: int


async def plan_pass(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> PassReport:
    """One pass of the planner: plan what is due (once per key), cancel what no longer applies."""
    wanted = await compute(uow, programmes, moment, staff_chat_id)
    planned = await outbox.plan(uow, wanted)
    keep = {item.key for item in wanted}
    waiting = await uow.schedule.planned_reminders(moment.now + HORIZON, messages.RULES)
    cancelled = await uow.schedule.cancel_reminders(
        [rid for rid, key in waiting if key not in keep]
    )
    await uow.commit()
    return PassReport(len(wanted), planned, cancelled)


async def due_now(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> list[Planned]:
    """What a pass would send now, without writing anything (the operator's dry run)."""
    wanted = [
        item
        for item in await compute(uow, programmes, moment, staff_chat_id)
        if item.due_at <= moment.now
    ]
    settled = await uow.schedule.settled_keys([item.key for item in wanted])
    return sorted(
        (item for item in wanted if item.key not in settled),
        key=lambda item: (item.due_at, item.key),
    )
