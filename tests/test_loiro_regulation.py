"""LOIRO (seed 003) beyond the main journey: the head of the platform appoints mentors and
curators (4.3), the plan-schedule has the forms of its events (4.6), and the end of the status
is reminded as this regulation has it: no extension, a new application by order (3.2, 3.4)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from services.programmes import statuses
from services.programmes.loader import load_preset
from tests import seed, steps
from tests.test_preset_loiro import LEAD, _schools

PROGRAMME = "loiro-internship"


@pytest.fixture
def programme() -> tuple[str, ...]:
    return (PROGRAMME,)


async def _granted(bot, people, order_on: date, until: date | None = None):
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    application_id = await seed.approved_application(bot.app, LEAD, PROGRAMME)
    async with bot.app.uow_factory() as uow:
        grant = await statuses.record_grant(
            uow, bot.app.programmes, application_id, order_on, 0, bot.clock.now(), until
        )
    assert grant.problem is None
    await maria.send("/start")
    return maria


async def test_the_head_of_the_platform_invites_a_mentor(bot, people, clock) -> None:
    """4.3: руководитель площадки «назначает наставников, кураторов из числа наиболее опытных и
    компетентных сотрудников»."""
    maria = await _granted(bot, people, date(2026, 12, 1))
    assert "👥 Пригласить наставника" in maria.reply_buttons()
    answer = await maria.send("👥 Пригласить наставника")
    assert f"Приглашение наставника школы {LEAD}:" in answer
    code = re.search(r"start=([\w-]+)", answer)[1]
    mentor = people("Куратор")
    assert f"Вас пригласили наставником школы: {LEAD}" in await mentor.send(f"/start {code}")
    await mentor.press("Даю согласие")
    await mentor.send("Кошкина Вера Сергеевна")
    joined = await mentor.send("Учитель русского языка")
    assert f"Вы — наставник школы: {LEAD}" in joined

    await maria.send("📣 Анонс мероприятия")
    await maria.send("Открытый урок")
    await maria.press("практикум")
    await maria.send("20.12.2026 10:00")
    await maria.send("Актовый зал")
    await maria.send("Учителя района")
    await maria.press("Пропустить")
    await maria.send("Урок и его разбор")
    await maria.press("Отправить")
    olga = people("Ольга", staff=True)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия"))
    clock.set(datetime(2026, 12, 19, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Завтра: «Открытый урок»" in mentor.last.text


async def test_the_end_of_the_status_asks_for_a_new_application_not_an_extension(
    bot, people, clock
) -> None:
    """3.2: «на срок до трех лет»; no extension in the seed; 3.4: applications by order;
    3.5: the end of the platform on its grounds."""
    maria = await _granted(bot, people, date(2026, 12, 1), until=date(2028, 8, 31))
    clock.set(datetime(2028, 2, 29, 8, 5, tzinfo=UTC))
    await steps.tick(bot)
    told = maria.last.text
    assert "Статус площадки действует до 31.08.2028" in told
    assert "продлени" not in told.replace("Продления положение не предусматривает", "")
    assert "подайте новую заявку на статус, когда институт объявит приём" in told
    assert "сообщите о прекращении деятельности" in told


async def test_the_application_says_the_regulation_wants_the_rows_of_its_form(bot, people) -> None:
    """3.3: «заявку по форме согласно приложению №2»; прил. 2 gives its seven rows, so the bot
    asks them and wants no file of the application."""
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    await maria.send("/start")
    await maria.send("📝 Заявка")
    intro = await maria.press("Заявка на присвоение")
    assert "По положению (п. 3.3) заявку подают по форме приложения № 2" in intro
    assert "я спрошу по очереди её семь строк" in intro and "Файл заявки не нужен" in intro
    assert "Шаг 1 из 7" in intro


async def test_the_plan_schedule_has_the_form_of_each_event(bot, people, clock) -> None:
    """4.6: деятельность планируется по плану-графику: «комплекс учебных мероприятий на учебный
    год и формы их проведения; список ответственных за реализацию мероприятий; сроки исполнения
    мероприятий»."""
    maria = await _granted(bot, people, date(2026, 12, 1))
    clock.set(datetime(2027, 6, 10, 7, 5, tzinfo=UTC))
    await maria.send("🗓 План на год")
    await maria.press("Добавить мероприятие")
    asked = await maria.send("Управленческая мастерская «Образовательная среда»")
    assert "Форма мероприятия" in asked
    offered = maria.last.text  # the options listed in full above their numbered buttons
    assert all(f". {form}" in offered for form in ("управленческая мастерская", "круглый стол"))
    assert "Выберите вариант кнопкой" in await maria.send("мастерская")
    await maria.press("управленческая мастерская")
    await maria.send("сентябрь 2027")
    await maria.send("Иванова М. П.")
    await maria.press("Готово")
    await maria.press("Пропустить")  # no file
    await maria.press("Отправить")
    card = steps.card(bot, "План на учебный год").text
    shown = "Управленческая мастерская «Образовательная среда» (управленческая мастерская, "
    assert shown + "сентябрь 2027, Иванова М. П.)" in card


def test_forms_and_materials_are_the_regulation_s() -> None:
    """2.2: мастер-классы, виртуальные методические объединения, чат-конференции; ЛОИРО's plan
    (L132–147): лекция, практикум, круглый стол, управленческая мастерская, вебинар; 4.4:
    «разрабатывают учебные и методические материалы»; the plan: методические рекомендации."""
    loiro = load_preset(PROGRAMME)
    assert {
        "мастер-класс",
        "виртуальное методическое объединение",
        "чат-конференция",
        "лекция",
        "практикум",
        "круглый стол",
        "управленческая мастерская",
        "вебинар",
    } <= set(loiro.announcements.forms)
    assert {"учебные материалы", "методические материалы", "методические рекомендации"} <= set(
        loiro.materials.types
    )
