"""The schools of a network, one at a time: a name found in the registry, then the year it joined.

The question itself (with «Готово», Back and Cancel) is the form's; this module answers a
typed name, the choice among several matches, the year, and removing a school from the list.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router, html
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions.keyboards import CDPick, pick
from handlers.submissions.state import FormDialog, current, current_or_tell, lost_draft
from handlers.ui.dialogs import ask_again, question
from handlers.ui.menu import show_menu
from services import calendar, validation
from services.submissions import drafts, network_schools
from services.submissions.fields import FieldError, FieldType
from services.submissions.network_schools import Found
from storage.models import School

FIELD = "network_schools"
BUTTON_MAX = 60
YEARS_PER_ROW = 3


class NetworkDialog(StatesGroup):
    year = State()


def _this_year(ctx: Ctx) -> int:
    return calendar.local_date(ctx.clock.now(), ctx.zone).year


def _school_label(school: School) -> str:
    label = f"{school.name} ({school.district})" if school.district else school.name
    return label if len(label) <= BUTTON_MAX else label[: BUTTON_MAX - 1] + "…"


async def _network_value(state: FSMContext, ctx: Ctx) -> tuple[Any, int] | None:
    """The list so far and the applicant's school, while the network question is open."""
    loaded = await current(state, ctx)
    if loaded is None or (await state.get_data()).get("field") != FIELD:
        return None
    snap, form = loaded
    field = form.field(FIELD)
    if field is None or field.type is not FieldType.NETWORK:
        return None
    return snap.values.get(FIELD), snap.submission.school_id


async def _back_to_list(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await state.set_state(FormDialog.answer)
    await ask_again(message, state, ctx)


# --- A typed name ---------------------------------------------------------------------------------


async def on_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """The coordinator typed a school's number or name at the network question."""
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    try:
        needle = validation.search_text(message.text or "")
    except validation.InvalidInputError:
        await message.answer(_("Напишите номер или часть названия школы, например «Сусловская»."))
        await ask_again(message, state, ctx)
        return
    found = await network_schools.search(ctx.uow, needle, loaded[0].submission.school_id)
    if found.found is Found.OWN and found.school is not None:
        await message.answer(
            _(
                "«{school}» — ваша школа: она ведущая в сети и входит в неё сама. "
                "Добавьте другие школы сети."
            ).format(school=html.quote(found.school.name))
        )
        await ask_again(message, state, ctx)
    elif found.found is Found.ONE and found.school is not None:
        await _ask_year_of(message, state, ctx, found.school)
    elif found.found is Found.SEVERAL:
        await _offer(message, needle, found)
    else:
        await message.answer(
            _(
                "Школы «{needle}» нет в списке школ бота. Проверьте написание или напишите "
                "номер либо часть названия, например «Сусловская». Если школы в списке "
                "действительно нет, попросите сотрудников института добавить её, а пока "
                "продолжайте без неё: до отправки заявки школу можно добавить через "
                "«Изменить поле»."
            ).format(needle=html.quote(needle))
        )
        await ask_again(message, state, ctx)


async def _offer(message: Message, needle: str, found: network_schools.Search) -> None:
    text = _("По запросу «{needle}» нашлось школ: {total}. Выберите нужную или напишите точнее.")
    text = text.format(needle=html.quote(needle), total=found.total)
    if found.total > len(found.candidates):
        text += " " + _("Показаны первые {shown}.").format(shown=len(found.candidates))
    rows = [[pick(_school_label(school), "pick", str(school.id))] for school in found.candidates]
    rows.append([pick(_("◀️ Назад к списку сети"), "again")])
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


# --- The year -----------------------------------------------------------------------------------------


async def _ask_year_of(message: Message, state: FSMContext, ctx: Ctx, school: School) -> None:
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
        "С какого года «{school}» в сети? Выберите год или напишите его четырьмя цифрами, "
        "например 2021."
    ).format(school=html.quote(school["name"]))
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
        pick(str(year), "year", str(year)) for year in network_schools.recent_years(_this_year(ctx))
    ]
    rows: list[list[InlineKeyboardButton]] = [
        years[start : start + YEARS_PER_ROW] for start in range(0, len(years), YEARS_PER_ROW)
    ]
    rows.append([pick(_("◀️ Назад"), "again"), pick(_("✖️ Отмена"), "cancel")])
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def on_year_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        year = network_schools.parse_year(message.text or "", _this_year(ctx))
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
    school = await ctx.uow.schools.get(chosen.get("id", 0))
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
    text = (
        _("Исправлено: {school}. Школ в сети, кроме вашей: {count}.")
        if listed
        else _("Добавлено: {school}. Школ в сети, кроме вашей: {count}.")
    )
    await message.answer(
        text.format(school=html.quote(network_schools.line(added)), count=len(value))
    )
    await _back_to_list(message, state, ctx)


