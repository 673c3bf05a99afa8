"""Staff act on cards: claim, approve, request changes, reject; the coordinator hears at once."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.context import Ctx, Staff
from handlers.review.cards import CDFix, CDReview, ReviewAct
from handlers.review.expertise import REFUSAL
from handlers.review.expertise import start as start_conclusion
from handlers.review.outcomes import after, refuse_decided
from handlers.submissions import texts
from handlers.submissions.state import FormDialog
from handlers.ui.buttons import labelled
from handlers.ui.dialogs import ask_again
from handlers.ui.render import render, render_plain
from handlers.ui.staff import staff_or_refuse
from services.review import decisions
from services.review.decisions import Decision, Outcome
from storage.models import Submission

log = logging.getLogger(__name__)


class ReviewComment(StatesGroup):
    waiting = State()


COMMENTED = frozenset({Decision.CHANGES, Decision.REJECT})
"""Decisions that need a reason: a preset one or a reply to the bot's question."""
NO_REASON = -1
"""`CDReason.reason` of «Отмена»."""


class CDReason(CallbackData, prefix="rr"):
    sid: int = Field(ge=1)
    decision: Decision
    """One of `COMMENTED`; the others match no handler."""
    reason: int = Field(ge=NO_REASON)
    """The index in `reasons(...)`, or `NO_REASON`."""


def reasons(lead_days: int) -> list[str]:
    """Preset comments; the lead time is the programme's, as the regulation sets it."""
    return [
        _("Не хватает документа"),
        _("Документ не по форме"),
        _("Сведения неполные"),
        ngettext(
            "Нарушен срок подачи анонса (не позднее чем за {num} день до мероприятия)",
            "Нарушен срок подачи анонса (не позднее чем за {num} дней до мероприятия)",
            lead_days,
        ).format(num=lead_days),
        _("Не соответствует положению"),
    ]


def _lead_days(submission: Submission | None, ctx: Ctx) -> int:
    programmes = ctx.programmes
    programme = programmes.of(submission.programme) if submission else programmes.default
    return programme.announcements.lead_days


async def on_claim(query: CallbackQuery, callback_data: CDReview, ctx: Ctx) -> None:
    if not await staff_or_refuse(query, ctx, str(REFUSAL)):
        return
    result = await decisions.claim(
        ctx.uow,
        callback_data.sid,
        query.from_user.id,
        query.from_user.full_name,
        ctx.clock.now(),
        ctx.staff_chat_id,
    )
    await after(query, result, ctx)


async def on_approve(query: CallbackQuery, callback_data: CDReview, ctx: Ctx) -> None:
    if not await staff_or_refuse(query, ctx, str(REFUSAL)):
        return
    result = await decisions.decide(
        ctx.uow,
        callback_data.sid,
        Decision.APPROVE,
        query.from_user.id,
        query.from_user.full_name,
        "",
        ctx.clock.now(),
        ctx.programmes,
        ctx.destinations,
    )
    await after(query, result, ctx)


async def on_changes(
    query: CallbackQuery, callback_data: CDReview, state: FSMContext, ctx: Ctx
) -> None:
    if await staff_or_refuse(query, ctx, str(REFUSAL)):
        await _ask_comment(query, state, callback_data.sid, Decision.CHANGES, ctx)


async def on_reject(
    query: CallbackQuery, callback_data: CDReview, state: FSMContext, ctx: Ctx
) -> None:
    if await staff_or_refuse(query, ctx, str(REFUSAL)):
        await _ask_comment(query, state, callback_data.sid, Decision.REJECT, ctx)


async def on_expert(query: CallbackQuery, callback_data: CDReview, ctx: Ctx) -> None:
    if await staff_or_refuse(query, ctx, str(REFUSAL)):
        await start_conclusion(query, callback_data.sid, ctx)


async def not_staff(query: CallbackQuery) -> None:
    """A card's button pressed by someone who is not staff (a forwarded card, a forgery)."""
    await query.answer(str(REFUSAL), show_alert=True)


async def _ask_comment(
    query: CallbackQuery, state: FSMContext, sid: int, decision: Decision, ctx: Ctx
) -> None:
    submission = await decisions.submission(ctx.uow, sid)
    if submission is None or submission.status not in decisions.OPEN:
        await refuse_decided(query, submission, ctx)
        return
    await query.answer()
    listing, markup = reason_buttons(sid, decision, _lead_days(submission, ctx))
    if not isinstance(query.message, Message):
        return
    prompt = await query.message.reply(
        render(
            "review_comment_prompt.html.j2",
            who=query.from_user.full_name,
            number=sid,
            changes=decision is Decision.CHANGES,
            reasons=listing,
        ),
        reply_markup=markup,
    )
    await state.set_state(ReviewComment.waiting)
    await state.set_data({"sid": sid, "decision": decision.value, "prompt": prompt.message_id})


