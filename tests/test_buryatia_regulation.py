"""Buryatia (seed 001) beyond the main journey: what staff see of the programme passport — the
developers (L7), the grounds (L10), the executors (L58), the base of the platform with the
equipment and staff of each school (L135–157) and each indicator with its measurer and
responsible person (L413–491)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import steps
from tests.test_preset_buryatia import LEAD, PRESET, _apply, _network_people


@pytest.fixture
def programme() -> tuple[str, ...]:
    return (PRESET,)


async def test_the_card_shows_every_row_of_the_passport(bot, people, clock) -> None:
    clock.set(datetime(2020, 8, 24, 6, 0, tzinfo=UTC))
    lead, _member = await _network_people(bot, people)
    await _apply(bot, lead)
    await lead.press("Отправить")
    card = steps.card(bot, "Заявка № 1").text
    for shown in (
        "Разработчики программы: Завучи по НМР Соболевская М. М., Лубсанова Д. Д.",
        "Основания для разработки: Закон № 273-ФЗ «Об образовании в Российской Федерации»; "
        "приказ Минобрнауки № 2",
        "Исполнители программы: Учителя ХСОШ №2, учителя ОО ЦОО №2",
        "1. МАОУ ХСОШ № 2: компьютерный класс, мобильный класс, интерактивные доски, проекторы "
        "— учителя МАОУ «Хоринская СОШ №2»",
        "2. МБОУ «Георгиевская СОШ»: интерактивные доски, проекторы — учителя школы",
        "1. Доля уроков с использованием ЭОР — не менее 50 % (измеритель: анализ уроков; "
        "ответственный: завучи по НМР)",
        "(измеритель: аналитическая справка; ответственный: руководители творческих групп)",
    ):
        assert shown in card, shown
    assert LEAD in card
