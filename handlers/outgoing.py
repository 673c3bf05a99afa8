"""What each outbox row looks like in Telegram, and the one call that delivers it.

The sender (`bot/delivery.py`) claims a row, waits for its turn within Telegram's limits and
calls `Outgoing.deliver`; whatever Telegram answers decides the row's fate there. Each row
is one send (a card, one album of its files, one notice), so a retry never repeats a part
that already arrived. Cards are rendered at delivery, as the submission is then; a decision
notice keeps what was decided, from its payload. The areas own their rows' looks:
`review.delivery` (submissions) and `people.delivery` (access requests); reminders are
rendered by `reminders.texts`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from services import messages
from services.messages import Rule
from services.outbox import Planned
from storage.models import Reminder
from storage.uow import UnitOfWork

Settle = Callable[[UnitOfWork], Awaitable[None]]
RenderReminder = Callable[[Reminder, str], Awaitable[tuple[str, InlineKeyboardMarkup | None]]]


@dataclass(frozen=True)
class Delivered:
    """What Telegram gave back, and what to record with the row's "sent" mark."""

    message_id: int | None = None
    settle: Settle | None = None


RuleSender = Callable[[Bot, Reminder, dict[str, Any]], Awaitable[Delivered]]
"""Sends one row of a rule (with its decoded payload)."""


class NothingToSendError(Exception):
    """The row is about something that no longer exists or applies: nothing to send."""


class Outgoing:
    def __init__(
        self,
        i18n: I18n,
        rules: dict[str, RuleSender],
        render_reminder: RenderReminder,
        staff_chat_id: int | None,
    ) -> None:
        self._i18n = i18n
        self._rules = rules
        self._render_reminder = render_reminder
        self._staff_chat_id = staff_chat_id

    async def deliver(self, bot: Bot, row: Reminder, language: str) -> Delivered | None:
        """Send the row; None when it no longer applies (nothing was sent)."""
        with self._i18n.context(), self._i18n.use_locale(language):
            rule = self._rules.get(row.rule)
            if rule is not None:
                try:
                    return await rule(bot, row, json.loads(row.payload))
                except NothingToSendError:
                    return None
            text, markup = await self._render_reminder(row, language)
            sent = await bot.send_message(row.chat_id, text, reply_markup=markup)
            return Delivered(sent.message_id)

    async def undelivered(self, row: Reminder, now: datetime) -> list[Planned]:
        """What to write when a row is given up: a card that never arrived is told about."""
        if row.rule != Rule.CARD or self._staff_chat_id is None:
            return []
        sid = int(json.loads(row.payload)["sid"])
        return [messages.undelivered_card(sid, self._staff_chat_id, now)]