def reason_buttons(
    sid: int, decision: Decision, lead_days: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The preset reasons (listed in full above, when a button cannot hold one) and «Отмена»."""
    shown = labelled(reasons(lead_days))
    rows = [
        [
            InlineKeyboardButton(
                text=text, callback_data=CDReason(sid=sid, decision=decision, reason=i).pack()
            )
        ]
        for i, text in enumerate(shown.labels)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("✖️ Отмена"),
                callback_data=CDReason(sid=sid, decision=decision, reason=NO_REASON).pack(),
            )
        ]
    )
    return shown.listing, InlineKeyboardMarkup(inline_keyboard=rows)


async def on_no_reason(query: CallbackQuery, state: FSMContext, bot: Bot, ctx: Ctx) -> None:
    """«Отмена» under the reasons: nothing is decided."""
    if not await staff_or_refuse(query, ctx, str(REFUSAL)):
        return
    if isinstance(query.message, Message):
        await _drop_prompt(bot, query.message)
    await state.clear()
    await query.answer(_("Отменено."))


async def on_reason(
    query: CallbackQuery, callback_data: CDReason, state: FSMContext, bot: Bot, ctx: Ctx
) -> None:
    """A preset reason: the decision is made with it as the comment."""
    if not await staff_or_refuse(query, ctx, str(REFUSAL)):
        return
    submission = await decisions.submission(ctx.uow, callback_data.sid)
    presets = reasons(_lead_days(submission, ctx))
    if callback_data.reason >= len(presets):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if isinstance(query.message, Message):
        await _drop_prompt(bot, query.message)
    await state.clear()
    result = await decisions.decide(
        ctx.uow,
        callback_data.sid,
        Decision(callback_data.decision),
        query.from_user.id,
        query.from_user.full_name,
        presets[callback_data.reason],
        ctx.clock.now(),
        destinations=ctx.destinations,
    )
    await after(query, result, ctx)


async def on_comment(message: Message, state: FSMContext, bot: Bot, i18n: I18n, ctx: Ctx) -> None:
    """A reply in the group to the prompt is the comment of the decision."""
    data = await state.get_data()
    replied = message.reply_to_message
    if replied is None or replied.message_id != data.get("prompt"):
        return  # staff talk among themselves meanwhile; only the reply is the comment
    comment = (message.text or "").strip()
    if not comment or len(comment) > texts.COMMENT_MAX:
        await message.reply(_("Причина должна быть текстом до 1000 символов."))
        return
    await state.clear()
    await _drop_prompt(bot, replied)
    result = await decisions.decide(
        ctx.uow,
        data["sid"],
        Decision(data["decision"]),
        message.from_user.id if message.from_user else 0,
        message.from_user.full_name if message.from_user else "",
        comment,
        ctx.clock.now(),
        destinations=ctx.destinations,
    )
    if result.outcome is Outcome.ALREADY_DECIDED and result.submission is not None:
        await message.reply(render_plain("review_already.j2", s=result.submission, zone=ctx.zone))


async def _drop_prompt(bot: Bot, prompt: Message) -> None:
    try:
        await bot.edit_message_reply_markup(
            chat_id=prompt.chat.id, message_id=prompt.message_id, reply_markup=None
        )
    except TelegramAPIError:
        log.debug("prompt %s already without buttons", prompt.message_id)


async def on_fix(query: CallbackQuery, callback_data: CDFix, state: FSMContext, ctx: Ctx) -> None:
    """The coordinator reopens the submission sent back to them; the preview is the way in."""
    person = await ctx.person()
    message = query.message
    if person is None or not isinstance(message, Message):
        await query.answer(_("Исправлять может только координатор школы."), show_alert=True)
        return
    submission = await decisions.reopen(ctx.uow, callback_data.sid, person, ctx.clock.now())
    if submission is None:
        current = await decisions.submission(ctx.uow, callback_data.sid)
        can_continue = (
            current is not None and current.status == "draft" and current.author_id == person.id
        )
        if not can_continue:
            await query.answer(_("Эту заявку сейчас нельзя исправить."), show_alert=True)
            return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await state.set_data({"sid": callback_data.sid, "field": None})
    await state.set_state(FormDialog.preview)
    await message.answer(
        _("Исправьте нужные поля и отправьте заявку снова: сотрудники увидят, что изменилось.")
    )
    await ask_again(message, state, ctx)


def setup(staff_chat_id: int | None) -> Router:
    router = Router(name="review")
    buttons, staff = router.callback_query, Staff()
    buttons.register(on_claim, CDReview.filter(F.action == ReviewAct.CLAIM), staff)
    buttons.register(on_approve, CDReview.filter(F.action == ReviewAct.APPROVE), staff)
    buttons.register(on_changes, CDReview.filter(F.action == ReviewAct.CHANGES), staff)
    buttons.register(on_reject, CDReview.filter(F.action == ReviewAct.REJECT), staff)
    buttons.register(on_expert, CDReview.filter(F.action == ReviewAct.EXPERT), staff)
    buttons.register(not_staff, CDReview.filter())
    commented = F.decision.in_(COMMENTED)
    buttons.register(on_no_reason, CDReason.filter(commented & (F.reason == NO_REASON)), staff)
    buttons.register(on_reason, CDReason.filter(commented & (F.reason > NO_REASON)), staff)
    buttons.register(not_staff, CDReason.filter(), ~staff)
    buttons.register(on_fix, CDFix.filter())
    router.message.register(
        on_comment,
        ReviewComment.waiting,
        F.chat.id == staff_chat_id,
        F.text,
        ~F.text.startswith("/"),
    )
    return router
