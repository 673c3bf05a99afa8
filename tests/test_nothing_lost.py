"""Nothing lost, nothing stuck: cards and notices through the outbox, idempotent buttons,
menu buttons that always work, and an error handler that answers whatever failed."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import pytest
from sqlalchemy import select

from bot.delivery import LEASE as SENDER_LEASE
from bot.emulator import FaultPlan
from bot.leases import Holder, Leases, owner_name
from bot.scheduler import PLANNER_LEASE
from services import outbox
from services.people import languages
from storage.models import Reminder, ReminderStatus
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID

CHANNEL_ID = -1003000000003


def _cards(bot, number: int) -> list:
    return [m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if f"№ {number}" in (m.text or "")[:80]]


async def _rows(bot) -> list[Reminder]:
    async with bot.app.uow_factory() as uow:
        return list(await uow.session.scalars(select(Reminder).order_by(Reminder.id)))


async def test_card_refused_by_telegram_is_retried_and_arrives_once(
    bot, coordinator, mentor, clock
) -> None:
    maria = coordinator
    bot.fake.fail_next("sendMessage", 502, times=2, chat_id=STAFF_CHAT_ID)
    await steps.announce(maria)
    assert "отправлен" in maria.last.text.lower()
    assert _cards(bot, 1) == [], "Telegram failed: the card waits in the outbox"

    for _ in range(3):
        clock.advance(minutes=1)
        await bot.app.sender.drain()
    cards = _cards(bot, 1)
    assert len(cards) == 1 and "Беру в работу" in str(cards[0].buttons())
    card_row = next(row for row in await _rows(bot) if row.rule == "card")
    assert (card_row.status, card_row.message_id) == (ReminderStatus.SENT, cards[0].message_id)


async def test_card_never_delivered_is_marked_in_pending_and_staff_told_once(
    bot, people, coordinator, mentor
) -> None:
    maria = coordinator
    olga = people("Ольга", staff=True)
    bot.fake.fail_next(
        "sendMessage", 400, "Bad Request: can't parse entities", chat_id=STAFF_CHAT_ID
    )
    await steps.announce(maria)

    notices = [
        m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if "не дошла до группы" in (m.text or "")
    ]
    assert len(notices) == 1 and "№ 1" in notices[0].text
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "/pending")
    pending = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "№ 1" in pending and "карточка не доставлена" in pending
    await bot.app.sender.drain()
    assert (
        len([m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if "не дошла" in (m.text or "")]) == 1
    )


async def test_decision_notices_and_publication_survive_a_restart_before_delivery(
    bot, people, coordinator, mentor
) -> None:
    """The decision is committed with its messages: a bot that dies before sending them
    sends them once after the restart."""
    bot.settings.public_channel_id = CHANNEL_ID
    await bot.restart()
    bot.fake.world.add_group(CHANNEL_ID, "Канал института", type="channel")
    maria = coordinator
    olga = people("Ольга", staff=True)
    await steps.announce(maria)
    card = steps.card(bot, "Анонс мероприятия № 1")

    before = len(maria.messages())
    update = bot.fake.press(olga.user, card, "Одобрить")
    await bot.app.dispatcher.feed_raw_update(bot.app.bot, update)  # no drain: the bot "dies"
    assert len(maria.messages()) == before and bot.fake.bot_messages(CHANNEL_ID) == []
    await bot.restart()
    await bot.app.sender.drain()
    await bot.app.sender.drain()

    assert [m.text.splitlines()[0] for m in maria.messages()[before:]] == [
        "✅ Одобрено: анонс мероприятия № 1."
    ]
    assert any("Одобрено" in (m.text or "") for m in mentor.messages())
    assert len([m for m in bot.fake.bot_messages(CHANNEL_ID) if m.text]) == 1  # and its ICS
    assert "Статус: одобрено" in steps.card(bot, "Анонс мероприятия № 1").text


async def _deliver_through_faults(bot, clock, seed: int) -> None:
    """Drain the outbox while Telegram fails a third of the calls, until it is empty."""
    bot.fake.inject_faults(
        FaultPlan(
            seed=seed,
            rate=0.3,
            weights={"server_error": 1, "malformed": 1, "disconnect": 1, "flood": 1},
        )
    )
    for _ in range(40):
        clock.advance(minutes=15)
        await bot.app.sender.drain()
        if all(row.status is not ReminderStatus.PLANNED for row in await _rows(bot)):
            break
    bot.fake.inject_faults(None)


async def test_under_random_faults_every_card_notice_and_publication_arrives_once(
    bot, people, coordinator, mentor, clock
) -> None:
    bot.settings.public_channel_id = CHANNEL_ID
    await bot.restart()
    bot.fake.world.add_group(CHANNEL_ID, "Канал института", type="channel")
    maria = coordinator
    olga = people("Ольга", staff=True)
    bot.deliver = False  # the cards wait in the outbox, as when Telegram is away
    for number in range(1, 4):
        await steps.announce(maria, title=f"Семинар № {number}")
    await _deliver_through_faults(bot, clock, seed=7)
    for number in range(1, 4):
        await olga.press("Одобрить", message=steps.card(bot, f"Анонс мероприятия № {number}"))
    await _deliver_through_faults(bot, clock, seed=8)

    assert sum(bot.fake.faults_injected.values()) >= 5
    for number in range(1, 4):
        assert len(_cards(bot, number)) == 1, f"card {number}"
        assert "Статус: одобрено" in steps.card(bot, f"Анонс мероприятия № {number}").text
    notices = Counter(
        m.text.splitlines()[0] for m in maria.messages() if "Одобрено" in (m.text or "")
    )
    assert notices == Counter(f"✅ Одобрено: анонс мероприятия № {n}." for n in range(1, 4))
    assert len([m for m in mentor.messages() if "Одобрено" in (m.text or "")]) == 3
    assert len([m for m in bot.fake.bot_messages(CHANNEL_ID) if m.text]) == 3  # and 3 ICS
    statuses = Counter(row.status for row in await _rows(bot))
    assert set(statuses) == {ReminderStatus.SENT}, statuses
    assert bot.fake.retry_after_violations == []


def _buttons(message) -> dict[str, str]:
    """The message's buttons as they are now: text to callback data."""
    return {b.text: b.callback_data for row in message.buttons() for b in row if b.callback_data}


