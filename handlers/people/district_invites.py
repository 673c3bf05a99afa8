"""`/invite консультант <район>`: a link for a consultant of a whole municipal district (LOIRO)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import Message

from handlers.people.invite_links import invite_link
from handlers.ui.render import render
from services.clock import Clock
from services.people import districts
from storage.uow import UnitOfWork

WORDS = frozenset({"консультант", "consultant"})
"""The first word of /invite that asks for a district's consultant."""


async def invite_consultant(
    message: Message,
    needle: str,
    uow: UnitOfWork,
    clock: Clock,
    bot: Bot,
    ttl_days: int,
    zone: ZoneInfo,
) -> None:
    found = await districts.lookup(uow, needle)
    if found.district is None:
        await message.answer(render("district_lookup_failed.html.j2", found=found, needle=needle))
        return
    actor = message.from_user.id if message.from_user else None
    issued = await districts.invite(uow, found.district, actor, clock.now(), ttl_days)
    await message.answer(await invite_link(bot, issued, zone))
