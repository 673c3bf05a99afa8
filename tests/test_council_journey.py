"""The Academic Council list: its date, the closing 10 days before, approved applications on it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests import seed
from tests.harness import STAFF_CHAT_ID


async def _send_application(bot, people, school: str, coordinator_name: str):
    person = people(coordinator_name)
    await seed.coordinator(bot.app, person, school)
    await person.send("/start")
    await person.send("📝 Заявка")
    await person.press("Заявка на присвоение")
    await person.press("✅ Оставить как есть")  # name from the list of schools
    await person.send("г. Краснодар, ул. Мира, 1")
    await person.press("✅ Оставить как есть")  # district from the list of schools
    await person.send("+7 861 200-00-00")
    await person.send("Петров Иван Иванович")
    await person.press("✅ Оставить как есть")
    await person.send("Цифровая среда")
    await person.send("Сферум")
    await person.press("Нет")
    await person.send("На подписи в управлении образования")  # why there is no agreement yet
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        await person.send(document=bot.fake.world.add_file(name, b"%PDF", "application/pdf"))
        await person.press("Готово")
    await person.press("Отправить")
    return [m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if m.inline_keyboard][-1]


async def test_council_date_closes_the_list_ten_days_before(bot, people, clock) -> None:
    clock.set(datetime(2027, 6, 10, 9, 0, tzinfo=UTC))
    await seed.schools(bot.app)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]

    await olga.send_in(staff_chat, "/registry")
    assert "Дата Учёного совета не задана" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    await olga.send_in(staff_chat, "/council 31.02.2027")
    assert "Укажите дату" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    await olga.send_in(staff_chat, "/council 15.10.2027")
    assert "закрывается 05.10.2027" in bot.fake.last_bot_message(STAFF_CHAT_ID).text

    first = await _send_application(bot, people, "МАОУ Гимназия № 5", "Мария")
    second = await _send_application(bot, people, "МБОУ Лицей № 12", "Пётр")
    await olga.press("Одобрить", message=first)
    clock.set(datetime(2027, 10, 6, 9, 0, tzinfo=UTC))  # after the list closed
    await olga.press("Одобрить", message=second)

    await olga.send_in(staff_chat, "/registry")
    registry = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "Список претендентов к Учёному совету 15.10.2027" in registry
    assert (
        "1. МАОУ Гимназия № 5 (Центральный округ) · Заявка на присвоение статуса опорной площадки · 10.06.2027 · одобрено"
        in registry
    )
    assert "Лицей" not in registry
