"""The network question's own answers: a school's name typed, one of several matches picked,
a school removed from the list. The question itself (with «Готово», Back and Cancel) is the
form's (`answers.asking`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import F, Router, html
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.submissions.keyboards import CDPick, PickAct, pick
from handlers.submissions.network.common import BUTTON_MAX, FIELD
from handlers.submissions.network.year import ask_year_of
from handlers.submissions.state import FormDialog, current, current_or_tell, lost_draft, taken
from handlers.ui.dialogs import ask_again
from handlers.ui.names import quoted
from services import validation
from services.people import schools
from services.submissions import drafts, network_schools
from services.submissions.fields import FieldType
from services.submissions.network_schools import Found
from storage.models import School


def _school_label(school: School) -> str:
    label = f"{school.name} ({school.district})" if school.district else school.name
    return label if len(label) <= BUTTON_MAX else label[: BUTTON_MAX - 1] + "…"


@dataclass(frozen=True)
class Listing:
    """The network question open now: its message, the list so far, the applicant's school."""

    message: Message
    value: Any
    own_school_id: int


async def _listing(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> Listing | None:
    """The network question, if it is the one open; else the press is answered."""
    message = query.message
    loaded = await current(state, ctx)
    field = loaded[1].field(FIELD) if loaded is not None else None
    if (
        not isinstance(message, Message)
        or loaded is None
        or (await state.get_data()).get("field") != FIELD
        or field is None
        or field.type is not FieldType.NETWORK
    ):
        await query.answer(_("Этот шаг уже завершён."))
        return None
    snap = loaded[0]
    return Listing(message, snap.values.get(FIELD), snap.submission.school_id)


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
                "{school} — ваша школа: она ведущая в сети и входит в неё сама. "
                "Добавьте другие школы сети."
            ).format(school=html.quote(quoted(found.school.name)))
        )
        await ask_again(message, state, ctx)
    elif found.found is Found.ONE and found.school is not None:
        await ask_year_of(message, state, ctx, found.school)
    elif found.found is Found.SEVERAL:
        await _offer(message, needle, found)
    else:
        await message.answer(
            _(
                "Школы «{needle}» нет в моём списке школ. Проверьте написание или напишите "
                "номер либо часть названия, например «Сусловская». Если школы в списке "
                "действительно нет, попросите сотрудников института добавить её, а пока "
                "продолжайте без неё: до отправки заявки школу можно добавить через "
                "«Изменить поле»."
            ).format(needle=html.quote(needle))
        )
        await ask_again(message, state, ctx)


async def _offer(message: Message, needle: str, found: network_schools.Search) -> None:
    text = ngettext(
        "По запросу «{needle}» нашлась {num} школа. Выберите нужную или напишите точнее.",
        "По запросу «{needle}» нашлось {num} школ. Выберите нужную или напишите точнее.",
        found.total,
    ).format(needle=html.quote(needle), num=found.total)
    if found.total > len(found.candidates):
        text += " " + _("Показаны первые {shown}.").format(shown=len(found.candidates))
    rows = [
        [pick(_school_label(school), PickAct.PICK, str(school.id))] for school in found.candidates
    ]
    rows.append([pick(_("◀️ Назад к списку сети"), PickAct.AGAIN)])
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


# --- Buttons ------------------------------------------------------------------------------------------


async def on_pick(query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx) -> None:
    """One of the schools a search found: the year it joined is asked next."""
    if (listing := await _listing(query, state, ctx)) is None:
        return
    raw = callback_data.value
    school = await schools.get(ctx.uow, int(raw)) if raw.isdigit() else None
    if school is None or school.id == listing.own_school_id:
        await query.answer(_("Эту школу выбрать нельзя. Поищите ещё раз."), show_alert=True)
        return
    await taken(query)
    await ask_year_of(listing.message, state, ctx, school)


async def on_drop_menu(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """«Убрать школу из списка»: which one, a button a school."""
    if (listing := await _listing(query, state, ctx)) is None:
        return
    listed = network_schools.members(listing.value)
    if not listed:
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    await taken(query)
    rows = [
        [
            pick(
                "✖️ " + network_schools.line(item)[:BUTTON_MAX],
                PickAct.DROP,
                str(item["school_id"]),
            )
        ]
        for item in listed
    ]
    rows.append([pick(_("◀️ Назад к списку сети"), PickAct.AGAIN)])
    await listing.message.answer(
        _("Какую школу убрать из списка?"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def on_drop(query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx) -> None:
    if (listing := await _listing(query, state, ctx)) is None:
        return
    if not callback_data.value.isdigit():
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    await taken(query)
    await _drop(listing.message, state, ctx, listing.value, int(callback_data.value))


async def on_again(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """Back to the network's list from the matches or the removal's choice."""
    if (listing := await _listing(query, state, ctx)) is not None:
        await taken(query)
        await ask_again(listing.message, state, ctx)


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


def setup() -> Router:
    router = Router(name="form-network-list")
    buttons, listing = router.callback_query, FormDialog.answer
    buttons.register(on_pick, CDPick.filter(F.action == PickAct.PICK), listing)
    buttons.register(on_drop_menu, CDPick.filter(F.action == PickAct.DROP_MENU), listing)
    buttons.register(on_drop, CDPick.filter(F.action == PickAct.DROP), listing)
    buttons.register(on_again, CDPick.filter(F.action == PickAct.AGAIN), listing)
    return router
