"""Staff keep a network's schools with /network: LOIRO 4.1 networks are not listed in the form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import seed
from tests.harness import STAFF_CHAT_ID

LEAD, MEMBER, OTHER = "МАОУ Гимназия № 5", "МБОУ Лицей № 12", "МБОУ «СОШ № 1»"


@pytest.fixture
def programme() -> tuple[str, ...]:
    return ("loiro-internship",)


async def _granted(bot, people):
    """4.1: «может быть организована на базе одной или нескольких образовательных организаций»."""
    await seed.schools(bot.app)
    lead, member = people("Мария"), people("Анна")
    await seed.coordinator(bot.app, lead, LEAD)
    await seed.coordinator(bot.app, member, MEMBER)
    olga = people("Ольга", staff=True)
    number = await seed.approved_application(bot.app, LEAD, "loiro-internship")
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], f"/granted {number} 20.11.2026")
    return lead, member, olga


def _last(bot) -> str:
    return bot.fake.last_bot_message(STAFF_CHAT_ID).text


async def test_staff_add_a_school_to_the_network_and_the_lead_reports_for_it(
    bot, people, clock
) -> None:
    lead, member, olga = await _granted(bot, people)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    assert "Площадка № 1: её школы — /network 1." in _last(bot)

    await olga.send_in(staff_chat, f"/network 1 + {MEMBER} 2025")
    shown = _last(bot)
    assert f"Школа «{MEMBER}» добавлена в сеть." in shown
    assert f"• {LEAD} (с 2026) — ведущая" in shown and f"• {MEMBER} (с 2025)" in shown
    await olga.send_in(staff_chat, f"/network 1 + {MEMBER}")
    assert f"Школа «{MEMBER}» уже в сети." in _last(bot)

    clock.set(datetime(2027, 6, 10, 9, 0, tzinfo=UTC))
    told = await member.send("📊 Отчёт")
    assert f"Это подаёт ведущая школа сети — {LEAD}" in told
    intro = await lead.send("📊 Отчёт")
    assert "Приём открыт до 30.06.2027" in intro

    await olga.send_in(staff_chat, f"/network 1 - {MEMBER}")
    assert f"Школа «{MEMBER}» исключена из сети." in _last(bot)
    assert "Это подаёт ведущая школа" not in await member.send("📊 Отчёт")


async def test_network_refuses_what_cannot_be_done(bot, people) -> None:
    lead, _, olga = await _granted(bot, people)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await olga.send_in(staff_chat, f"/network 1 - {LEAD}")
    assert "ведущая школа площадки: её нельзя исключить" in _last(bot)
    await olga.send_in(staff_chat, f"/network 1 - {OTHER}")
    assert f"Школы {OTHER} нет в этой сети." in _last(bot)
    await olga.send_in(staff_chat, "/network 7")
    assert "Площадки № 7 нет." in _last(bot)
    await olga.send_in(staff_chat, f"/network 1 + {OTHER} 2099")
    assert "Год вступления — четыре цифры, не позже 2026." in _last(bot)
    await olga.send_in(staff_chat, "/network 1 + Атлантида")
    assert "не найдена" in _last(bot)
    await olga.send_in(staff_chat, "/network")
    assert "/network 3 + МБОУ Лицей № 12 2021" in _last(bot)
    refused = await lead.send(f"/network 1 + {OTHER}")
    assert "Эта команда — для сотрудников института." in refused
    async with bot.app.uow_factory() as uow:
        platform = await uow.platforms.get(1)
        assert platform is not None and len(platform.members) == 1
