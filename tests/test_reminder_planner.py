"""The planner: the right reminders, for the right people, on the right day, planned once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.domain import SubmissionKind, SubmissionStatus
from services.programmes.loader import load_preset
from services.programmes.schema import Programmes
from services.reminders import planner
from services.reminders.planner import Moment
from services.review import decisions
from services.review.decisions import Decision
from storage.models import PlannedEvent, PlatformStatus, Reminder, ReminderStatus, Submission
from tests import seed
from tests.harness import STAFF_CHAT_ID, moment

KRASNODAR = load_preset("krasnodar-digital")


async def _school_with_people(bot, people):
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    mentor = people("Наставник")
    await seed.mentor(bot.app, mentor)
    return maria, mentor


async def _add(bot, *rows) -> None:
    async with bot.app.uow_factory() as uow:
        for row in rows:
            uow.session.add(row)
        await uow.commit()


async def _announcement(
    bot,
    maria_person_id: int,
    title: str,
    at: datetime,
    status=SubmissionStatus.APPROVED,
    sent: datetime | None = None,
) -> Submission:
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        person = await uow.people.by_telegram_id(maria_person_id)
        item = Submission(
            kind=SubmissionKind.ANNOUNCEMENT,
            programme=KRASNODAR.id,
            school_id=school.id,
            author_id=person.id,
            status=status,
            values=json.dumps({"title": title}),
            event_at=at,
            sent_at=sent or at.replace(month=max(at.month - 1, 1)),
            files=[],
        )
        uow.session.add(item)
        await uow.commit()
        return item


async def _plan(bot, at: Moment):
    async with bot.app.uow_factory() as uow:
        return await planner.plan_pass(uow, Programmes([KRASNODAR]), at, STAFF_CHAT_ID)


async def _rows(bot) -> list[Reminder]:
    async with bot.app.uow_factory() as uow:
        return list((await uow.session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def test_planned_event_without_announcement_reminds_the_coordinator_once(bot, people) -> None:
    """An event on 20.12 needs its announcement by 10.12 (lead 10 days); reminded 4 days before that."""
    maria, _ = await _school_with_people(bot, people)
    await seed.approved_plan(bot.app, maria.id, [("Мастер-класс", "семинар", date(2026, 12, 20))])

    assert (await _plan(bot, moment(2026, 12, 4))).planned == 0  # not yet: due on 06.12
    first = await _plan(bot, moment(2026, 12, 6))
    again = await _plan(bot, moment(2026, 12, 6, 12))
    assert (first.planned, again.planned) == (1, 0)
    [row] = await _rows(bot)
    assert row.rule == "announce_planned" and row.chat_id == maria.id
    assert row.due_at == datetime(2026, 12, 6, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    assert json.loads(row.payload)["deadline"] == "2026-12-10"

    # Announced after all: the reminder no longer applies and is cancelled.
    await _announcement(
        bot, maria.id, "Мастер-класс", datetime(2026, 12, 20, 8, tzinfo=UTC), SubmissionStatus.SENT
    )
    report = await _plan(bot, moment(2026, 12, 6, 9))
    [row] = await _rows(bot)
    assert report.cancelled == 1 and row.status is ReminderStatus.CANCELLED


async def test_announced_event_mentors_eve_and_follow_up(bot, people) -> None:
    maria, mentor = await _school_with_people(bot, people)
    event_at = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)  # 10:00 Moscow
    await _announcement(
        bot, maria.id, "Семинар", event_at, sent=datetime(2026, 12, 1, 12, tzinfo=UTC)
    )
    await _plan(bot, moment(2026, 12, 2))
    await _plan(bot, moment(2026, 12, 14))
    await _plan(bot, moment(2026, 12, 16))
    rows = {(r.rule, r.chat_id): r for r in await _rows(bot)}
    assert rows[("event_for_mentor", mentor.id)].due_at == datetime(2026, 12, 2, 7, tzinfo=UTC)
    assert rows[("event_tomorrow", maria.id)].due_at == datetime(2026, 12, 14, 7, tzinfo=UTC)
    assert rows[("event_tomorrow", mentor.id)].mandatory is False
    assert rows[("event_followup", maria.id)].due_at == datetime(2026, 12, 16, 7, tzinfo=UTC)
    assert ("event_followup", mentor.id) not in rows


async def test_moved_event_moves_its_reminder(bot, people) -> None:
    maria, _ = await _school_with_people(bot, people)
    item = await _announcement(bot, maria.id, "Семинар", datetime(2026, 12, 15, 7, tzinfo=UTC))
    await _plan(bot, moment(2026, 12, 14))
    async with bot.app.uow_factory() as uow:
        stored = await uow.session.get(Submission, item.id)
        stored.event_at = datetime(2026, 12, 22, 7, tzinfo=UTC)
        await uow.commit()
    await _plan(bot, moment(2026, 12, 14, 12))
    await _plan(bot, moment(2026, 12, 21))
    eves = [r for r in await _rows(bot) if r.rule == "event_tomorrow" and r.chat_id == maria.id]
    assert [(r.due_at.day, r.status) for r in eves] == [
        (14, ReminderStatus.CANCELLED),
        (21, ReminderStatus.PLANNED),
    ]


async def test_report_window_reminders_and_a_sent_report_cancels_them(bot, people) -> None:
    maria, mentor = await _school_with_people(bot, people)
    await _plan(bot, moment(2027, 6, 20))
    await _plan(bot, moment(2027, 7, 3))
    rules = {(r.rule, r.chat_id) for r in await _rows(bot)}
    assert ("report_open", maria.id) in rules and ("report_closing_7", maria.id) in rules
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        person = await uow.people.by_telegram_id(maria.id)
        uow.session.add(
            Submission(
                kind=SubmissionKind.REPORT,
                programme=KRASNODAR.id,
                school_id=school.id,
                author_id=person.id,
                status=SubmissionStatus.SENT,
                school_year=2026,
                files=[],
            )
        )
        await uow.commit()
    await _plan(bot, moment(2027, 7, 10))
    await _plan(bot, moment(2027, 7, 11))
    rules = {
        (r.rule, r.chat_id) for r in await _rows(bot) if r.status is not ReminderStatus.CANCELLED
    }
    assert ("report_closing_0", maria.id) not in rules
    assert ("report_overdue", maria.id) not in rules and (
        "report_overdue_mentor",
        mentor.id,
    ) not in rules


async def test_overdue_report_notices_coordinator_mentor_and_staff(bot, people) -> None:
    maria, mentor = await _school_with_people(bot, people)
    await _plan(bot, moment(2027, 7, 11))
    rules = {(r.rule, r.chat_id) for r in await _rows(bot)}
    assert {
        ("report_overdue", maria.id),
        ("report_overdue_mentor", mentor.id),
        ("report_overdue_staff", STAFF_CHAT_ID),
    } <= rules


async def test_status_term_and_roadmap(bot, people) -> None:
    maria, _ = await _school_with_people(bot, people)
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        uow.session.add(
            PlatformStatus(
                school_id=school.id,
                programme=KRASNODAR.id,
                granted_on=date(2026, 11, 20),
                expires_on=date(2029, 11, 20),
                certificate_on=date(2026, 11, 23),
            )
        )
        await uow.commit()
    await _plan(bot, moment(2026, 11, 24))
    await _plan(bot, moment(2026, 11, 30))
    await _plan(bot, moment(2026, 12, 3))
    await _plan(bot, moment(2029, 5, 20))
    stored = await _rows(bot)
    assert {r.chat_id for r in stored} == {maria.id}
    rows = [(r.rule, r.due_at.date().isoformat()) for r in stored]
    # Counted from the certificate (табл. 1), not from the order.
    assert ("roadmap_1", "2026-11-24") in rows and ("roadmap_7", "2026-11-30") in rows
    assert ("roadmap_10", "2026-12-03") in rows
    assert ("status_expiry_6m", "2029-05-20") in rows
    [expiry] = [r for r in stored if r.rule == "status_expiry_6m"]
    assert json.loads(expiry.payload)["extends_until"] == "2030-11-20"


async def test_staff_digest_only_on_working_days(bot, people) -> None:
    maria, _ = await _school_with_people(bot, people)
    await _announcement(
        bot,
        maria.id,
        "Семинар",
        datetime(2027, 2, 15, 7, tzinfo=UTC),
        SubmissionStatus.SENT,
        sent=datetime(2027, 1, 5, tzinfo=UTC),
    )
    await _plan(bot, moment(2027, 1, 9))  # Saturday
    assert not [r for r in await _rows(bot) if r.rule == "staff_digest"]
    await _plan(bot, moment(2027, 1, 11))  # Monday
    [digest] = [r for r in await _rows(bot) if r.rule == "staff_digest"]
    assert digest.chat_id == STAFF_CHAT_ID
    assert json.loads(digest.payload)["oldest"][0]["days"] == 6


async def test_approving_a_plan_makes_its_dated_events_the_schedule(bot, people) -> None:
    maria, _ = await _school_with_people(bot, people)
    events = [
        {
            "title": "Мастер-класс",
            "form": "мастер-класс",
            "dates": "15.03.2027",
            "responsible": "И.",
        },
        {
            "title": "Круглый стол",
            "form": "круглый стол",
            "dates": "апрель 2027",
            "responsible": "П.",
        },
    ]
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        person = await uow.people.by_telegram_id(maria.id)
        plan = Submission(
            kind=SubmissionKind.PLAN,
            programme=KRASNODAR.id,
            school_id=school.id,
            author_id=person.id,
            status=SubmissionStatus.SENT,
            values=json.dumps({"events": events}, ensure_ascii=False),
            files=[],
        )
        uow.session.add(plan)
        await uow.commit()
        result = await decisions.decide(
            uow, plan.id, Decision.APPROVE, 1, "Ольга", "", bot.clock.now()
        )
        assert result.outcome == "done"
        schedule = (await uow.session.scalars(select(PlannedEvent).order_by(PlannedEvent.id))).all()
    assert [(e.title, e.event_on) for e in schedule] == [
        ("Мастер-класс", date(2027, 3, 15)),
        ("Круглый стол", None),
    ]
