"""Buttons of old messages, forged presses and odd messages get a short answer, never a crash
(each found by the randomised journeys)."""

from __future__ import annotations

import logging

import pytest

from tests import seed, steps
from tests.harness import Person

pytestmark = pytest.mark.usefixtures("no_errors")


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.ERROR)
    yield
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def _forge(person: Person, data: str) -> str:
    """A press with made-up data on the person's newest message of the bot."""
    before = len(person.messages())
    update = person.fake.callback_update(person.user, person.last, data, check_button=False)
    await person.bot.feed(update)
    query = person.fake.callback_query(update["callback_query"]["id"])
    assert query.answered
    return (query.answer_text or "") + person.texts_since(before)


async def test_an_old_variant_button_after_another_draft_changes_nothing(bot, coordinator) -> None:
    maria = coordinator
    await maria.send("📝 Заявка")
    variants = maria.last
    await maria.send("📣 Анонс мероприятия")
    await maria.send("Семинар")
    await maria.send("📣 Анонс мероприятия")
    assert "Продолжить его или начать заново" in maria.last.text
    await maria.press("продление", message=variants)
    query = list(bot.fake.world.callback_queries.values())[-1]
    assert "не действует" in (query.answer_text or "")
    assert "Продолжить" in str(maria.last.buttons()), "the pending question still stands"


async def test_an_old_restart_button_of_another_dialog_changes_nothing(bot, coordinator) -> None:
    maria = coordinator
    await maria.send("📣 Анонс мероприятия")
    await maria.send("Семинар")
    await maria.send("📣 Анонс мероприятия")
    resume = maria.last
    await maria.send("📝 Заявка")
    before = len(maria.messages())
    await maria.press("Начать заново", message=resume)
    query = list(bot.fake.world.callback_queries.values())[-1]
    assert "не действует" in (query.answer_text or "")
    assert len(maria.messages()) == before


@pytest.mark.parametrize("data", ["cal:day:2026:2:31", "cal:day:0:13:15", "cal:month:2026:99:0"])
async def test_a_forged_calendar_day_is_refused(bot, coordinator, data: str) -> None:
    maria = coordinator
    await maria.send("📣 Анонс мероприятия")
    await maria.send("Семинар")
    await maria.press("семинар")
    assert "Шаг 3" in maria.last.text
    said = await _forge(maria, data)
    assert "Такой даты нет" in said or "не действует" in said or "завершён" in said


async def test_a_new_language_brings_its_menu_while_a_question_waits(bot, coordinator) -> None:
    maria = coordinator
    await maria.send("/language")
    picker = maria.last
    await maria.send("📣 Анонс мероприятия")
    await maria.press("English", message=picker)
    assert "📚 Materials" in maria.reply_buttons()
    assert "Step 1" in maria.last.text, "the question is asked again, in English"
    reply = await maria.send("📚 Materials")
    assert "Step 1 of 4" in reply, "the materials form opened (the announcement has 7 steps)"


async def test_a_forged_outcome_of_another_schools_event_is_refused_at_once(
    bot, people, coordinator
) -> None:
    maria = coordinator
    await seed.schools(bot.app, [("МБОУ СОШ № 7", "Северный район")])
    olga = people("Ольга")
    await seed.coordinator(bot.app, olga, "МБОУ СОШ № 7")
    await olga.send("/start")
    await steps.announce(maria)
    said = await _forge(olga, "held:1:1")
    assert "только координатор школы" in said
    assert "Сколько человек" not in olga.last.text


async def test_a_document_outside_a_form_from_a_coordinator(bot, coordinator) -> None:
    maria = coordinator
    file = bot.fake.world.add_file("отчёт.pdf", b"%PDF-1.4", "application/pdf")
    reply = await maria.send_file(file)
    assert "Файлы я принимаю только внутри анкеты" in reply


async def test_an_edited_message_gets_an_answer(bot, coordinator) -> None:
    maria = coordinator
    update = bot.fake.message_update(maria.user, "Семинар")
    update["edited_message"] = update.pop("message")
    update["edited_message"]["edit_date"] = update["edited_message"]["date"]
    before = len(maria.messages())
    await bot.feed(update)
    assert "новым сообщением" in maria.texts_since(before)


async def test_a_registered_coordinator_with_a_broken_link_keeps_the_menu(bot, coordinator) -> None:
    maria = coordinator
    reply = await maria.send("/start <b>")
    assert "не действует" in reply
    assert "Запросить доступ" not in str(maria.last.buttons())
    assert "📣 Анонс мероприятия" in maria.reply_buttons()
