"""Someone without an invitation asks for access; staff approve or deny from the group."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AccessRequest, AuditEntry
from tests import seed
from tests.harness import STAFF_CHAT_ID


async def _fill_request(person, school_search: str = "гимн") -> None:
    await person.send("/start")
    await person.send("🔑 Запросить доступ")
    await person.press("Даю согласие")
    results = await person.send(school_search)
    assert "Найдено" in results
    await person.press("Гимназия № 5")
    await person.send("Петров Пётр Петрович")
    await person.send("Учитель информатики")
    done = await person.send("+7 900 123-45-67")
    assert "Запрос отправлен" in done


async def test_request_access_and_staff_approve(bot, people) -> None:
    await seed.schools(bot.app)
    staff = people("Ольга", staff=True)
    guest = people("Пётр")

    welcome = await guest.send("/start")
    assert "ссылку-приглашение" in welcome
    await guest.send("🔑 Запросить доступ")
    asked = await guest.press("Даю согласие")
    assert "Шаг 1 из 4" in asked
    results = await guest.send("гимн")
    assert "Найдено по запросу «гимн»: 1" in results
    asked = await guest.press("МАОУ Гимназия № 5")
    assert "Шаг 2 из 4" in asked
    assert "Шаг 3 из 4" in await guest.send("Петров Пётр Петрович")
    assert "Шаг 4 из 4" in await guest.send("Учитель информатики")
    assert "Запрос отправлен" in await guest.send("+7 900 123-45-67")

    card = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert "Запрос доступа № 1" in card.text
    assert "МАОУ Гимназия № 5 (Центральный округ)" in card.text
    assert "Петров Пётр Петрович" in card.text

    await staff.press("Одобрить", message=card)
    card = bot.fake.message(STAFF_CHAT_ID, card.message_id)
    assert "Одобрено: Ольга" in card.text
    assert card.buttons() == []
    assert "Доступ открыт" in guest.last.text
    assert "МАОУ Гимназия № 5" in guest.last.text
    assert "👤 Мой профиль" in guest.reply_buttons()

    profile = await guest.send("👤 Мой профиль")
    assert "Координатор площадки: МАОУ Гимназия № 5" in profile


async def test_staff_deny_and_second_press_changes_nothing(bot, people) -> None:
    await seed.schools(bot.app)
    olga = people("Ольга", staff=True)
    ivan = people("Иван", staff=True)
    guest = people("Пётр")
    await _fill_request(guest)
    card = bot.fake.last_bot_message(STAFF_CHAT_ID)
    approve = _data(card, "Одобрить")  # Ivan's screen still shows the buttons

    await olga.press("Отклонить", message=card)
    assert "отклонили запрос" in guest.last.text
    update = bot.fake.callback_update(ivan.user, card, approve, check_button=False)
    await bot.feed(update)
    answer = bot.fake.callback_query(update["callback_query"]["id"])
    assert answer.show_alert and "Уже отклонено: Ольга" in answer.answer_text
    async with bot.app.uow_factory() as uow:
        request = (await uow.session.scalars(select(AccessRequest))).one()
        assert request.status == "denied"
        person = await uow.people.by_telegram_id(guest.id)
        assert person is None


async def test_non_staff_press_on_card_is_refused_and_changes_nothing(bot, people) -> None:
    await seed.schools(bot.app)
    guest = people("Пётр")
    intruder = people("Злоумышленник")
    await _fill_request(guest)
    card = bot.fake.last_bot_message(STAFF_CHAT_ID)

    # A modified client can send any callback data from any chat.
    update = bot.fake.callback_update(
        intruder.user, card, _data(card, "Одобрить"), check_button=False
    )
    await bot.feed(update)
    answer = bot.fake.callback_query(update["callback_query"]["id"])
    assert answer.show_alert and "только сотрудники" in answer.answer_text
    assert "Одобрено" not in bot.fake.message(STAFF_CHAT_ID, card.message_id).text
    async with bot.app.uow_factory() as uow:
        request = (await uow.session.scalars(select(AccessRequest))).one()
        assert request.status == "pending"
        assert await uow.people.by_telegram_id(guest.id) is None


async def test_school_typed_by_name_is_created_on_approval(bot, people) -> None:
    await seed.schools(bot.app)
    staff = people("Ольга", staff=True)
    guest = people("Пётр")
    await guest.send("/start")
    await guest.send("🔑 Запросить доступ")
    await guest.press("Даю согласие")
    nothing = await guest.send("Кукуевка")
    assert "ничего не нашлось" in nothing
    asked = await guest.press("Моей школы нет в списке")
    assert "полное название" in asked
    await guest.send("МКОУ <b>Кукуевская</b> ООШ")
    await guest.send("Петров Пётр Петрович")
    await guest.send("Директор")
    await guest.send("kuk@example.ru")
    card = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert "Школа (нет в списке): МКОУ <b>Кукуевская</b> ООШ" in card.text
    assert "&lt;b&gt;" in card.html
    await staff.press("Одобрить", message=card)
    profile = await guest.send("👤 Мой профиль")
    assert "МКОУ <b>Кукуевская</b> ООШ" in profile
    async with bot.app.uow_factory() as uow:
        actions = [e.action for e in await uow.session.scalars(select(AuditEntry))]
    assert "access.request" in actions and "access.approved" in actions


async def test_search_paginates(bot, people) -> None:
    await seed.schools(bot.app, [(f"МБОУ СОШ № {n}", "Район") for n in range(1, 15)])
    guest = people("Пётр")
    await guest.send("/start")
    await guest.send("🔑 Запросить доступ")
    await guest.press("Даю согласие")
    first = await guest.send("сош")
    assert "Найдено по запросу «сош»: 14" in first and "Страница 1 из 3" in first
    page = guest.last
    await guest.press("▶️", message=page)
    edited = bot.fake.message(guest.id, page.message_id)
    assert "Страница 2 из 3" in edited.text
    await guest.press("◀️", message=edited)
    assert "Страница 1 из 3" in bot.fake.message(guest.id, page.message_id).text


async def test_pending_request_is_not_filed_twice(bot, people) -> None:
    await seed.schools(bot.app)
    guest = people("Пётр")
    await _fill_request(guest)
    again = await guest.send("🔑 Запросить доступ")
    assert "уже у сотрудников" in again
    async with bot.app.uow_factory() as uow:
        assert len((await uow.session.scalars(select(AccessRequest))).all()) == 1


def _data(message, text: str) -> str:
    data = message.button(text).callback_data
    assert data is not None
    return data
