"""Buttons of the list questions: options toggled on and off, the schools of a network."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from handlers.submissions.state import Act, button
from handlers.ui.buttons import BUTTON_MAX, Labelled, labelled
from services.submissions import network_schools
from services.submissions.fields import FieldSpec, FieldType

TICK = "✅ "


class PickAct(StrEnum):
    """What a list question's own button does."""

    TOGGLE = "toggle"
    """Tick or untick the option of index `value` (`multi_choice`)."""
    DONE = "done"
    """The options ticked are the answer (`multi_choice`)."""
    PICK = "pick"
    """The school of id `value` among the matches of a search (`network`)."""
    DROP_MENU = "drop_menu"
    """Which school to remove from the network (`network`)."""
    DROP = "drop"
    """Remove the school of id `value` from the network (`network`)."""
    AGAIN = "again"
    """Back to the network's list (`network`)."""
    YEAR = "year"
    """The year `value` the school joined the network (`network`)."""
    CANCEL = "cancel"
    """Leave the form from the question of the year (`network`)."""


class CDPick(CallbackData, prefix="fp"):
    """A list question's own buttons; Back, Cancel and the network's «Готово» are CDForm's."""

    action: PickAct
    value: str = ""


def pick(text: str, action: PickAct, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CDPick(action=action, value=value).pack())


def chosen(field: FieldSpec, value: Any) -> list[str]:
    """The options ticked so far, in the order of the programme."""
    ticked = set(value) if isinstance(value, list) else set()
    return [choice for choice in field.choices if choice in ticked]


def options(field: FieldSpec) -> Labelled:
    """A choice's options on its buttons (room is left for the tick of a multiple choice)."""
    room = BUTTON_MAX - len(TICK) if field.type is FieldType.MULTI_CHOICE else BUTTON_MAX
    return labelled(field.choices, room)


def multi_choice_rows(field: FieldSpec, value: Any) -> list[list[InlineKeyboardButton]]:
    ticked = chosen(field, value)
    labels = options(field).labels
    rows = [
        [pick(TICK + label if choice in ticked else label, PickAct.TOGGLE, str(index))]
        for index, (choice, label) in enumerate(zip(field.choices, labels, strict=True))
    ]
    rows.append([pick(_("Готово"), PickAct.DONE)])
    return rows


def network_rows(value: Any) -> list[list[InlineKeyboardButton]]:
    if not network_schools.members(value):
        return []
    return [
        [button(_("✅ Готово"), Act.DONE)],
        [pick(_("🗑 Убрать школу из списка"), PickAct.DROP_MENU)],
    ]
