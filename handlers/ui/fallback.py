"""The last routers: every message and button press gets an answer, whatever it was."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.ui.dialogs import ask_again
from handlers.ui.menu import show_menu


async def command_in_dialog(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """A command the dialog does not know must not be taken as the answer to its question."""
    await message.answer(
        _(
            "Сейчас идёт заполнение анкеты. Ответьте на вопрос ниже или наберите /cancel, чтобы выйти."
        )
    )
    await ask_again(message, state, ctx)


async def in_dialog(message: Message, state: FSMContext, ctx: Ctx) -> None:
    if message.text is None:
        await message.answer(_("Здесь нужен ответ текстом."))
    else:
        await message.answer(_("Не понял ответ."))
    await ask_again(message, state, ctx)


async def outside_dialog(message: Message, ctx: Ctx) -> None:
    roles = await ctx.roles()
    if message.text and message.text.startswith("/"):
        text = _("Такой команды нет. Список команд — /help.")
    elif message.document is not None:
        text = _("Файлы я принимаю только внутри анкеты. Выберите действие в меню.")
    else:
        text = _("Я не понял сообщение. Выберите действие в меню или наберите /help.")
    await show_menu(message, roles, intro=text)


async def in_staff_chat(message: Message) -> None:
    """Staff talk among themselves in their group: only unknown commands get a hint."""
    if message.text and message.text.startswith("/"):
        await message.answer(_("Такой команды нет. Список команд — /help."))


async def edited(message: Message) -> None:
    """An edit of a message already answered changes nothing: say so, in a private chat."""
    await message.answer(
        _("Исправленное сообщение я не перечитываю. Пришлите ответ новым сообщением.")
    )


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(
        _("Эта кнопка уже не действует. Откройте меню заново: /start."), show_alert=True
    )


def commands_in_dialog() -> Router:
    """Registered before the dialogs: any command but /start mid-form is not an answer."""
    router = Router(name="commands-in-dialog")
    router.message.register(
        command_in_dialog,
        F.chat.type == "private",
        ~StateFilter(None),
        F.text.regexp(r"^/(?!start(?:\s|@|$))"),
    )
    return router


def setup() -> Router:
    router = Router(name="fallback")
    private = F.chat.type == "private"
    router.message.register(in_dialog, private, ~StateFilter(None))
    router.message.register(outside_dialog, private)
    router.message.register(in_staff_chat)
    router.edited_message.register(edited, private)
    router.callback_query.register(stale_button)
    return router
