"""Groups: the staff group is served; any other group hears how to become it when the bot is
added and when someone gives a command there; other messages get silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated, Message

from handlers.context import Ctx
from handlers.ui.render import render
from services.people import groups

_GROUPS = {"group", "supergroup"}
_PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR}


async def on_added(event: ChatMemberUpdated, ctx: Ctx) -> None:
    if event.new_chat_member.status not in _PRESENT or event.old_chat_member.status in _PRESENT:
        return
    chat = event.chat
    if chat.id == ctx.staff_chat_id:
        await event.answer(render("staff_group_ready.html.j2"))
        return
    if await groups.first_time(ctx.uow, chat.id, chat.title or ""):
        await event.answer(render("group_setup.html.j2", chat_id=chat.id))


async def on_command(message: Message) -> None:
    """A command in a group that is not the staff group: how to make it the staff group."""
    await message.answer(render("group_setup.html.j2", chat_id=message.chat.id, command=True))


async def ignore(message: Message) -> None:
    """Messages in groups other than the staff group are not the bot's business."""


def setup(staff_chat_id: int | None) -> Router:
    router = Router(name="groups")
    router.my_chat_member.register(on_added, F.chat.type.in_(_GROUPS))
    elsewhere = (F.chat.type.in_(_GROUPS), F.chat.id != staff_chat_id)
    router.message.register(on_command, *elsewhere, F.text.startswith("/"))
    router.message.register(ignore, *elsewhere)
    router.message.register(ignore, F.chat.type == "channel")
    return router
