"""What the submission dialog's parts share: its states, buttons and the draft it is about."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions import passport_texts, texts
from services.programmes.schema import Programmes
from services.submissions import drafts, network_schools
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldSpec, FieldType
from services.submissions.forms import Form


class FormDialog(StatesGroup):
    school = State()
    target = State()
    variant = State()
    resume = State()
    answer = State()
    hour = State()
    plan_event = State()
    preview = State()
    edit = State()
    late_reason = State()


class Act(StrEnum):
    """What a button of the submission dialog does; a press carries it, with a value."""

    SCHOOL = "school"
    TARGET = "target"
    VARIANT = "variant"
    CONTINUE = "continue"
    RESTART = "restart"
    CANCEL = "cancel"
    BACK = "back"
    CHOICE = "choice"
    YES = "yes"
    NO = "no"
    KEEP = "keep"
    SKIP = "skip"
    DONE = "done"
    CLEAR = "clear"
    ADD = "add"
    KEEP_LATE = "keep_late"
    REDATE = "redate"
    HOUR_BACK = "hour_back"
    SEND = "send"
    EDIT = "edit"
    FIELD = "field"
    PLAN_CHOICE = "pchoice"
    PLAN_SKIP = "pskip"
    PLAN_DROP = "pdrop"


class CDForm(CallbackData, prefix="f"):
    action: Act
    value: str = ""


def button(text: str, action: Act, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CDForm(action=action, value=value).pack())


# --- Loading the draft the dialog is about --------------------------------------------------------


async def current(state: FSMContext, ctx: Ctx) -> tuple[Snapshot, Form] | None:
    """The draft being filled in and its form; None if it was sent or thrown away meanwhile."""
    data = await state.get_data()
    person = await ctx.person()
    if person is None or "sid" not in data:
        return None
    snap = await drafts.own_draft(ctx.uow, data["sid"], person.id)
    if snap is None:
        return None
    return snap, drafts.form_of(ctx.programmes, snap)


async def current_or_tell(
    message: Message, state: FSMContext, ctx: Ctx
) -> tuple[Snapshot, Form] | None:
    """The draft and its form, or None after telling the person it is gone."""
    loaded = await current(state, ctx)
    if loaded is None:
        await lost_draft(message, state)
    return loaded


async def taken(query: CallbackQuery) -> Message | None:
    """Answer the press and take the buttons off its message: each step is answered once."""
    await query.answer()
    if not isinstance(query.message, Message):
        return None
    await query.message.edit_reply_markup(reply_markup=None)
    return query.message


async def lost_draft(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(
        _("Этот черновик уже отправлен или удалён. Откройте нужный раздел в меню.")
    )


PASSPORT_LINES = {
    FieldType.STAGES: passport_texts.stage_lines,
    FieldType.INDICATORS: passport_texts.indicator_lines,
    FieldType.BASE: passport_texts.base_lines,
}
"""The parts of a programme passport typed line by line, shown a line each."""


def shown_value(field: FieldSpec, value: Any, snap: Snapshot, zone: ZoneInfo) -> str:
    """A value as the person reads it."""
    if field.type is FieldType.FILES:
        return ", ".join(f.file_name for f in snap.files.get(field.id, []))
    if value is None or value == "":
        return ""
    if field.type is FieldType.YES_NO:
        return _("да") if value else _("нет")
    if field.type is FieldType.DATETIME:
        return datetime.fromisoformat(value).astimezone(zone).strftime("%d.%m.%Y %H:%M")
    if field.type is FieldType.EVENTS:
        return "\n".join(f"{n}. {plan_item_line(item)}" for n, item in enumerate(value, start=1))
    if lines := PASSPORT_LINES.get(field.type):
        return lines(value)
    if field.type is FieldType.NETWORK:  # one school a line, below the label
        return "".join("\n" + network_schools.line(item) for item in network_schools.members(value))
    if field.type is FieldType.MULTI_CHOICE and isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def plan_item_line(item: dict[str, str]) -> str:
    names = ("school_year", "form", "dates", "responsible")
    details = [item[name] for name in names if item.get(name)]
    return f"{item.get('title', '')} ({', '.join(details)})" if details else item.get("title", "")


def summary(snap: Snapshot, programmes: Programmes, zone: ZoneInfo) -> list[tuple[str, str]]:
    """(label, value) of every question of the form that applies, in order."""
    form = drafts.form_of(programmes, snap)
    rows = []
    levels: list[tuple[str, int | None, int | None]] = []
    for field in form.active(snap.values):
        if field.id.startswith("participation:"):
            # The two counts of each level become one line of a table in a single row.
            if not levels:
                rows.append((texts.participation_label(), ""))
            if field.id.endswith(":teachers"):
                levels.append((field.title, snap.values.get(field.id), None))
            else:
                level, teachers, _pupils = levels[-1]
                levels[-1] = (level, teachers, snap.values.get(field.id))
            rows[-1] = (rows[-1][0], texts.participation_table(levels))
            continue
        rows.append((texts.label(field), shown_value(field, snap.values.get(field.id), snap, zone)))
    return rows
