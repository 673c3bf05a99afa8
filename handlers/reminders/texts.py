"""What each reminder says, in the recipient's language, with the button it needs."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.submissions import passport_texts, texts
from handlers.ui.render import render
from services.domain import SubmissionKind
from storage.models import Reminder

Rendered = tuple[str, InlineKeyboardMarkup | None]


class CDAnnouncePlanned(CallbackData, prefix="ap"):
    event_id: int = Field(ge=1)


class CDHeld(CallbackData, prefix="held"):
    sid: int = Field(ge=1)
    held: bool


class CDOutcomeSkip(CallbackData, prefix="outcome_skip"):
    """«Пропустить» the link to an event's materials; packs to its prefix alone."""


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def _moment(value: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(value).astimezone(zone).strftime("%d.%m.%Y %H:%M")


def _buttons(reminder: Reminder, payload: dict[str, object]) -> InlineKeyboardMarkup | None:
    if reminder.rule == "announce_planned":
        button = InlineKeyboardButton(
            text=_("📣 Подать анонс"),
            callback_data=CDAnnouncePlanned(event_id=int(str(payload["event_id"]))).pack(),
        )
        return InlineKeyboardMarkup(inline_keyboard=[[button]])
    if reminder.rule == "event_followup":
        sid = int(str(payload["submission_id"]))
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("✅ Состоялось"), callback_data=CDHeld(sid=sid, held=True).pack()
                    ),
                    InlineKeyboardButton(
                        text=_("✖️ Не состоялось"), callback_data=CDHeld(sid=sid, held=False).pack()
                    ),
                ]
            ]
        )
    return None


def make_renderer(i18n: I18n, zone: ZoneInfo) -> Callable[[Reminder, str], Awaitable[Rendered]]:
    async def render_reminder(reminder: Reminder, language: str) -> Rendered:
        payload = json.loads(reminder.payload)
        with i18n.context(), i18n.use_locale(language):
            kinds = {kind.value: texts.kind_name(kind) for kind in SubmissionKind}
            text = render(
                "reminder.html.j2",
                rule=reminder.rule,
                p=payload,
                day=_day,
                moment=lambda value: _moment(value, zone),
                stage=passport_texts.stage_name,
                stage_kind=passport_texts.stage_kind,
                kinds=kinds,
                variants={
                    "extension": _("продление"),
                    "completion": _("завершение"),
                    "early_termination": _("досрочное прекращение"),
                },
            )
            return text, _buttons(reminder, payload)

    return render_reminder
