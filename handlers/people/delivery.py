"""An access request in Telegram: its card for staff, the card after the decision, the answer."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot

from handlers.outgoing import Delivered, NothingToSendError, RuleSender, Settle
from handlers.people.access_cards import decision_keyboard
from handlers.ui.menu import menu_keyboard
from handlers.ui.render import render
from services.messages import Rule
from services.people import access_requests, roles
from storage.models import AccessRequest, Reminder
from storage.uow import UnitOfWork, UnitOfWorkFactory


class AccessDelivery:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, zone: ZoneInfo, staff_chat_id: int | None
    ) -> None:
        self._uow = uow_factory
        self._zone = zone
        self._staff_chat_id = staff_chat_id

    def rules(self) -> dict[str, RuleSender]:
        return {
            Rule.ACCESS_CARD: self._card,
            Rule.ACCESS_CARD_EDIT: self._card_edit,
            Rule.ACCESS_OUTCOME: self._outcome,
        }

    async def _card_text(self, payload: dict[str, Any]) -> tuple[AccessRequest, str]:
        async with self._uow() as uow:
            request = await access_requests.get(uow, int(payload["request_id"]))
            if request is None:
                raise NothingToSendError
            school = await access_requests.school_of(uow, request)
        text = render("access_card.html.j2", request=request, school=school, zone=self._zone)
        return request, text

    async def _card(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        request, text = await self._card_text(payload)
        markup = decision_keyboard(request.id) if request.status == "pending" else None
        sent = await bot.send_message(row.chat_id, text, reply_markup=markup)
        settle: Settle | None = None
        if row.chat_id == self._staff_chat_id:
            request_id, message_id = request.id, sent.message_id

            async def settle(uow: UnitOfWork) -> None:
                await access_requests.attach_card(uow, request_id, message_id)

        return Delivered(sent.message_id, settle)

    async def _card_edit(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        _, text = await self._card_text(payload)
        message_id = int(payload["message_id"])
        await bot.edit_message_text(
            text, chat_id=row.chat_id, message_id=message_id, reply_markup=None
        )
        return Delivered(message_id)

    async def _outcome(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            request = await access_requests.get(uow, int(payload["request_id"]))
            if request is None:
                raise NothingToSendError
            shown = await roles.of_member(uow, request.telegram_id)
        text = render("access_outcome.html.j2", request=request)
        sent = await bot.send_message(row.chat_id, text, reply_markup=menu_keyboard(shown))
        return Delivered(sent.message_id)
