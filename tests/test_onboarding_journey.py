"""Journeys of issue 2: import → invite → coordinator onboarding, mentors, bad input."""

from __future__ import annotations

import re

from tests.harness import STAFF_CHAT_ID

SCHOOLS_CSV = (
    "\ufeffname;district;address;email;phone;comment\n"
    "МБОУ «СОШ № 1»;Хоринский район;ул. Ленина, 1;school1@example.ru;+7 900 000-00-01;x\n"
    "МАОУ Гимназия № 5;Центральный округ;;gym5@example.ru;\n"
).encode()


def _link_code(text: str) -> str:
    found = re.search(r"https://t\.me/coord_test_bot\?start=([\w-]+)", text)
    assert found, f"no deep link in {text!r}"
    return found.group(1)


async def test_admin_imports_staff_invites_and_coordinator_onboards(bot, people) -> None:
    admin = people("Админ", admin=True)
    staff = people("Ольга", staff=True)
    coordinator = people("Мария")

    schools = bot.fake.world.add_file("schools.csv", SCHOOLS_CSV)
    answer = await admin.send(document=schools)
    assert "Добавлено: 2" in answer

    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await staff.send_in(staff_chat, "/invite координатор Гимназия № 5")
    card = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert "МАОУ Гимназия № 5" in (card.text or "")
    code = _link_code(card.text or "")

    greeting = await coordinator.send(f"/start {code}")
    assert "координатором площадки: МАОУ Гимназия № 5" in greeting
    assert "152-ФЗ" in greeting
    asked = await coordinator.press("Даю согласие")
    assert "Шаг 1 из 2" in asked and "фамилию, имя и отчество" in asked
    asked = await coordinator.send("Иванова Мария Петровна")
    assert "Шаг 2 из 2" in asked
    done = await coordinator.send("Заместитель директора по УВР")
    assert "Вы — координатор площадки: МАОУ Гимназия № 5" in done
    assert "👤 Мой профиль" in coordinator.reply_buttons()

    profile = await coordinator.send("👤 Мой профиль")
    assert "Иванова Мария Петровна" in profile
    assert "Координатор площадки: МАОУ Гимназия № 5" in profile


async def test_school_file_sent_to_the_bot_bad_cases(bot, people) -> None:
    admin = people("Админ", admin=True)
    stranger = people("Посторонний")
    malformed = bot.fake.world.add_file("schools.csv", "город;улица\nА;Б\n".encode())
    assert "нет столбца с названием школы" in await admin.send(document=malformed)
    pdf = bot.fake.world.add_file("schools.pdf", b"%PDF-1.4")
    assert "CSV или XLSX" in await admin.send(document=pdf)
    huge = bot.fake.world.add_file("schools.xlsx", b"PK", size=6 * 1024 * 1024)
    assert "больше 5 МБ" in await admin.send(document=huge)
    good = bot.fake.world.add_file("schools.csv", SCHOOLS_CSV)
    assert "только администраторы" in await stranger.send(document=good)
    async with bot.app.uow_factory() as uow:
        assert list(await uow.schools.all()) == []
    report = await admin.send(document=good)
    assert "Добавлено: 2" in report
    assert "Добавлено: 0, обновлено: 0, без изменений: 2" in await admin.send(document=good)


async def test_staff_invite_command_usage_and_refusals(bot, people) -> None:
    staff = people("Ольга", staff=True)
    outsider = people("Посторонний")
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await staff.send_in(staff_chat, "/invite")
    assert "Как создать приглашение" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    await staff.send_in(staff_chat, "/invite координатор все")
    assert "Список школ пуст" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "только сотрудники" in await outsider.send("/invite координатор 1")
