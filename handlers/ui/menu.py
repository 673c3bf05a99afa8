"""Main menus per role (reply keyboards) and the commands Telegram shows per chat scope."""

from __future__ import annotations

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from handlers.ui.render import render
from services.people.roles import MenuKind, Roles

BUTTON_APPLICATION = __("📝 Заявка")
BUTTON_ANNOUNCEMENT = __("📣 Анонс мероприятия")
BUTTON_REPORT = __("📊 Отчёт")
BUTTON_PLAN = __("🗓 План на год")
BUTTON_MATERIALS = __("📚 Материалы")
BUTTON_MY_SUBMISSIONS = __("📂 Мои документы")
BUTTON_MY_SUBMISSIONS_BEFORE = __("📂 Мои заявки")
"""The label before it listed reports and materials too: old reply keyboards still send it."""
BUTTON_PROFILE = __("👤 Мой профиль")
BUTTON_HELP = __("❓ Помощь")
BUTTON_REQUEST_ACCESS = __("🔑 Запросить доступ")
BUTTON_LANGUAGE = __("🌐 Язык")
BUTTON_INVITE_MENTOR = {
    "наставник": __("👥 Пригласить наставника"),
    "тьютор": __("👥 Пригласить тьютора"),
}
"""By what the programme calls a mentor (`roles.mentor_title`)."""


MENU_BUTTONS = (
    BUTTON_APPLICATION,
    BUTTON_ANNOUNCEMENT,
    BUTTON_REPORT,
    BUTTON_PLAN,
    BUTTON_MATERIALS,
    BUTTON_MY_SUBMISSIONS,
    BUTTON_MY_SUBMISSIONS_BEFORE,
    BUTTON_PROFILE,
    BUTTON_HELP,
    BUTTON_REQUEST_ACCESS,
    BUTTON_LANGUAGE,
    *BUTTON_INVITE_MENTOR.values(),
)


def menu_labels(i18n: I18n) -> frozenset[str]:
    """Every label of the menu's buttons, in every language: a press is never an answer."""
    labels: set[str] = set()
    for language in i18n.available_locales:
        with i18n.context(), i18n.use_locale(language):
            labels.update(str(label) for label in MENU_BUTTONS)
    return frozenset(labels)


class CDAccessStart(CallbackData, prefix="acc"):
    pass


def request_access_keyboard() -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=str(BUTTON_REQUEST_ACCESS), callback_data=CDAccessStart().pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def _key(label: object) -> KeyboardButton:
    return KeyboardButton(text=str(label))


def menu_keyboard(roles: Roles) -> ReplyKeyboardMarkup:
    if roles.menu is MenuKind.GUEST:
        rows = [[KeyboardButton(text=str(BUTTON_REQUEST_ACCESS))]]
    elif roles.menu is MenuKind.STAFF:
        rows = []
    elif roles.menu is MenuKind.COORDINATOR:
        rows = [
            [_key(BUTTON_APPLICATION), _key(BUTTON_ANNOUNCEMENT)],
            [_key(BUTTON_REPORT), _key(BUTTON_PLAN)],
            [_key(BUTTON_MATERIALS), _key(BUTTON_MY_SUBMISSIONS)],
            [_key(BUTTON_PROFILE)],
        ]
        if roles.appoints_mentors:
            rows[-1].append(_key(BUTTON_INVITE_MENTOR[roles.mentor_title]))
    else:
        rows = [[_key(BUTTON_MY_SUBMISSIONS), _key(BUTTON_PROFILE)]]
    rows.append([KeyboardButton(text=str(BUTTON_HELP)), KeyboardButton(text=str(BUTTON_LANGUAGE))])
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


async def show_menu(message: Message, roles: Roles, intro: str | None = None) -> None:
    text = intro or render("menu.html.j2", roles=roles)
    await message.answer(text, reply_markup=menu_keyboard(roles))


def _private_commands() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Главное меню")),
        BotCommand(command="help", description=_("Что умеет бот")),
        BotCommand(command="cancel", description=_("Выйти из текущего шага")),
        BotCommand(command="language", description=_("Язык: русский / English")),
        BotCommand(command="settings", description=_("Напоминания: включить или выключить")),
        BotCommand(command="calendar", description=_("Календарь мероприятий (ICS)")),
        BotCommand(command="export", description=_("Заявки за период (XLSX)")),
    ]


def _staff_commands(indicators: bool = False) -> list[BotCommand]:
    commands = [
        BotCommand(command="help", description=_("Что умеет бот в этой группе")),
        BotCommand(command="pending", description=_("Что ждёт решения")),
        BotCommand(command="history", description=_("История заявки по номеру")),
        BotCommand(command="council", description=_("Дата Учёного совета; список к нему файлами")),
        BotCommand(command="registry", description=_("Реестр площадок и претенденты к совету")),
        BotCommand(command="granted", description=_("Записать приказ о присвоении статуса")),
        BotCommand(command="certificate", description=_("Записать публикацию свидетельства")),
        BotCommand(command="window", description=_("Приём заявок по распоряжению")),
        BotCommand(command="network", description=_("Школы сетевой площадки")),
        BotCommand(command="invite", description=_("Ссылка-приглашение для школы")),
        BotCommand(command="export", description=_("Заявки или журнал действий за период (XLSX)")),
        BotCommand(command="stats", description=_("Статистика заявок (график)")),
        BotCommand(command="audit", description=_("Кто что делал с заявкой")),
        BotCommand(command="calendar", description=_("Календарь мероприятий (ICS)")),
        BotCommand(command="cancel", description=_("Отменить текущее действие")),
    ]
    if indicators:
        shown = BotCommand(command="indicators", description=_("Показатели мониторинга площадок"))
        commands.insert(-1, shown)
    return commands


async def publish_commands(
    bot: Bot, i18n: I18n, staff_chat_id: int | None, indicators: bool = False
) -> None:
    """Russian by default, English for English clients; staff group gets its own list.

    `indicators`: a programme run defines monitoring indicators, so /indicators is listed.
    """
    for language in (None, "en"):
        with i18n.context(), i18n.use_locale(language or "ru"):
            await bot.set_my_commands(
                _private_commands(), scope=BotCommandScopeAllPrivateChats(), language_code=language
            )
            if staff_chat_id is not None:
                await bot.set_my_commands(
                    _staff_commands(indicators),
                    scope=BotCommandScopeChat(chat_id=staff_chat_id),
                    language_code=language,
                )
