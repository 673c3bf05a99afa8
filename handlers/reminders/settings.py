"""/settings: optional reminders on or off (deadline reminders cannot be switched off)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.ui.render import render
from services.reminders import muting


class CDMute(CallbackData, prefix="mute"):
    on: bool


def _view(is_muted: bool) -> tuple[str, InlineKeyboardMarkup]:
    label = _("🔔 Включить необязательные") if is_muted else _("🔕 Выключить необязательные")
    button = InlineKeyboardButton(text=label, callback_data=CDMute(on=not is_muted).pack())
    return render("settings.html.j2", muted=is_muted), InlineKeyboardMarkup(
        inline_keyboard=[[button]]
    )


async def cmd_settings(message: Message, ctx: Ctx) -> None:
    text, markup = _view(await muting.muted(ctx.uow, message.chat.id))
    await message.answer(text, reply_markup=markup)


async def on_toggle(query: CallbackQuery, callback_data: CDMute, ctx: Ctx) -> None:
    await muting.set_muted(ctx.uow, query.from_user.id, callback_data.on)
    await query.answer(_("Сохранено."))
    if isinstance(query.message, Message):
        text, markup = _view(callback_data.on)
        await query.message.edit_text(text, reply_markup=markup)


def setup() -> Router:
    router = Router(name="settings")
    router.message.register(
        cmd_settings, Command("settings"), F.chat.type == "private", StateFilter("*")
    )
    router.callback_query.register(on_toggle, CDMute.filter())
    return router
