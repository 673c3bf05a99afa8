"""Staff act on cards: claim, approve, request changes, reject; the coordinator hears at once."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.review.cards import CDFix, CDReview
from handlers.review.expertise import start as start_conclusion
from handlers.submissions import texts
from handlers.submissions.state import FormDialog
from handlers.ui.dialogs import ask_again
from handlers.ui.render import render, render_plain
from services.review import decisions, expertise
from services.review.decisions import Decision, Outcome
from storage.models import Submission
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class ReviewComment(StatesGroup):
    waiting = State()


class CDReason(CallbackData, prefix="rr"):
    sid: int
    decision: str
    reason: int  # index in reasons(...); -1 cancels


def reasons(lead_days: int) -> list[str]:
    """Preset comments; the lead time is the programme's, as the regulation sets it."""
    return [
        _("Не хватает документа"),
        _("Документ не по форме"),
        _("Сведения неполные"),
        _("Нарушен срок подачи анонса ({days} дней до мероприятия)").format(days=lead_days),
        _("Не соответствует положению"),
    ]


def _lead_days(submission: Submission | None, ctx: Ctx) -> int:
    programmes = ctx.programmes
    programme = programmes.of(submission.programme) if submission else programmes.default
    return programme.announcements.lead_days


async def on_card_button(
    query: CallbackQuery,
    callback_data: CDReview,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    ctx: Ctx,
) -> None:
    """Authorised here, whatever the data says: a modified client can send any callback."""
    if not (await ctx.roles()).staff:
        await query.answer(
            _("Действовать по заявкам могут только сотрудники института."), show_alert=True
        )
        return
    uow: UnitOfWork = ctx.uow
    actor, name, now = query.from_user.id, query.from_user.full_name, ctx.clock.now()
    action = callback_data.action
    if action == "claim":
        result = await decisions.claim(uow, callback_data.sid, actor, name, now, ctx.staff_chat_id)
        await _after(query, result, ctx)
    elif action == "approve":
        result = await decisions.decide(
            uow,
            callback_data.sid,
            Decision.APPROVE,
            actor,
            name,
            "",
            now,
            ctx.programmes,
            ctx.destinations,
        )
        await _after(query, result, ctx)
    elif action in ("changes", "reject"):
        await _ask_comment(query, state, callback_data.sid, Decision(action), ctx)
    elif action == "expert":
        await start_conclusion(query, callback_data.sid, ctx)
    else:
        await query.answer()


async def _ask_comment(
    query: CallbackQuery, state: FSMContext, sid: int, decision: Decision, ctx: Ctx
) -> None:
    submission = await ctx.uow.submissions.get(sid)
    if submission is None or submission.status not in decisions.OPEN:
        await _refuse_decided(query, submission, ctx)
        return
    await query.answer()
    rows = [
        [
            InlineKeyboardButton(
                text=text, callback_data=CDReason(sid=sid, decision=decision.value, reason=i).pack()
            )
        ]
        for i, text in enumerate(reasons(_lead_days(submission, ctx)))
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("✖️ Отмена"),
                callback_data=CDReason(sid=sid, decision=decision.value, reason=-1).pack(),
            )
        ]
    )
    if not isinstance(query.message, Message):
        return
    prompt = await query.message.reply(
        render(
            "review_comment_prompt.html.j2",
            who=query.from_user.full_name,
            number=sid,
            changes=decision is Decision.CHANGES,
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )
    await state.set_state(ReviewComment.waiting)
    await state.set_data({"sid": sid, "decision": decision.value, "prompt": prompt.message_id})


async def on_reason(
    query: CallbackQuery,
    callback_data: CDReason,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    ctx: Ctx,
) -> None:
    if not (await ctx.roles()).staff:
        await query.answer(
            _("Действовать по заявкам могут только сотрудники института."), show_alert=True
        )
        return
    if isinstance(query.message, Message):
        await _drop_prompt(bot, query.message)
    submission = await ctx.uow.submissions.get(callback_data.sid)
    presets = reasons(_lead_days(submission, ctx))
    if callback_data.reason < 0 or callback_data.reason >= len(presets):
        await state.clear()
        await query.answer(_("Отменено."))
        return
    await state.clear()
    comment = presets[callback_data.reason]
    result = await decisions.decide(
        ctx.uow,
        callback_data.sid,
        Decision(callback_data.decision),
        query.from_user.id,
        query.from_user.full_name,
        comment,
        ctx.clock.now(),
        destinations=ctx.destinations,
    )
    await _after(query, result, ctx)


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


async def _after(query: CallbackQuery, result: decisions.Result, ctx: Ctx) -> None:
    if result.outcome is Outcome.NOT_FOUND or result.submission is None:
        await query.answer(_("Такой заявки нет."), show_alert=True)
        return
    if result.outcome is Outcome.ALREADY_DECIDED:
        await _refuse_decided(query, result.submission, ctx)
        return
    if result.outcome is Outcome.CONCLUSION_MISSING:
        await query.answer(
            _(
                "Одобрить можно только после экспертного заключения: нажмите "
                "«🧾 Экспертное заключение» на карточке."
            ),
            show_alert=True,
        )
        return
    if result.outcome is Outcome.CONCLUSION_AGAINST:
        given = expertise.given(result.submission)
        await query.answer(
            _(
                "По экспертному заключению — «{outcome}»: одобрить нельзя. Верните заявку на "
                "доработку или отклоните её."
            ).format(outcome=given.outcome_title if given else ""),
            show_alert=True,
        )
        return
    await query.answer(_("Готово."))


async def _refuse_decided(query: CallbackQuery, submission: Submission | None, ctx: Ctx) -> None:
    if submission is None:
        await query.answer(_("Такой заявки нет."), show_alert=True)
        return
    await query.answer(
        render_plain("review_already.j2", s=submission, zone=ctx.zone), show_alert=True
    )


async def on_fix(query: CallbackQuery, callback_data: CDFix, state: FSMContext, ctx: Ctx) -> None:
    """The coordinator reopens the submission sent back to them; the preview is the way in."""
    person = await ctx.person()
    message = query.message
    if person is None or not isinstance(message, Message):
        await query.answer(_("Исправлять может только координатор школы."), show_alert=True)
        return
    submission = await decisions.reopen(ctx.uow, callback_data.sid, person, ctx.clock.now())
    if submission is None:
        current = await ctx.uow.submissions.get(callback_data.sid)
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
    router.callback_query.register(on_card_button, CDReview.filter())
    router.callback_query.register(on_reason, CDReason.filter())
    router.callback_query.register(on_fix, CDFix.filter())
    router.message.register(
        on_comment,
        ReviewComment.waiting,
        F.chat.id == staff_chat_id,
        F.text,
        ~F.text.startswith("/"),
    )
    return router
