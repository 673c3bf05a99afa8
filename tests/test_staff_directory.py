"""Staff are members of the staff group (asked with getChatMember, cached briefly) and admins."""

from __future__ import annotations

from bot.staff import StaffDirectory
from tests.harness import ADMIN_ID, STAFF_CHAT_ID


async def test_membership_is_asked_once_per_cache_period(bot, people) -> None:
    now = [0.0]
    directory = StaffDirectory(
        bot.app.bot, STAFF_CHAT_ID, frozenset({ADMIN_ID}), 60, clock=lambda: now[0]
    )
    olga = people("Ольга", staff=True)
    guest = people("Гость")

    assert await directory.is_staff(olga.id)
    assert await directory.is_staff(olga.id)
    assert not await directory.is_staff(guest.id)
    assert len(bot.fake.calls_of("getChatMember")) == 2

    bot.fake.world.set_member(STAFF_CHAT_ID, olga.id, "left")
    assert await directory.is_staff(olga.id), "cached for a minute"
    now[0] = 61
    assert not await directory.is_staff(olga.id)

    assert await directory.is_staff(ADMIN_ID)
    assert len(bot.fake.calls_of("getChatMember")) == 3, "admins need no call"


async def test_without_staff_group_only_admins_are_staff(bot) -> None:
    directory = StaffDirectory(bot.app.bot, None, frozenset({ADMIN_ID}), 60)
    assert await directory.is_staff(ADMIN_ID)
    assert not await directory.is_staff(1234)
    assert bot.fake.calls_of("getChatMember") == []
