"""Asking a question of the form: its message and buttons, the next one, saving an answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions import keyboards, texts
from handlers.submissions.state import (
    Act,
    FormDialog,
    button,
    current,
    current_or_tell,
    lost_draft,
    shown_value,
)
from handlers.ui.date_picker import month_keyboard
from handlers.ui.dialogs import ask_again, question
from handlers.ui.render import render
from services import calendar
from services.submissions import drafts, files
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldSpec, FieldType
from services.submissions.forms import Form

LISTS = frozenset({FieldType.FILES, FieldType.EVENTS, FieldType.MULTI_CHOICE, FieldType.NETWORK})
"""Answers that grow item by item: «Готово» moves on, not «Оставить как есть»."""

Rows = list[list[InlineKeyboardButton]]
RowsOf = Callable[[FieldSpec, Snapshot, Ctx], Rows]


def _choice_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    return [
        [button(label, Act.CHOICE, str(i))]
        for i, label in enumerate(keyboards.options(field).labels)
    ]


def _yes_no_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    return [[button(_("Да"), Act.YES), button(_("Нет"), Act.NO)]]


def _date_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    """The month of the date given so far, or this month."""
    value = snap.values.get(field.id)
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    shown = datetime.fromisoformat(value).astimezone(ctx.zone).date() if value else today
    return month_keyboard(shown.year, shown.month, today)


def _file_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    if not snap.files.get(field.id):
        return []
    return [[button(_("✅ Готово"), Act.DONE)], [button(_("🗑 Убрать файлы"), Act.CLEAR)]]


def _event_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    rows = [[button(_("➕ Добавить мероприятие"), Act.ADD)]]
    if snap.values.get(field.id):
        rows.append([button(_("✅ Готово"), Act.DONE), button(_("🗑 Очистить список"), Act.CLEAR)])
    return rows


def _multi_choice_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    return keyboards.multi_choice_rows(field, snap.values.get(field.id))


def _network_rows(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> Rows:
    return keyboards.network_rows(snap.values.get(field.id))


_ROWS_OF: dict[FieldType, RowsOf] = {
    FieldType.CHOICE: _choice_rows,
    FieldType.YES_NO: _yes_no_rows,
    FieldType.DATETIME: _date_rows,
    FieldType.FILES: _file_rows,
    FieldType.EVENTS: _event_rows,
    FieldType.MULTI_CHOICE: _multi_choice_rows,
    FieldType.NETWORK: _network_rows,
}
"""The buttons of the answer itself, by the question's type (typed answers have none)."""


def keyboard(field: FieldSpec, snap: Snapshot, ctx: Ctx) -> InlineKeyboardMarkup:
    """The answer's buttons, then keep or skip where they apply, then Back and Cancel."""
    value = snap.values.get(field.id)
    rows_of = _ROWS_OF.get(field.type)
    rows = rows_of(field, snap, ctx) if rows_of is not None else []
    if value not in (None, "") and field.type not in LISTS:
        rows.append([button(_("✅ Оставить как есть"), Act.KEEP)])
    if field.optional and (field.type not in LISTS or not (snap.files.get(field.id) or value)):
        rows.append([button(_("Пропустить"), Act.SKIP)])
    rows.append([button(_("◀️ Назад"), Act.BACK), button(_("✖️ Отмена"), Act.CANCEL)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


@question(FormDialog.answer)
async def ask(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    data = await state.get_data()
    field = form.field(data.get("field") or "") or form.after(None, snap.values)
    if field is None:
        await state.set_state(FormDialog.preview)
        await ask_again(message, state, ctx)
        return
    await state.update_data(field=field.id)
    step, total = form.position(field.id, snap.values)
    value = snap.values.get(field.id)
    await message.answer(
        render(
            "form_question.html.j2",
            step=step,
            total=total,
            question=texts.question(field),
            options=keyboards.options(field).listing if field.choices else "",
            current=shown_value(field, value, snap, ctx.zone),
            type=field.type.value,
            optional=field.optional,
            allowed=files.allowed_list(),
        ),
        reply_markup=keyboard(field, snap, ctx),
    )


async def move_on(state: FSMContext, form: Form, values: Mapping[str, Any]) -> None:
    """Note where the dialog goes after an answer: the next question, or the preview when a
    field was edited or none is left. Only noted: it is written with the next commit."""
    data = await state.get_data()
    following = form.after(data.get("field"), dict(values))
    if data.get("editing") or following is None:
        await state.set_state(FormDialog.preview)
    else:
        await state.update_data(field=following.id)


async def advance(
    message: Message, state: FSMContext, ctx: Ctx, snap: Snapshot, form: Form
) -> None:
    """After an answer already saved: the next question, or back to the preview."""
    await move_on(state, form, snap.values)
    await ask_again(message, state, ctx)


def answered(values: Mapping[str, Any], field: FieldSpec, value: Any) -> dict[str, Any]:
    """The draft's answers with this one given (None takes it away)."""
    updated = dict(values)
    if value is None:
        updated.pop(field.id, None)
    else:
        updated[field.id] = value
    return updated


async def save(
    message: Message, state: FSMContext, ctx: Ctx, field: FieldSpec, value: Any
) -> Snapshot | None:
    data = await state.get_data()
    snap = await drafts.save_value(
        ctx.uow, data["sid"], (await ctx.member()).id, field.id, value, ctx.clock.now()
    )
    if snap is None:
        await lost_draft(message, state)
    return snap


async def save_and_move_on(
    message: Message, state: FSMContext, ctx: Ctx, field: FieldSpec, value: Any
) -> None:
    """Save the answer and ask the next question. Where the dialog goes is decided first, so
    that the answer and the dialog state are written in one commit."""
    loaded = await current(state, ctx)
    if loaded is not None:
        snap, form = loaded
        await move_on(state, form, answered(snap.values, field, value))
    if await save(message, state, ctx, field, value) is not None:
        await ask_again(message, state, ctx)
