"""What every dialog step shares: the question it asks, Back/Cancel buttons, re-asking.

Each step registers how it asks its question, so an answer of the wrong kind (a sticker where
text was asked, a command mid-form) and a resumed dialog can put the same question again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.ui.errors import explain_invalid
from services.validation import InvalidInputError

EXPIRES_AT = "expires_at"
"""Dialog data key: when a question that nobody asked for (a reminder's) stops waiting."""

Ask = Callable[[Message, FSMContext, Ctx], Awaitable[None]]

_QUESTIONS: dict[str, Ask] = {}
_PREVIOUS: dict[str, State] = {}


class NavAct(StrEnum):
    BACK = "back"
    CANCEL = "cancel"


class CDNav(CallbackData, prefix="nav"):
    """Back and Cancel of any dialog step (`handlers.ui.common` serves them); data with
    another action does not unpack, matches no handler and gets the fallback's short answer."""

    action: NavAct


def expired(data: Mapping[str, Any], now: datetime) -> bool:
    """Whether the question the dialog data belongs to has stopped waiting for an answer."""
    until = data.get(EXPIRES_AT)
    return isinstance(until, str) and datetime.fromisoformat(until) <= now


def expiring(now: datetime, after: timedelta) -> dict[str, str]:
    """Dialog data for a question that stops waiting `after` from `now`."""
    return {EXPIRES_AT: (now + after).isoformat()}


def question(state: State, back: State | None = None) -> Callable[[Ask], Ask]:
    """Register how `state` asks its question; `back` is where "Назад" leads from it."""

    def register(ask: Ask) -> Ask:
        _QUESTIONS[str(state.state)] = ask
        if back is not None:
            _PREVIOUS[str(state.state)] = back
        return ask

    return register


async def go_back(message: Message, state: FSMContext, ctx: Ctx) -> bool:
    """Return to the previous step and ask it again; False where there is no way back."""
    previous = _PREVIOUS.get(await state.get_state() or "")
    if previous is None:
        return False
    await state.set_state(previous)
    return await ask_again(message, state, ctx)


async def ask_again(message: Message, state: FSMContext, ctx: Ctx) -> bool:
    """Put the current step's question again; False if the person is not in a dialog."""
    current = await state.get_state()
    ask = _QUESTIONS.get(current or "")
    if ask is None:
        return False
    await ask(message, state, ctx)
    return True


def nav_row(back: bool = True) -> list[InlineKeyboardButton]:
    row = []
    if back:
        row.append(
            InlineKeyboardButton(text=_("◀️ Назад"), callback_data=CDNav(action=NavAct.BACK).pack())
        )
    row.append(
        InlineKeyboardButton(text=_("✖️ Отмена"), callback_data=CDNav(action=NavAct.CANCEL).pack())
    )
    return row


def nav_keyboard(back: bool = True) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[nav_row(back)])


async def take_text(
    message: Message, state: FSMContext, ctx: Ctx, check: Callable[[str], str], what: str
) -> str | None:
    """The answer as `check` accepts it, or None after saying what is wrong and asking again."""
    try:
        return check(message.text or "")
    except InvalidInputError as error:
        await message.answer(explain_invalid(error, what))
        await ask_again(message, state, ctx)
        return None