async def _press_data(person, message, data: str) -> None:
    """Press a button by its data, whether the message still shows it or not (a second tap
    arrives after the first one's edit)."""
    update = person.fake.callback_update(person.user, message, data, check_button=False)
    await person.bot.feed(update)


async def test_pressing_a_button_twice_changes_nothing_and_raises_nothing(
    bot, people, caplog
) -> None:
    caplog.set_level(logging.ERROR)
    maria = people("Мария")
    await maria.send("/language")
    choice = maria.last
    russian = _buttons(choice)["Русский"]
    await _press_data(maria, choice, russian)
    count = len(maria.messages())
    await _press_data(maria, choice, russian)
    assert len(maria.messages()) == count + 1  # the menu again, nothing else
    assert all(query.answered for query in bot.fake.world.callback_queries.values())
    assert bot.fake.refused_calls() == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_old_card_buttons_answer_once_and_change_nothing(
    bot, people, coordinator, mentor, caplog
) -> None:
    caplog.set_level(logging.ERROR)
    maria = coordinator
    olga = people("Ольга", staff=True)
    await steps.announce(maria)
    card = steps.card(bot, "Анонс мероприятия № 1")
    buttons = _buttons(card)
    await _press_data(olga, card, buttons["🙋 Беру в работу"])
    await _press_data(olga, card, buttons["✅ Одобрить"])
    notices = len(maria.messages())
    await _press_data(olga, card, buttons["✅ Одобрить"])
    await _press_data(olga, card, buttons["🙋 Беру в работу"])
    assert len(maria.messages()) == notices
    queries = list(bot.fake.world.callback_queries.values())
    assert all(query.answered for query in queries)
    assert "Уже решено" in (queries[-1].answer_text or "")
    assert bot.fake.refused_calls() == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_failure_before_the_language_is_known_still_gets_an_answer(
    bot, people, monkeypatch, caplog
) -> None:
    caplog.set_level(logging.ERROR)
    maria = people("Мария")

    async def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(languages, "observe", broken)
    reply = await maria.send("/start")
    assert "Что-то пошло не так" in reply
    assert any("update" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)


async def test_menu_button_leaves_a_forgotten_question_months_later(
    bot, people, coordinator, mentor, clock
) -> None:
    """The follow-up of an event asks for a link; left unanswered for months, it must not
    swallow «📊 Отчёт»."""
    maria = coordinator
    await steps.announce(maria, when="15.12.2026 10:00")
    olga = people("Ольга", staff=True)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия № 1"))
    clock.advance(days=23)
    await steps.tick(bot)
    await maria.press("Состоялось")
    await maria.send("25")
    assert "Ссылка на материалы" in maria.last.text

    clock.advance(days=200)
    reply = await maria.send("📊 Отчёт")
    assert "не похоже на ссылку" not in reply.lower()
    assert "Шаг 1 из" in reply and "участвовало" in reply, "the report's form opened"


