"""Commands that work everywhere and at any step: /help, /cancel, /language, Back, Cancel."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.ui.dialogs import CDNav, NavAct, ask_again, go_back
from handlers.ui.menu import BUTTON_HELP, BUTTON_LANGUAGE, BUTTON_PROFILE, show_menu
from handlers.ui.render import render
from services.people import languages


class CDLanguage(CallbackData, prefix="lang"):
    code: str


def _is_staff_chat(message: Message, staff_chat_id: int | None) -> bool:
    return staff_chat_id is not None and message.chat.id == staff_chat_id


async def cmd_help(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    in_staff_chat = _is_staff_chat(message, ctx.staff_chat_id)
    await message.answer(render("help.html.j2", roles=roles, in_staff_chat=in_staff_chat))
    if message.chat.type == "private":
        await ask_again(message, state, ctx)


async def cmd_cancel(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    had_dialog = await state.get_state() is not None
    await state.clear()
    if message.chat.type != "private":
        await message.answer(_("Отменено.") if had_dialog else _("Отменять нечего."))
        return
    text = (
        _("Отменено. Вы в главном меню.")
        if had_dialog
        else _("Отменять нечего: вы в главном меню.")
    )
    await show_menu(message, roles, intro=text)


async def cmd_language(message: Message) -> None:
    await message.answer(
        _("Выберите язык / Choose the language:"),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text="Русский", callback_data=CDLanguage(code="ru").pack()
                    ),
                    InlineKeyboardButton(
                        text="English", callback_data=CDLanguage(code="en").pack()
                    ),
                ]
            ]
        ),
    )


async def on_language(
    query: CallbackQuery,
    callback_data: CDLanguage,
    i18n: I18n,
    state: FSMContext,
    ctx: Ctx,
) -> None:
    roles = await ctx.roles()
    if callback_data.code not in languages.SUPPORTED:
        await query.answer(_("Такого языка нет."), show_alert=True)
        return
    await languages.choose(ctx.uow, query.from_user.id, callback_data.code)
    with i18n.use_locale(callback_data.code):
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(_("Язык: русский."))
            # The menu's buttons change language too, question pending or not.
            await show_menu(query.message, roles, intro=_("Готово. Меню обновлено."))
            await ask_again(query.message, state, ctx)


async def _step_of(query: CallbackQuery, state: FSMContext) -> Message | None:
    """The message of a pending step's Back or Cancel, its buttons taken off; None if no step."""
    message = query.message
    if not isinstance(message, Message) or await state.get_state() is None:
        await query.answer(_("Этот шаг уже завершён."))
        return None
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    return message


async def on_back(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """Back to the step before; where there is none, Back leaves the dialog like Cancel."""
    if (message := await _step_of(query, state)) is None:
        return
    if not await go_back(message, state, ctx):
        await _leave(message, state, ctx)


async def on_cancel(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (message := await _step_of(query, state)) is not None:
        await _leave(message, state, ctx)


async def _leave(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await state.clear()
    await show_menu(message, await ctx.roles(), intro=_("Отменено. Вы в главном меню."))


async def on_profile(message: Message, ctx: Ctx) -> None:
    person = await ctx.person()
    roles = await ctx.roles()
    await message.answer(render("profile.html.j2", person=person, roles=roles))


def setup() -> Router:
    router = Router(name="common")
    router.message.register(cmd_cancel, Command("cancel"), StateFilter("*"))
    router.message.register(cmd_help, Command("help"), StateFilter("*"))
    router.message.register(cmd_language, Command("language"), F.chat.type == "private")
    router.callback_query.register(on_language, CDLanguage.filter())
    any_step = StateFilter("*")
    router.callback_query.register(on_back, CDNav.filter(F.action == NavAct.BACK), any_step)
    router.callback_query.register(on_cancel, CDNav.filter(F.action == NavAct.CANCEL), any_step)
    private = F.chat.type == "private"
    router.message.register(cmd_help, private, F.text == BUTTON_HELP)
    router.message.register(cmd_language, private, F.text == BUTTON_LANGUAGE)
    router.message.register(on_profile, private, F.text == BUTTON_PROFILE, StateFilter(None))
    return router
