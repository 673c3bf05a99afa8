"""Event announcements: the happy path, the 10-day rule, past dates, the date picker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from services.domain import SubmissionStatus
from storage.models import Submission


async def _submissions(bot) -> list[Submission]:
    async with bot.app.uow_factory() as uow:
        return list((await uow.session.scalars(select(Submission))).all())


async def _fill_until_date(maria) -> None:
    asked = await maria.send("📣 Анонс мероприятия")
    assert "Шаг 1 из 7" in asked and "Название" in asked
    asked = await maria.send("Семинар «Цифровая школа»")
    assert "Шаг 2 из 7" in asked
    asked = await maria.press("мастер-класс")
    assert "Шаг 3 из 7" in asked and "Дата и время" in asked


async def test_announcement_happy_path_with_date_picker(bot, coordinator, clock) -> None:
    maria = coordinator
    await _fill_until_date(maria)
    # Today is 23.11.2026; the calendar shows November: go to December, pick the 15th.
    calendar_message = maria.last
    await maria.press("▶️", message=calendar_message)
    assert "Декабрь 2026" in [b.text for row in maria.last.buttons() for b in row]
    asked = await maria.press("15", message=calendar_message)
    assert "15.12.2026" in asked
    asked = await maria.press("10:00")
    assert "Шаг 4 из 7" in asked
    await maria.send("Актовый зал, ул. Ленина, 1")
    await maria.send("Учителя информатики района")
    asked = await maria.send("не ссылка")
    assert "не похоже на ссылку" in asked and "Шаг 6 из 7" in asked
    await maria.press("Пропустить")
    preview = await maria.send("Практический семинар для учителей. <script>alert(1)</script>")
    assert "Проверьте перед отправкой" in preview
    assert "Дата и время: 15.12.2026 10:00" in preview
    assert "<script>alert(1)</script>" in preview  # shown as typed, escaped in HTML
    assert "&lt;script&gt;" in maria.last.html

    sent = await maria.press("Отправить")
    assert "Отправлено в институт: анонс мероприятия № 1" in sent
    [submission] = await _submissions(bot)
    assert submission.status is SubmissionStatus.SENT and not submission.late
    assert submission.event_at == datetime(2026, 12, 15, 7, 0, tzinfo=UTC)  # 10:00 Moscow


async def test_late_announcement_warns_and_can_be_sent_late_with_reason(bot, coordinator) -> None:
    maria = coordinator
    await _fill_until_date(maria)
    warning = await maria.send("28.11.2026 10:00")  # 5 days ahead
    assert "не позднее чем за 10 дней" in warning
    assert "до 18.11.2026 включительно" in warning
    await maria.press("Оставить дату")
    await maria.send("Онлайн")
    await maria.send("Учителя")
    await maria.press("Пропустить")
    preview = await maria.send("Описание")
    assert "пометкой «подано с опозданием»" in preview
    asked = await maria.press("Отправить")
    assert "Напишите причину опоздания" in asked
    sent = await maria.send("Дату согласовали с департаментом только вчера")
    assert "с опозданием" in sent
    [submission] = await _submissions(bot)
    assert submission.late and submission.late_reason.startswith("Дату согласовали")


async def test_late_announcement_date_can_be_changed(bot, coordinator) -> None:
    maria = coordinator
    await _fill_until_date(maria)
    await maria.send("28.11.2026 10:00")
    asked = await maria.press("Изменить дату")
    assert "Шаг 3 из 7" in asked
    asked = await maria.send("10.12.2026 11:30")
    assert "Шаг 4 из 7" in asked


async def test_past_and_malformed_dates_are_refused(bot, coordinator) -> None:
    maria = coordinator
    await _fill_until_date(maria)
    assert "уже прошла" in await maria.send("01.11.2026 10:00")
    assert "Такой даты нет" in await maria.send("31.02.2027 10:00")
    assert "время начала" in await maria.send("25.12.2026")
    assert "Не понял дату" in await maria.send("завтра")
    calendar_message = maria.last
    update = bot.fake.press(maria.user, calendar_message, "20")  # 20 November: in the past
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert query.show_alert and "уже прошла" in query.answer_text


async def test_double_tap_on_send_creates_one_submission(bot, coordinator) -> None:
    maria = coordinator
    await _fill_until_date(maria)
    await maria.send("15.12.2026 10:00")
    await maria.send("Онлайн")
    await maria.send("Учителя")
    await maria.press("Пропустить")
    await maria.send("Описание")
    preview = maria.last
    first = bot.fake.press(maria.user, preview, "Отправить")
    second = bot.fake.press(maria.user, preview, "Отправить")
    await asyncio.gather(bot.feed(first), bot.feed(second))
    assert bot.fake.callback_query(second["callback_query"]["id"]).answered
    sent = [s for s in await _submissions(bot) if s.status is SubmissionStatus.SENT]
    assert len(sent) == 1
    confirmations = [m for m in maria.messages() if "Отправлено в институт" in (m.text or "")]
    assert len(confirmations) == 1
