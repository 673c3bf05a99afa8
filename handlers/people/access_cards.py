"""Staff decide an access request from its card in their group: approve or deny, once."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from handlers.context import Ctx, Staff
from handlers.people.access import CDAccessDecision
from handlers.ui.render import render_plain
from handlers.ui.staff import staff_or_refuse
from services.people import access_requests
from services.people.access_requests import Outcome


def decision_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Одобрить"),
                    callback_data=CDAccessDecision(request_id=request_id, approve=True).pack(),
                ),
                InlineKeyboardButton(
                    text=_("❌ Отклонить"),
                    callback_data=CDAccessDecision(request_id=request_id, approve=False).pack(),
                ),
            ]
        ]
    )


ACCESS_REFUSAL = __("Решать запросы доступа могут только сотрудники института.")


async def on_decision(query: CallbackQuery, callback_data: CDAccessDecision, ctx: Ctx) -> None:
    if not await staff_or_refuse(query, ctx, str(ACCESS_REFUSAL)):
        return
    card = (
        (query.message.chat.id, query.message.message_id)
        if isinstance(query.message, Message)
        else None
    )
    decision = await access_requests.decide(
        ctx.uow,
        callback_data.request_id,
        callback_data.approve,
        query.from_user.id,
        query.from_user.full_name,
        ctx.clock.now(),
        card,
    )
    request = decision.request
    if decision.outcome is Outcome.NOT_FOUND or request is None:
        await query.answer(_("Такого запроса нет."), show_alert=True)
        return
    if decision.outcome is Outcome.ALREADY_DECIDED:
        await query.answer(
            render_plain("already_decided.j2", request=request, zone=ctx.zone), show_alert=True
        )
        return
    await query.answer(_("Готово."))


async def not_staff(query: CallbackQuery) -> None:
    await query.answer(str(ACCESS_REFUSAL), show_alert=True)


def setup() -> Router:
    router = Router(name="access-cards")
    router.callback_query.register(on_decision, CDAccessDecision.filter(), Staff())
    router.callback_query.register(not_staff, CDAccessDecision.filter())
    return router
