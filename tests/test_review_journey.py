"""Staff review in the group: cards, claims, decisions, the loop with the coordinator."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select

from services.domain import Role, SubmissionStatus
from storage.models import AuditEntry, Submission
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID, Person

CHANNEL_ID = -1003000000003


async def _mentor_by_link(bot, people) -> Person:
    """A mentor of the coordinator's school who joined through an invitation link."""
    mentor = people("Наставник")
    code = await seed.invitation(bot.app, "МАОУ Гимназия № 5", Role.MENTOR)
    await mentor.send(f"/start {code}")
    await mentor.press("Даю согласие")
    await mentor.send("Сидоров Иван Иванович")
    await mentor.send("Методист")
    return mentor


CARD_TITLE = re.compile(r"^(Анонс мероприятия|Заявка|Методические материалы) № \d+")


def _cards(bot):
    return [m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if CARD_TITLE.match(m.text or "")]


def _card(bot):
    return _cards(bot)[-1]


async def _submission(bot, number: int = 1) -> Submission:
    async with bot.app.uow_factory() as uow:
        return await uow.session.get(Submission, number)


async def test_card_claim_approve_notifies_and_publishes(bot, people, coordinator) -> None:
    bot.settings.public_channel_id = CHANNEL_ID
    await bot.restart()
    bot.fake.world.add_group(CHANNEL_ID, "Канал института", type="channel")
    maria = coordinator
    mentor = await _mentor_by_link(bot, people)
    olga = people("Ольга", staff=True)
    await steps.announce(maria)

    card = _card(bot)
    assert "Анонс мероприятия № 1" in card.text
    assert "МАОУ Гимназия № 5 (Центральный округ)" in card.text
    assert "Иванова Мария Петровна" in card.text
    assert "Описание <b>семинара</b>" in card.text and "&lt;b&gt;" in card.html
    assert [b.text for row in card.buttons() for b in row] == [
        "🙋 Беру в работу", "✅ Одобрить", "✏️ На доработку", "❌ Отклонить",
    ]  # fmt: skip

    await olga.press("Беру в работу", message=card)
    card = bot.fake.message(STAFF_CHAT_ID, card.message_id)
    assert "Рассматривает: Ольга" in card.text
    assert "Беру в работу" not in str(card.buttons())

    await olga.press("Одобрить", message=card)
    card = bot.fake.message(STAFF_CHAT_ID, card.message_id)
    assert "Статус: одобрено" in card.text and "Решение: Ольга" in card.text
    assert card.buttons() == []
    assert "Одобрено: анонс мероприятия № 1" in maria.last.text
    assert "опубликован в канале" in maria.last.text
    assert "Школа «МАОУ Гимназия № 5»" in mentor.last.text and "Одобрено:" in mentor.last.text
    post, ics = bot.fake.bot_messages(CHANNEL_ID)  # the publication, then its event (ICS)
    assert ics.document_id is not None
    assert "Семинар «Цифровая школа»" in post.text and "15.12.2026 10:00" in post.text

    listing = await maria.send("📂 Мои документы")
    assert "одобрено" in listing


async def test_changes_with_reply_comment_then_version_2_shows_the_difference(
    bot, people, coordinator
) -> None:
    maria = coordinator
    await _mentor_by_link(bot, people)
    olga = people("Ольга", staff=True)
    await steps.announce(maria)
    card = _card(bot)

    await olga.press("На доработку", message=card)
    prompt = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert "выберите причину или ответьте" in prompt.text
    count = len(bot.fake.bot_messages(STAFF_CHAT_ID))
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "Коллеги, кто возьмёт № 2?")
    assert len(bot.fake.bot_messages(STAFF_CHAT_ID)) == count, "chatter is not taken as the reason"
    await olga.send_in(
        bot.fake.world.chats[STAFF_CHAT_ID], "Уточните место: адрес и аудиторию", reply_to=prompt
    )

    card = bot.fake.message(STAFF_CHAT_ID, card.message_id)
    assert "Статус: на доработке" in card.text and "Уточните место" in card.text
    notice = maria.last
    assert "Возвращено на доработку" in notice.text and "Уточните место" in notice.text

    fix = notice.button("Исправить").callback_data
    preview = await maria.press("Исправить", message=notice)
    assert "Проверьте перед отправкой" in preview
    # A second tap (the first one's edit not yet on her screen) shows the same preview again.
    await bot.feed(bot.fake.callback_update(maria.user, notice, fix, check_button=False))
    assert "Проверьте перед отправкой" in maria.last.text
    await maria.press("Изменить поле")
    await maria.press("Место")
    await maria.send("ул. Ленина, 1, ауд. 204")
    await maria.press("Отправить")
    # The same «Исправить» pressed again once the new version is sent: refused, nothing breaks.
    again = bot.fake.callback_update(maria.user, notice, fix, check_button=False)
    await bot.feed(again)
    answer = bot.fake.callback_query(again["callback_query"]["id"])
    assert answer.answer_text == "Эту заявку сейчас нельзя исправить."

    [first_card, second_card] = [
        m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if "Анонс мероприятия № 1" in (m.text or "")
    ]
    assert "версия 2" in second_card.text
    assert "Изменено с версии 1:" in second_card.text and "поля: Место" in second_card.text
    assert first_card.message_id != second_card.message_id
    await olga.press("Одобрить", message=second_card)
    submission = await _submission(bot)
    assert submission.status is SubmissionStatus.APPROVED and submission.version == 2