async def test_a_command_leaves_the_question_and_does_what_it_says(
    bot, coordinator, mentor
) -> None:
    maria = coordinator
    await maria.send("📣 Анонс мероприятия")
    assert "Шаг 1" in maria.last.text
    reply = await maria.send("/settings")
    assert "Напоминания" in reply or "напоминания" in reply
    reply = await maria.send("Семинар")
    assert "Шаг 2" not in reply, "the form was left: text is no longer its answer"
    reply = await maria.send("📣 Анонс мероприятия")
    assert "черновик" in reply.lower(), "what was answered is kept"


async def test_a_question_a_reminder_opened_expires(
    bot, people, coordinator, mentor, clock
) -> None:
    maria = coordinator
    await steps.announce(maria, when="15.12.2026 10:00")
    olga = people("Ольга", staff=True)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия № 1"))
    clock.advance(days=23)
    await steps.tick(bot)
    await maria.press("Состоялось")
    assert "Сколько человек" in maria.last.text
    clock.advance(days=4)
    reply = await maria.send("40")
    assert "Записал" not in reply and "Ссылка на материалы" not in reply


async def test_every_prompt_that_waits_for_text_says_how_to_leave(bot, coordinator, mentor) -> None:
    maria = coordinator
    await maria.send("📣 Анонс мероприятия")
    for _ in range(4):
        last = maria.last
        labels = [b.text for row in last.buttons() for b in row]
        assert any("Отмена" in label or "Пропустить" in label for label in labels) or (
            "/cancel" in (last.text or "")
        ), last.text
        await maria.send("Ответ")


async def test_stopped_bot_gives_its_leases_back_and_names_the_holder(bot, clock) -> None:
    """A clean stop releases the leases; a holder that stopped renewing is taken over within
    a minute; a refusal names who holds it."""
    app = bot.app
    other = Leases(app.uow_factory, owner_name(Holder.COMMAND), clock.now)
    assert await other.take(SENDER_LEASE)
    assert not await app.leases.take(SENDER_LEASE)
    assert (await app.leases.holder(SENDER_LEASE) or "").startswith("command ")
    await other.release([SENDER_LEASE])
    assert await app.leases.take(SENDER_LEASE)
    await app.leases.release([SENDER_LEASE])

    crashed = Leases(app.uow_factory, "bot elsewhere:1", clock.now)
    assert await crashed.take(PLANNER_LEASE)  # and then it is killed: nobody renews it
    assert not await app.leases.take(PLANNER_LEASE)
    clock.advance(seconds=59)
    assert await app.leases.take(PLANNER_LEASE), "taken over within a minute"


@pytest.mark.parametrize("holder", [Holder.BOT, Holder.COMMAND])
async def test_reminders_send_names_who_holds_the_lease(bot, clock, capsys, holder) -> None:
    from bot.cli import report_reminders

    other = Leases(bot.app.uow_factory, f"{holder.value} elsewhere:4242", clock.now)
    await other.take(SENDER_LEASE)
    assert await report_reminders(bot.app, send=True) == 1
    said = capsys.readouterr().err
    expected = "работающий бот" if holder is Holder.BOT else "другая команда"
    assert said.startswith(f"Напоминания сейчас отправляет {expected} (elsewhere:4242)")
    await other.release([SENDER_LEASE])
    assert await report_reminders(bot.app, send=True) == 0
    async with bot.app.uow_factory() as uow:
        assert await outbox.lease_holder(uow, SENDER_LEASE, clock.now()) is None


@pytest.mark.parametrize("crowd_size", [80, 200])
async def test_burst_of_coordinators_pressing_the_menu_at_once(
    bot, people, caplog, crowd_size
) -> None:
    """Everyone presses «📂 Мои документы» in the same moment, as after a reminder to every
    school: one getUpdates batch (80) or several (200, the fake gives 100 at a time), handled
    concurrently by polling. Everyone gets the answer; nobody waits for a database connection."""
    caplog.set_level(logging.WARNING)
    await seed.schools(bot.app)
    crowd = [people(f"Учитель {i}") for i in range(crowd_size)]
    for person in crowd:
        await seed.coordinator(bot.app, person)
    bot.fake.enqueue(*(bot.fake.message_update(p.user, "📂 Мои документы") for p in crowd))
    dispatcher = bot.app.dispatcher
    polling = asyncio.create_task(
        dispatcher.start_polling(bot.app.bot, handle_signals=False, polling_timeout=1)
    )
    try:
        await bot.fake.wait_until(lambda: all(p.messages() for p in crowd), within=60)
    finally:
        await dispatcher.stop_polling()
        await polling
    assert all("документ" in p.last.text.lower() for p in crowd)
    assert not [r for r in caplog.records if "QueuePool" in r.getMessage()]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
