"""Reminders through the fake Bot API with a controllable clock: who gets what, on which day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from services.domain import SubmissionKind, SubmissionStatus
from storage.models import Submission
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID


async def _approved_announcement(bot, maria, title: str, at: datetime) -> int:
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        person = await uow.people.by_telegram_id(maria.id)
        item = Submission(
            kind=SubmissionKind.ANNOUNCEMENT,
            programme="krasnodar-digital",
            school_id=school.id,
            author_id=person.id,
            status=SubmissionStatus.APPROVED,
            values=json.dumps({"title": title, "form": "семинар"}),
            event_at=at,
            sent_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
            school_year=2026,
            files=[],
        )
        uow.session.add(item)
        await uow.commit()
        return item.id


async def test_eve_of_an_event_and_the_follow_up_that_feeds_the_report(
    bot, coordinator, mentor, clock
) -> None:
    maria = coordinator
    await _approved_announcement(
        bot, maria, "Семинар «Цифра»", datetime(2026, 12, 15, 7, tzinfo=UTC)
    )
    clock.set(datetime(2026, 12, 14, 7, 5, tzinfo=UTC))  # 14.12, 10:05 in Moscow
    await steps.tick(bot)
    assert "Завтра: «Семинар «Цифра»» (МАОУ Гимназия № 5), 15.12.2026 10:00" in maria.last.text
    assert "Завтра: «Семинар «Цифра»»" in mentor.last.text
    before = len(maria.messages())
    await steps.tick(bot)
    assert len(maria.messages()) == before, "a reminder is sent once"

    clock.set(datetime(2026, 12, 16, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    question = maria.last
    assert "состоялось?" in question.text
    assert "состоялось?" not in mentor.last.text
    assert "Сколько человек участвовало" in await maria.press("Состоялось", message=question)
    assert "Нужно целое число" in await maria.send("много")
    await maria.send("27")
    done = await maria.press("Пропустить")
    assert "войдёт в годовой отчёт" in done

    report = await maria.send("📊 Отчёт")
    assert "Сейчас: 27" in report


async def test_muted_person_gets_only_deadline_reminders(bot, coordinator, mentor, clock) -> None:
    maria = coordinator
    await mentor.send("/settings")
    await mentor.press("Выключить необязательные")
    assert "выключены" in mentor.last.text
    await _approved_announcement(bot, maria, "Вебинар", datetime(2026, 12, 15, 7, tzinfo=UTC))
    clock.set(datetime(2026, 12, 14, 7, 5, tzinfo=UTC))
    mentor_before = len(mentor.messages())
    await steps.tick(bot)
    assert "Завтра" in maria.last.text
    assert len(mentor.messages()) == mentor_before, "optional reminders are muted"

    await maria.send("/settings")
    await maria.press("Выключить необязательные")
    clock.set(datetime(2027, 7, 3, 7, 5, tzinfo=UTC))  # a week before the report window closes
    await steps.tick(bot)
    assert "Отчёт за учебный год ещё не отправлен. Срок — до 10.07.2027" in maria.last.text


async def test_planned_event_reminder_opens_the_announcement_prefilled(
    bot, coordinator, mentor, clock
) -> None:
    maria = coordinator
    await seed.approved_plan(
        bot.app, maria.id, [("Мастер-класс «ИИ»", "мастер-класс", date(2026, 12, 20))]
    )
    clock.set(datetime(2026, 12, 6, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    reminder = maria.last
    assert (
        "Мастер-класс «ИИ»» проходит 20.12.2026. Анонс нужно подать не позднее 10.12.2026"
        in reminder.text
    )
    asked = await maria.press("Подать анонс", message=reminder)
    assert "Шаг 3 из 7" in asked and "Дата и время" in asked
    await maria.send("20.12.2026 11:00")
    await maria.send("Школа")
    await maria.send("Учителя")
    await maria.press("Пропустить")
    preview = await maria.send("Описание")
    assert "Название: Мастер-класс «ИИ»" in preview and "Форма: мастер-класс" in preview


async def test_report_window_overdue_reaches_coordinator_mentor_and_staff(
    bot, coordinator, mentor, clock
) -> None:
    maria = coordinator
    clock.set(datetime(2027, 7, 11, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Срок отчёта за учебный год истёк 10.07.2027" in maria.last.text
    assert "Школа «МАОУ Гимназия № 5» не отправила отчёт" in mentor.last.text
    staff = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "Не отчиталась 1 школа:\n• МАОУ Гимназия № 5" in staff


async def test_blocked_coordinator_is_counted_unreachable_and_not_retried(
    bot, coordinator, mentor, clock
) -> None:
    maria = coordinator
    maria.user.blocked_bot = True
    clock.set(datetime(2027, 7, 11, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    calls = len(bot.fake.calls_of("sendMessage"))
    await steps.tick(bot)
    assert (
        len(
            [
                c
                for c in bot.fake.calls_of("sendMessage")[calls:]
                if c.params.get("chat_id") == str(maria.id)
            ]
        )
        == 0
    )
    async with bot.app.uow_factory() as uow:
        person = await uow.people.by_telegram_id(maria.id)
        assert person.unreachable


async def test_granted_status_brings_roadmap_and_term_reminders(
    bot, people, coordinator, mentor, clock
) -> None:
    maria = coordinator
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    number = await seed.approved_application(bot.app)
    await olga.send_in(staff_chat, f"/granted {number} 20.11.2026")
    answer = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "записан с 20.11.2026" in answer and "Действует до 20.11.2029" in answer
    await olga.send_in(staff_chat, "/granted 99 20.11.2026")
    assert "нет среди заявок" in bot.fake.last_bot_message(STAFF_CHAT_ID).text

    clock.set(datetime(2026, 11, 21, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert (
        "План работы (дорожную карту) на весь срок нужно отправить не позднее 10 дней "
        "после публикации свидетельства" in maria.last.text
    )
    clock.set(datetime(2029, 5, 20, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Статус площадки действует до 20.11.2029" in maria.last.text


async def test_pending_shows_who_blocked_the_bot(bot, people, coordinator, mentor, clock) -> None:
    maria = coordinator
    olga = people("Ольга", staff=True)
    maria.user.blocked_bot = True
    clock.set(datetime(2027, 7, 11, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "/pending")
    assert (
        "Заблокировали бота, напоминания им не доходят (1): Иванова Мария Петровна"
        in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    )


async def test_operator_dry_run_then_send(bot, coordinator, mentor, clock, capsys) -> None:
    """`reminders --due` prints what is due and why and sends nothing; `--send` sends it once."""
    from bot.cli import report_reminders

    maria = coordinator
    clock.set(datetime(2027, 7, 11, 7, 5, tzinfo=UTC))
    sent_before = len(bot.fake.calls_of("sendMessage"))
    assert await report_reminders(bot.app, send=False) == 0
    printed = capsys.readouterr().out
    assert (
        f"11.07.2027 10:00\treport_overdue\t{maria.id}\treport:2\t❗ Срок отчёта за учебный год истёк 10.07.2027"
        in printed
    )
    assert "report_overdue_mentor" in printed and printed.strip().endswith(
        "Сейчас пора отправить 3 напоминания."
    )
    assert len(bot.fake.calls_of("sendMessage")) == sent_before

    assert await report_reminders(bot.app, send=True) == 0
    assert "Запланировано: 3" in capsys.readouterr().out
    assert "Срок отчёта за учебный год истёк" in maria.last.text
    after = len(bot.fake.calls_of("sendMessage"))
    assert await report_reminders(bot.app, send=True) == 0
    assert len(bot.fake.calls_of("sendMessage")) == after
    assert await report_reminders(bot.app, send=False) == 0
    assert capsys.readouterr().out.strip().endswith("Сейчас пора отправить 0 напоминаний.")
