"""The year a school joined the network: a button of the recent years, or typed."""

from __future__ import annotations

from aiogram import F, Router, html
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.submissions.keyboards import CDPick, PickAct, pick
from handlers.submissions.network.common import FIELD, NetworkDialog, back_to_list, this_year
from handlers.submissions.state import current, lost_draft, taken
from handlers.ui.dialogs import question
from handlers.ui.menu import show_menu
from handlers.ui.names import quoted
from services.people import schools
from services.submissions import drafts, network_schools
from services.submissions.fields import FieldError
from storage.models import School

YEARS_PER_ROW = 3


async def ask_year_of(message: Message, state: FSMContext, ctx: Ctx, school: School) -> None:
    await state.update_data(network_school={"id": school.id, "name": school.name})
    await state.set_state(NetworkDialog.year)
    await ask_year(message, state, ctx)


@question(NetworkDialog.year)
async def ask_year(message: Message, state: FSMContext, ctx: Ctx) -> None:
    school = (await state.get_data()).get("network_school") or {}
    loaded = await current(state, ctx)
    if loaded is None or not school:
        await lost_draft(message, state)
        return
    text = _(
        "С какого года {school} в сети? Выберите год или напишите его четырьмя цифрами, "
        "например 2021."
    ).format(school=html.quote(quoted(school["name"])))
    listed = network_schools.year_of(loaded[0].values.get(FIELD), school["id"])
    if listed is not None:
        text = (
            _("Эта школа уже в списке (с {year}): укажите год заново или нажмите «Назад».").format(
                year=listed
            )
            + "\n\n"
            + text
        )
    years = [
        pick(str(year), PickAct.YEAR, str(year))
        for year in network_schools.recent_years(this_year(ctx))
    ]
    rows: list[list[InlineKeyboardButton]] = [
        years[start : start + YEARS_PER_ROW] for start in range(0, len(years), YEARS_PER_ROW)
    ]
    rows.append([pick(_("◀️ Назад"), PickAct.AGAIN), pick(_("✖️ Отмена"), PickAct.CANCEL)])
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def on_year_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        year = network_schools.parse_year(message.text or "", this_year(ctx))
    except FieldError as error:
        await message.answer(_year_problem(error))
        await ask_year(message, state, ctx)
        return
    await _add(message, state, ctx, year)


def _year_problem(error: FieldError) -> str:
    if error.reason == "year_future":
        return _("Этот год ещё не наступил: укажите год не позже {year}.").format(
            year=error.params["this_year"]
        )
    if error.reason == "year_too_old":
        return _("Слишком давно: укажите год не раньше {year}.").format(year=error.params["first"])
    return _("Напишите год четырьмя цифрами, например 2021, или выберите его кнопкой.")


async def _add(message: Message, state: FSMContext, ctx: Ctx, year: int) -> None:
    data = await state.get_data()
    chosen = data.get("network_school") or {}
    school = await schools.get(ctx.uow, chosen.get("id", 0))
    loaded = await current(state, ctx)
    if loaded is None or school is None:
        await lost_draft(message, state)
        return
    listed = network_schools.year_of(loaded[0].values.get(FIELD), school.id) is not None
    value = network_schools.with_school(loaded[0].values.get(FIELD), school, year)
    snap = await drafts.save_value(
        ctx.uow, data["sid"], (await ctx.member()).id, FIELD, value, ctx.clock.now()
    )
    if snap is None:
        await lost_draft(message, state)
        return
    await state.update_data(network_school=None)
    added = next(item for item in value if item["school_id"] == school.id)
    done = _("Исправлено: {school}.") if listed else _("Добавлено: {school}.")
    size = ngettext(
        "В сети, кроме вашей, {num} школа.", "В сети, кроме вашей, {num} школ.", len(value)
    )
    await message.answer(
        done.format(school=html.quote(network_schools.line(added)))
        + " "
        + size.format(num=len(value))
    )
    await back_to_list(message, state, ctx)


# --- Buttons ------------------------------------------------------------------------------------------


async def on_year(query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx) -> None:
    raw = callback_data.value
    if not raw.isdigit() or int(raw) not in network_schools.recent_years(this_year(ctx)):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if (message := await taken(query)) is not None:
        await _add(message, state, ctx, int(raw))


async def on_year_cancel(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (message := await taken(query)) is not None:
        await state.clear()
        await show_menu(
            message,
            (await ctx.roles()),
            intro=_("Черновик сохранён. Вернуться к нему можно из меню."),
        )


async def on_year_again(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (message := await taken(query)) is not None:
        await state.update_data(network_school=None)
        await back_to_list(message, state, ctx)


def setup() -> Router:
    router = Router(name="form-network-year")
    router.message.register(on_year_text, NetworkDialog.year, F.text, F.chat.type == "private")
    buttons, year = router.callback_query, NetworkDialog.year
    buttons.register(on_year, CDPick.filter(F.action == PickAct.YEAR), year)
    buttons.register(on_year_cancel, CDPick.filter(F.action == PickAct.CANCEL), year)
    buttons.register(on_year_again, CDPick.filter(F.action == PickAct.AGAIN), year)
    return router
