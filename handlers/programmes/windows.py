"""`/window`: staff open and close the windows a regulation leaves to an order (LOIRO 3.4).

`/window` shows them; `/window open [ДД.ММ.ГГГГ]` opens one today (until the last day the
order names); `/window close` closes it. With several such windows, buttons ask which one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from aiogram import F, Router, html
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from pydantic import Field

from handlers.context import Ctx, Staff
from handlers.ui.buttons import labelled, with_listing
from handlers.ui.render import render
from handlers.ui.staff import refuse_commands, staff_or_refuse
from services import calendar
from services.programmes import windows
from services.programmes.windows import StaffWindow, WindowState

_DATE_LIKE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")


class WindowAct(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    CANCEL = "cancel"


_ACTIONS = {
    "open": WindowAct.OPEN,
    "открыть": WindowAct.OPEN,
    "close": WindowAct.CLOSE,
    "закрыть": WindowAct.CLOSE,
}


class CDWindow(CallbackData, prefix="win"):
    action: WindowAct
    n: int
    """The window's place in `services.programmes.windows.staff_windows`; checked when pressed
    (not bounded here: the randomised journeys forge `n=-1` with the validating constructor)."""
    until: str = Field(default="", pattern=r"^(\d{8})?$")
    """The last day for "open", as YYYYMMDD."""


@dataclass(frozen=True)
class Request:
    action: WindowAct
    last_day: date | None
    programme: str | None


class RequestError(ValueError):
    """What staff typed cannot be understood; the message says why."""


def _parse(words: list[str], known: set[str]) -> Request:
    action = _ACTIONS.get(words[0].casefold())
    if action is None:
        raise RequestError(render("window_usage.html.j2"))
    last_day: date | None = None
    programme: str | None = None
    for word in words[1:]:
        if _DATE_LIKE.match(word):
            try:
                last_day = datetime.strptime(word, "%d.%m.%Y").date()
            except ValueError as error:
                raise RequestError(
                    _("Не понял дату «{word}». Напишите последний день так: 31.01.2027.").format(
                        word=html.quote(word)
                    )
                ) from error
        elif word in known:
            programme = word
        else:
            raise RequestError(
                _(
                    "Не понял «{word}». После open можно указать последний день (31.01.2027) и программу: {known}."
                ).format(word=html.quote(word), known=", ".join(sorted(known)))
            )
    if action is WindowAct.CLOSE and last_day is not None:
        raise RequestError(_("Закрывается приём без даты: /window close."))
    return Request(action, last_day, programme)


def _today(ctx: Ctx) -> date:
    return calendar.local_date(ctx.clock.now(), ctx.zone)


async def cmd_window(message: Message, command: CommandObject, ctx: Ctx) -> None:
    targets = windows.staff_windows(ctx.programmes)
    if not targets:
        await message.answer(
            _(
                "В положениях, по которым я работаю, все сроки заданы датами: открывать приём "
                "командой не нужно."
            )
        )
        return
    words = (command.args or "").split()
    today = _today(ctx)
    if not words:
        found = await windows.statuses(ctx.uow, targets, today)
        await message.answer(render("window_status.html.j2", items=found))
        return
    try:
        request = _parse(words, {t.programme.id for t in targets})
    except RequestError as error:
        await message.answer(str(error))
        return
    if request.last_day is not None and request.last_day < today:
        await message.answer(_("Этот день уже прошёл. Укажите сегодняшний или будущий день."))
        return
    chosen = [
        (n, t)
        for n, t in enumerate(targets)
        if request.programme is None or t.programme.id == request.programme
    ]
    if request.action is WindowAct.CLOSE:
        found = await windows.statuses(ctx.uow, [t for _, t in chosen], today)
        chosen = [
            pair for pair, item in zip(chosen, found, strict=True) if item.state is WindowState.OPEN
        ]
        if not chosen:
            await message.answer(_("Открытого приёма сейчас нет: закрывать нечего."))
            return
    until = request.last_day.strftime("%Y%m%d") if request.last_day else ""
    if len(chosen) == 1:
        target = chosen[0][1]
        await message.answer(await _apply(ctx, target, request.action, request.last_day, message))
        return
    text, markup = window_choice(chosen, request.action, until)
    await message.answer(text, reply_markup=markup)


def window_choice(
    chosen: Sequence[tuple[int, StaffWindow]], action: WindowAct, until: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Which window to open or close, when the command fits several."""
    shown = labelled([_label(target) for _n, target in chosen])
    text = with_listing(
        _("Какой приём открыть?") if action is WindowAct.OPEN else _("Какой приём закрыть?"),
        shown.listing,
    )
    rows = [
        [
            InlineKeyboardButton(
                text=label, callback_data=CDWindow(action=action, n=n, until=until).pack()
            )
        ]
        for (n, _target), label in zip(chosen, shown.labels, strict=True)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("✖️ Отмена"), callback_data=CDWindow(action=WindowAct.CANCEL, n=0).pack()
            )
        ]
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _label(target: StaffWindow) -> str:
    return f"{target.programme.title} — {target.window.title}"


async def _apply(
    ctx: Ctx,
    target: StaffWindow,
    action: WindowAct,
    last_day: date | None,
    message: Message | CallbackQuery,
) -> str:
    actor = message.from_user.id if message.from_user else 0
    today, now = _today(ctx), ctx.clock.now()
    if action is WindowAct.OPEN:
        change = await windows.open_window(ctx.uow, target, today, last_day, actor, now)
    else:
        change = await windows.close_window(ctx.uow, target, today, actor, now)
    return render("window_changed.html.j2", change=change, item=change.status)


def _packed_day(until: str) -> date | None:
    return datetime.strptime(until, "%Y%m%d").date() if until else None


BUTTON_REFUSAL = __("Это могут только сотрудники института.")


async def on_cancel(query: CallbackQuery, ctx: Ctx) -> None:
    if not await staff_or_refuse(query, ctx, str(BUTTON_REFUSAL)):
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(_("Отменено: приём не изменился."), reply_markup=None)


async def on_change(query: CallbackQuery, callback_data: CDWindow, ctx: Ctx) -> None:
    """Open or close the window the button names (`callback_data.action`)."""
    if not await staff_or_refuse(query, ctx, str(BUTTON_REFUSAL)):
        return
    targets = windows.staff_windows(ctx.programmes)
    target = targets[callback_data.n] if 0 <= callback_data.n < len(targets) else None
    try:
        last_day = _packed_day(callback_data.until)
    except ValueError:  # a garbled button
        target, last_day = None, None
    if target is None:
        await query.answer(_("Список окон изменился: наберите /window ещё раз."), show_alert=True)
        return
    text = await _apply(ctx, target, callback_data.action, last_day, query)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=None)


async def not_staff(query: CallbackQuery) -> None:
    await query.answer(str(BUTTON_REFUSAL), show_alert=True)


def setup() -> Router:
    router = Router(name="windows")
    router.message.register(cmd_window, Command("window"), StateFilter("*"), Staff())
    refuse_commands(router, "window")
    buttons = router.callback_query
    changes = F.action.in_({WindowAct.OPEN, WindowAct.CLOSE})
    buttons.register(on_cancel, CDWindow.filter(F.action == WindowAct.CANCEL), Staff())
    buttons.register(on_change, CDWindow.filter(changes), Staff())
    buttons.register(not_staff, CDWindow.filter())
    return router
