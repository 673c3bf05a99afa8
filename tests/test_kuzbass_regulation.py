"""Kuzbass (seed 004) beyond the main journey: the regional tutor community as a role (L84) and
targeted professional development at КРИПКиПРО that a coordinator requests (L61, L84)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests import seed, steps
from tests.harness import STAFF_CHAT_ID
from tests.test_preset_kuzbass import DIRECTIONS, LEAD, MEMBER, SEED_SCHOOLS, _button

PRESET = "kuzbass-growth-points"


@pytest.fixture
def programme() -> tuple[str, ...]:
    return (PRESET,)


def _staff_said(bot) -> str:
    return bot.fake.last_bot_message(STAFF_CHAT_ID).text or ""


async def _lead(bot, people):
    """The lead school's coordinator, its network platform founded."""
    await seed.schools(bot.app, [(name.strip(), "") for name, _ in SEED_SCHOOLS])
    lead = people("Ирина")
    await seed.coordinator(bot.app, lead, LEAD)
    await lead.send("/start")
    await seed.network_platform(bot.app, PRESET, LEAD, [(MEMBER, 2021)])
    return lead


async def test_a_regional_tutor_joins_the_community_and_hears_of_the_platforms_events(
    bot, people, clock
) -> None:
    """L84: «Формирование регионального тьюторского сообщества, включенного в систему обеспечения
    непрерывного профессионального мастерства педагогических работников»."""
    clock.set(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    lead = await _lead(bot, people)
    olga = people("Ольга", staff=True)
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "/invite тьютор")
    invitation = _staff_said(bot)
    assert "Приглашение в региональное тьюторское сообщество" in invitation
    assert "всех площадок программы «" in invitation, "one programme, named once in «»"
    code = re.search(r"start=([\w-]+)", invitation)[1]

    tutor = people("Тьютор")
    assert "Вас пригласили в региональное тьюторское сообщество" in await tutor.send(
        f"/start {code}"
    )
    await tutor.press("Даю согласие")
    await tutor.send("Кошкина Вера Сергеевна")
    joined = await tutor.send("Методист")
    assert "Вы — тьютор регионального тьюторского сообщества" in joined
    assert "📝 Заявка" not in tutor.reply_buttons(), "a tutor submits nothing for a school"

    await lead.send("📣 Анонс мероприятия")
    await lead.send("Фестиваль проектов «Точка роста»")
    await lead.press("фестиваль")
    await lead.press(_button(lead.last.text, DIRECTIONS[3]))
    await lead.send("15.12.2026 10:00")
    await lead.send("Центр «Точка роста»")
    await lead.send("Учащиеся 5–9 классов")
    await lead.press("Пропустить")
    await lead.send("Защита проектов на оборудовании центров")
    await lead.press("Отправить")
    clock.set(datetime(2026, 11, 3, 7, 5, tzinfo=UTC))
    seen = len(tutor.messages())
    await steps.tick(bot)
    news = tutor.texts_since(seen)
    assert "Фестиваль проектов «Точка роста»" in news and LEAD in news


@pytest.mark.parametrize("programme", [("omsk-internship",)])
async def test_no_tutor_community_where_the_regulation_has_none(bot, people) -> None:
    olga = people("Ольга", staff=True)
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "/invite тьютор")
    assert "регионального тьюторского сообщества нет" in _staff_said(bot)


async def test_a_coordinator_requests_targeted_training_at_kripkipro(bot, people, clock) -> None:
    """L61: «адресного повышения квалификации на базе КРИПКиПРО по приоритетным направлениям
    развития образовательных центров»; L84: «адресного повышения квалификации в КРИПКиПРО»."""
    clock.set(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    lead = await _lead(bot, people)
    await lead.send("📝 Заявка")
    asked = await lead.press("Заявка на адресное")
    assert "Шаг 1 из 4" in asked and "Направления работы площадки" in asked
    await lead.press(_button(asked, DIRECTIONS[2]))
    await lead.press("Готово")
    await lead.send("Учителя физики и химии центра «Точка роста», 4 человека")
    await lead.send("Работа с цифровыми лабораториями на уроках")
    preview = await lead.send("Октябрь–ноябрь 2027")
    assert "Работа с цифровыми лабораториями на уроках" in preview
    sent = await lead.press("Отправить")
    assert "№ 1" in sent

    card = steps.card(bot, "Заявка № 1")
    for shown in (
        "Заявка на адресное повышение квалификации в КРИПКиПРО",
        LEAD,
        f"Направления: {DIRECTIONS[2]}",
        "Педагоги: Учителя физики и химии центра «Точка роста», 4 человека",
        "Чему научиться: Работа с цифровыми лабораториями на уроках",
        "Удобные сроки: Октябрь–ноябрь 2027",
    ):
        assert shown in card.text, shown
    olga = people("Ольга", staff=True)
    seen = len(lead.messages())
    await olga.press("Одобрить", message=card)
    assert "Одобрено: заявка № 1" in lead.texts_since(seen), "the coordinator hears the decision"
