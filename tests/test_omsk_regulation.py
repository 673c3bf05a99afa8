"""Omsk (seed 002) beyond the main journey: a network in the application (2.3.1), a status for
less than three years (2.1.5 «на срок до 3-х лет»), monitoring results made public (3.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.programmes.loader import load_preset
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID
from tests.test_preset_omsk import (
    GYMNASIUM,
    LYCEUM,
    _apply,
    _conclude,
    _coordinator,
    _granted_platform,
)

CRITERIA_MET = ["✅ Соответствует"] * 3


@pytest.fixture
def programme() -> tuple[str, ...]:
    return ("omsk-internship",)


def _staff_said(bot) -> str:
    return bot.fake.last_bot_message(STAFF_CHAT_ID).text or ""


async def test_network_application_and_a_shorter_term(bot, people, clock) -> None:
    """2.3.1: «Стажировочная площадка может быть организована на базе одного или нескольких
    образовательных учреждений, объединенных единой темой, в форме сетевого взаимодействия.»
    2.1.5: «Статус ... присваивается ... на срок до 3-х лет»."""
    maria = await _coordinator(bot, people)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await _apply(bot, maria, network=("Лицей № 64",))
    card = steps.card(bot, "Заявка № 1")
    assert "Школы сети:" in card.text and f"{LYCEUM} (с 2026)" in card.text
    await _conclude(bot, olga, card, CRITERIA_MET, "Рекомендовать к присвоению статуса")
    await olga.press("Одобрить", message=bot.fake.message(STAFF_CHAT_ID, card.message_id))

    await olga.send_in(staff_chat, "/granted 1 01.12.2026 до 01.01.2030")
    assert "не дольше, чем до 01.12.2029" in _staff_said(bot)
    await olga.send_in(staff_chat, "/granted 1 01.12.2026 до 01.11.2026")
    assert "позже даты приказа" in _staff_said(bot)
    await olga.send_in(staff_chat, "/granted 1 01.12.2026 через год")
    assert "добавьте последний день" in _staff_said(bot)
    await olga.send_in(staff_chat, "/granted 1 01.12.2026 до 31.08.2028")
    granted = _staff_said(bot)
    assert "Действует до 31.08.2028" in granted
    assert f"Сетевая площадка, школы сети:\n• {LYCEUM}" in granted
    async with bot.app.uow_factory() as uow:
        [platform] = await uow.platforms.of_programme("omsk-internship")
    assert {m.school.name for m in platform.members} == {GYMNASIUM, LYCEUM}

    # Six months before the shorter term ends, not the three years.
    clock.set(datetime(2028, 2, 29, 8, 5, tzinfo=UTC))
    await steps.tick(bot)
    told = maria.last.text
    assert "Статус площадки действует до 31.08.2028" in told
    assert "Продления положение не предусматривает" in told and "новую заявку" in told
    assert "сообщите о прекращении деятельности" in told


async def test_a_term_in_years(bot, people) -> None:
    await _coordinator(bot, people)
    olga = people("Ольга", staff=True)
    number = await seed.approved_application(
        bot.app, GYMNASIUM, "omsk-internship", {"topic": "Наставничество"}
    )
    await olga.send_in(
        bot.fake.world.chats[STAFF_CHAT_ID], f"/granted {number} 01.09.2026 на 2 года"
    )
    assert "Действует до 01.09.2028" in _staff_said(bot)


async def test_monitoring_results_are_given_in_a_public_form(bot, people, clock) -> None:
    """3.2: «Публичность (открытость) информации о результатах мониторинга мероприятий
    стажировочной площадки обеспечивается размещением оперативной информации на сайте
    департамента образования <http://www.omsk.edu.ru>.»"""
    await _coordinator(bot, people)
    await _granted_platform(bot, GYMNASIUM, "Наставничество", date(2025, 11, 1))
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    clock.set(datetime(2027, 6, 20, 7, 0, tzinfo=UTC))
    before = len(bot.fake.bot_messages(STAFF_CHAT_ID))
    await olga.send_in(staff_chat, "/indicators public")
    note, public = [m.text for m in bot.fake.bot_messages(STAFF_CHAT_ID)[before:]]
    assert "сайт департамента образования http://www.omsk.edu.ru" in note
    assert "Результаты мониторинга: Муниципальная стажировочная площадка" in public
    assert "По состоянию на 20.06.2027" in public
    assert "Кировский АО — 1" in public and "Центральный АО — 0" in public
    assert "0% площадок (0 из 1) за 2026/2027 учебный год" in public
    assert "Наставничество" not in public and "отчёт" not in public, "no names, no states"

    maria = people("Мария")
    await seed.coordinator(bot.app, maria, GYMNASIUM)
    assert "для сотрудников" in await maria.send("/indicators public")


@pytest.mark.parametrize("programme", [("kuzbass-growth-points",)])
async def test_no_public_form_where_the_regulation_names_no_place(bot, people) -> None:
    olga = people("Ольга", staff=True)
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "/indicators public")
    assert "не говорят, где публиковать" in _staff_said(bot)


async def test_the_application_says_the_regulation_wants_the_form_as_a_file(bot, people) -> None:
    """2.1.6: «заявку по определенной форме (Приложение 1); программу стажировочной площадки в
    печатном и электронном виде (Приложение 2)». The form is not in the text: the bot takes it as
    a file, says so, and does not ask its contents typed as well."""
    maria = await _coordinator(bot, people)
    await maria.send("📝 Заявка")
    intro = await maria.press("Заявка на присвоение")
    assert "По положению (п. 2.1.6) заявку подают по определённой форме — Приложение 1" in intro
    assert "её я попрошу файлом и её содержание не переспрашиваю" in intro
    assert "Шаг 1 из 4" in intro and "Тема (направление) работы площадки" in intro
    await maria.send("Наставничество")
    asked = await maria.press("Пропустить")
    assert "Шаг 3 из 4" in asked and "Заявка по определённой форме (Приложение 1)" in asked
    await maria.send(document=steps.pdf(bot, "zayavka.pdf"))
    await maria.press("Готово")
    await maria.send(document=steps.pdf(bot, "programma.pdf"))
    preview = await maria.press("Готово")
    assert "Юридический адрес" not in preview and "Контакты" not in preview


def test_forms_and_materials_are_the_regulation_s() -> None:
    """2.2.3: «семинары, конференции, видеоконференции, вебинары»; 2.2.2: «научно-методических
    и методических разработок»; 2.2.3: «нормативные, методические, информационные материалы»."""
    omsk = load_preset("omsk-internship")
    assert {"семинар", "конференция", "видеоконференция", "вебинар"} <= set(
        omsk.announcements.forms
    )
    assert {
        "методическая разработка",
        "научно-методическая разработка",
        "нормативный документ",
        "информационный материал",
    } <= set(omsk.materials.types)