# --- Buttons ------------------------------------------------------------------------------------------


async def on_list_button(
    query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx
) -> None:
    """Buttons shown while the network question is open: a match, removing, back to the list."""
    message = query.message
    loaded = await _network_value(state, ctx)
    if not isinstance(message, Message) or loaded is None:
        await query.answer(_("Этот шаг уже завершён."))
        return
    value, own_school_id = loaded
    action, raw = callback_data.action, callback_data.value
    school = await ctx.uow.schools.get(int(raw)) if raw.isdigit() else None
    if action == "pick" and (school is None or school.id == own_school_id):
        await query.answer(_("Эту школу выбрать нельзя. Поищите ещё раз."), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if action == "pick" and school is not None:
        await _ask_year_of(message, state, ctx, school)
    elif action == "drop_menu" and network_schools.members(value):
        rows = [
            [pick("✖️ " + network_schools.line(item)[:BUTTON_MAX], "drop", str(item["school_id"]))]
            for item in network_schools.members(value)
        ]
        rows.append([pick(_("◀️ Назад к списку сети"), "again")])
        await message.answer(
            _("Какую школу убрать из списка?"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
        )
    elif action == "drop" and raw.isdigit():
        await _drop(message, state, ctx, value, int(raw))
    else:
        await ask_again(message, state, ctx)


async def _drop(message: Message, state: FSMContext, ctx: Ctx, value: Any, school_id: int) -> None:
    removed = [item for item in network_schools.members(value) if item["school_id"] == school_id]
    left = network_schools.without_school(value, school_id)
    snap = await drafts.save_value(
        ctx.uow,
        (await state.get_data())["sid"],
        (await ctx.member()).id,
        FIELD,
        left or None,
        ctx.clock.now(),
    )
    if snap is None:
        await lost_draft(message, state)
        return
    if removed:
        await message.answer(
            _("Убрано: {school}.").format(school=html.quote(network_schools.line(removed[0])))
        )
    await ask_again(message, state, ctx)


async def on_year_button(
    query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx
) -> None:
    message = query.message
    await query.answer()
    if not isinstance(message, Message):
        return
    await message.edit_reply_markup(reply_markup=None)
    action, raw = callback_data.action, callback_data.value
    if (
        action == "year"
        and raw.isdigit()
        and int(raw) in network_schools.recent_years(_this_year(ctx))
    ):
        await _add(message, state, ctx, int(raw))
    elif action == "cancel":
        await state.clear()
        await show_menu(
            message,
            (await ctx.roles()),
            intro=_("Черновик сохранён. Вернуться к нему можно из меню."),
        )
    elif action == "again":
        await state.update_data(network_school=None)
        await _back_to_list(message, state, ctx)
    else:
        await ask_year(message, state, ctx)


def setup() -> Router:
    router = Router(name="form-network")
    router.message.register(on_year_text, NetworkDialog.year, F.text, F.chat.type == "private")
    router.callback_query.register(on_year_button, CDPick.filter(), NetworkDialog.year)
    router.callback_query.register(
        on_list_button,
        CDPick.filter(F.action.in_({"pick", "drop_menu", "drop", "again"})),
        FormDialog.answer,
    )
    return router
