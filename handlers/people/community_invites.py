"""`/invite тьютор`: a link into the regional tutor community (Kuzbass, L84)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.people.invite_links import invite_link
from services.people import community

WORDS = frozenset({"тьютор", "tutor"})
"""The first word of /invite that asks for a member of the regional tutor community."""


async def invite_tutor(message: Message, bot: Bot, ctx: Ctx) -> None:
    actor = message.from_user.id if message.from_user else None
    issued = await community.invite(
        ctx.uow, ctx.programmes, actor, ctx.clock.now(), ctx.invite_ttl_days
    )
    if issued is None:
        await message.answer(
            _(
                "В положениях, по которым я работаю, регионального тьюторского сообщества нет. "
                "Тьютора площадки приглашает её координатор."
            )
        )
        return
    await message.answer(await invite_link(bot, issued, ctx.zone))
