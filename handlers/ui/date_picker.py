"""An inline month calendar for picking the date of an event, and hour buttons after it."""

from __future__ import annotations

import calendar as month_grid
from datetime import date
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from pydantic import Field

HOURS = ("09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00")


class CalendarAct(StrEnum):
    DAY = "day"
    MONTH = "month"
    PAST = "past"
    NOOP = "noop"


class CDCalendar(CallbackData, prefix="cal"):
    """A day of the month shown; out-of-range numbers (a forged press) do not even parse."""

    action: CalendarAct
    y: int = Field(ge=2000, le=2100)
    m: int = Field(ge=1, le=12)
    d: int = Field(default=0, ge=0, le=31)

    def day(self) -> date | None:
        """The day pressed, if the month has it."""
        try:
            return date(self.y, self.m, self.d)
        except ValueError:
            return None


class CDHour(CallbackData, prefix="hour"):
    hh: int = Field(ge=0, le=23)
    mm: int = Field(ge=0, le=59)


def _month_title(year: int, month: int) -> str:
    names = (
        _("Январь"), _("Февраль"), _("Март"), _("Апрель"), _("Май"), _("Июнь"),
        _("Июль"), _("Август"), _("Сентябрь"), _("Октябрь"), _("Ноябрь"), _("Декабрь"),
    )  # fmt: skip
    return f"{names[month - 1]} {year}"


def _shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_keyboard(year: int, month: int, today: date) -> list[list[InlineKeyboardButton]]:
    """Rows of a month: title with arrows, weekdays, days (past ones answer with a hint)."""
    noop = CDCalendar(action=CalendarAct.NOOP, y=year, m=month).pack()
    previous, following = _shift(year, month, -1), _shift(year, month, 1)
    rows = [
        [
            InlineKeyboardButton(
                text="◀️",
                callback_data=CDCalendar(
                    action=CalendarAct.MONTH, y=previous[0], m=previous[1]
                ).pack(),
            ),
            InlineKeyboardButton(text=_month_title(year, month), callback_data=noop),
            InlineKeyboardButton(
                text="▶️",
                callback_data=CDCalendar(
                    action=CalendarAct.MONTH, y=following[0], m=following[1]
                ).pack(),
            ),
        ],
        [
            InlineKeyboardButton(text=day, callback_data=noop)
            for day in (_("Пн"), _("Вт"), _("Ср"), _("Чт"), _("Пт"), _("Сб"), _("Вс"))
        ],
    ]
    for week in month_grid.Calendar().monthdayscalendar(year, month):
        row = []
        for day in week:
            if day == 0:
                row.append(InlineKeyboardButton(text="·", callback_data=noop))
                continue
            action = CalendarAct.PAST if date(year, month, day) < today else CalendarAct.DAY
            row.append(
                InlineKeyboardButton(
                    text=str(day),
                    callback_data=CDCalendar(action=action, y=year, m=month, d=day).pack(),
                )
            )
        rows.append(row)
    return rows


def hours_keyboard() -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(
            text=hour, callback_data=CDHour(hh=int(hour[:2]), mm=int(hour[3:])).pack()
        )
        for hour in HOURS
    ]
    return [buttons[:4], buttons[4:]]


def as_markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)
