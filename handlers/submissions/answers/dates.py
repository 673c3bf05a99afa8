"""The date of an event: a day picked in the month calendar, then the hour it starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions.answers.asking import ask
from handlers.submissions.answers.typed import answer
from handlers.submissions.state import Act, CDForm, FormDialog, button, current_or_tell
from handlers.ui.date_picker import (
    CalendarAct,
    CDCalendar,
    CDHour,
    as_markup,
    hours_keyboard,
    month_keyboard,
)
from handlers.ui.dialogs import nav_row, question
from services import calendar

# --- The calendar ---------------------------------------------------------------------------------


async def on_past_day(query: CallbackQuery) -> None:
    await query.answer(_("Эта дата уже прошла."), show_alert=True)


async def on_month(query: CallbackQuery, callback_data: CDCalendar, ctx: Ctx) -> None:
    """Another month of the calendar, in place; the buttons under it stay."""
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    rows = month_keyboard(callback_data.y, callback_data.m, today)
    old = message.reply_markup.inline_keyboard if message.reply_markup else []
    tail = [
        row
        for row in old
        if not any(b.callback_data and b.callback_data.startswith("cal:") for b in row)
    ]
    await message.edit_reply_markup(reply_markup=as_markup(rows + tail))


async def on_day(
    query: CallbackQuery, callback_data: CDCalendar, state: FSMContext, ctx: Ctx
) -> None:
    day = callback_data.day()
    if day is None:
        await query.answer(_("Такой даты нет."), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(day=day.isoformat())
    await state.set_state(FormDialog.hour)
    await ask_hour(query.message, state, ctx)


async def on_title(query: CallbackQuery) -> None:
    """The month's name above the days: nothing to do."""
    await query.answer()


async def on_stale(query: CallbackQuery) -> None:
    await query.answer(_("Этот шаг уже завершён."))


# --- The hour ---------------------------------------------------------------------------------------


@question(FormDialog.hour)
async def ask_hour(message: Message, state: FSMContext, ctx: Ctx) -> None:
    day = date.fromisoformat((await state.get_data())["day"])
    await message.answer(
        _("Дата: {day}. Во сколько начало? Выберите или напишите время, например 10:30.").format(
            day=day.strftime("%d.%m.%Y")
        ),
        reply_markup=as_markup(
            [*hours_keyboard(), [button(_("◀️ Назад"), Act.HOUR_BACK), *nav_row(back=False)]]
        ),
    )


async def on_hour_button(
    query: CallbackQuery, callback_data: CDHour, state: FSMContext, ctx: Ctx
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await _set_hour(query.message, state, ctx, time(callback_data.hh, callback_data.mm))


async def on_hour_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        hours, minutes = (
            int(part) for part in (message.text or "").strip().replace(".", ":").split(":")
        )
        moment = time(hours, minutes)
    except ValueError:
        await message.answer(_("Не понял время. Напишите его так: 10:30."))
        await ask_hour(message, state, ctx)
        return
    await _set_hour(message, state, ctx, moment)


async def on_hour_back(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await state.set_state(FormDialog.answer)
        await ask(query.message, state, ctx)


async def _set_hour(message: Message, state: FSMContext, ctx: Ctx, moment: time) -> None:
    day = date.fromisoformat((await state.get_data())["day"])
    local = datetime.combine(day, moment, tzinfo=ctx.zone)
    await state.set_state(FormDialog.answer)
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    field = loaded[1].field("event_at")
    if field is not None:
        await answer(message, state, ctx, field, local.astimezone(UTC).isoformat())


def setup() -> Router:
    router = Router(name="form-dates")
    days, asking = router.callback_query, FormDialog.answer
    days.register(on_day, CDCalendar.filter(F.action == CalendarAct.DAY), asking)
    days.register(on_month, CDCalendar.filter(F.action == CalendarAct.MONTH), asking)
    days.register(on_past_day, CDCalendar.filter(F.action == CalendarAct.PAST), asking)
    days.register(on_title, CDCalendar.filter(F.action == CalendarAct.NOOP), asking)
    router.callback_query.register(on_hour_button, CDHour.filter(), FormDialog.hour)
    router.callback_query.register(
        on_hour_back, CDForm.filter(F.action == Act.HOUR_BACK), FormDialog.hour
    )
    router.message.register(on_hour_text, F.chat.type == "private", FormDialog.hour, F.text)
    router.callback_query.register(on_stale, CDCalendar.filter(), StateFilter("*"))
    return router