async def test_reject_with_a_preset_reason(bot, people, coordinator) -> None:
    maria = coordinator
    await _mentor_by_link(bot, people)
    olga = people("Ольга", staff=True)
    await steps.announce(maria)
    await olga.press("Отклонить", message=_card(bot))
    await olga.press("Нарушен срок подачи анонса", message=bot.fake.last_bot_message(STAFF_CHAT_ID))
    submission = await _submission(bot)
    assert submission.status is SubmissionStatus.REJECTED
    assert (
        submission.comment
        == "Нарушен срок подачи анонса (не позднее чем за 10 дней до мероприятия)"
    )
    assert "Отклонено:" in maria.last.text and "Нарушен срок" in maria.last.text
    assert "Исправить" not in str(maria.last.buttons())


async def test_two_staff_press_different_decisions_at_once_one_wins(
    bot, people, coordinator
) -> None:
    maria = coordinator
    await _mentor_by_link(bot, people)
    olga = people("Ольга", staff=True)
    ivan = people("Иван", staff=True)
    await steps.announce(maria)
    card = _card(bot)
    await ivan.press("Отклонить", message=card)
    prompt = bot.fake.last_bot_message(STAFF_CHAT_ID)
    approve = bot.fake.press(olga.user, card, "Одобрить")
    reject = bot.fake.press(ivan.user, prompt, "Сведения неполные")
    await asyncio.gather(bot.feed(approve), bot.feed(reject))
    answers = [bot.fake.callback_query(u["callback_query"]["id"]) for u in (approve, reject)]
    assert all(a.answered for a in answers)
    refused = [a for a in answers if a.show_alert]
    assert len(refused) == 1 and "Уже решено:" in refused[0].answer_text
    submission = await _submission(bot)
    assert submission.status in (SubmissionStatus.APPROVED, SubmissionStatus.REJECTED)
    decisions = [
        m
        for m in maria.messages()
        if "Одобрено:" in (m.text or "") or "Отклонено:" in (m.text or "")
    ]
    assert len(decisions) == 1
    async with bot.app.uow_factory() as uow:
        actions = [e.action for e in await uow.session.scalars(select(AuditEntry))]
    assert len([a for a in actions if a in ("review.approve", "review.reject")]) == 1


async def test_forged_callback_from_non_staff_changes_nothing(bot, people, coordinator) -> None:
    maria = coordinator
    mentor = await _mentor_by_link(bot, people)
    await steps.announce(maria)
    card = _card(bot)
    for actor in (maria, mentor):
        update = bot.fake.callback_update(actor.user, card, "rv:approve:1", check_button=False)
        await bot.feed(update)
        answer = bot.fake.callback_query(update["callback_query"]["id"])
        assert answer.show_alert and "только сотрудники" in answer.answer_text
    submission = await _submission(bot)
    assert submission.status is SubmissionStatus.SENT
    async with bot.app.uow_factory() as uow:
        actions = [e.action for e in await uow.session.scalars(select(AuditEntry))]
    assert not any(action.startswith("review.") for action in actions)


async def test_cards_go_to_topics_in_a_forum_group(bot, people, coordinator) -> None:
    bot.fake.world.chats[STAFF_CHAT_ID].is_forum = True
    maria = coordinator
    await _mentor_by_link(bot, people)
    await steps.announce(maria, "Первый")
    await steps.announce(maria, "Второй")
    await maria.send("📚 Материалы")
    await maria.send("Сборник")
    await maria.press("сборник")
    await maria.send("https://example.ru/sbornik")
    await maria.press("Пропустить")
    await maria.press("Отправить")
    topics = bot.fake.calls_of("createForumTopic")
    assert [c.params["name"] for c in topics] == ["Анонсы мероприятий", "Методические материалы"]
    cards = _cards(bot)
    threads = {m.text.splitlines()[0]: m.message_thread_id for m in cards}
    assert threads["Анонс мероприятия № 1"] == threads["Анонс мероприятия № 2"]
    assert threads["Методические материалы № 3"] not in (None, threads["Анонс мероприятия № 1"])


async def test_pending_and_history(bot, people, coordinator, clock) -> None:
    maria = coordinator
    await _mentor_by_link(bot, people)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await steps.announce(maria, "Старый")
    clock.advance(days=2)
    await steps.announce(maria, "Новый")
    await olga.press("Беру в работу", message=_card(bot))
    await olga.send_in(staff_chat, "/pending")
    pending = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    lines = [line for line in pending.splitlines() if line.startswith("№")]
    assert lines[0].startswith("№ 1 · Анонс мероприятия") and "2 дня" in lines[0]
    assert lines[1].startswith("№ 2") and "0 дней" in lines[1] and "🙋 Ольга" in lines[1]

    await olga.press("Одобрить", message=_card(bot))
    await olga.send_in(staff_chat, "/history 2")
    history = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "версия 1 — отправлена" in history
    assert (
        "submission.send" in history and "review.claim" in history and "review.approve" in history
    )
    await olga.send_in(staff_chat, "/history 99")
    assert "Заявки № 99 нет" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "для сотрудников" in await maria.send("/pending")
