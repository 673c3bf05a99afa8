"""The expert conclusion on the staff card: each criterion by buttons, then the outcome.

The answers so far travel in the buttons' callback data (one letter per criterion), so the walk
survives restarts and needs no dialog state in the group. Only the reviewer who started a walk
can go on with it; the first conclusion saved stays, and later presses are told so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from pydantic import Field

from handlers.context import Ctx, Staff
from handlers.ui.render import render, render_plain
from handlers.ui.staff import staff_or_refuse
from services.programmes.schema import ExpertConclusion
from services.review import decisions, expertise
from services.review.expertise import MET, NOT_MET, Recorded
from storage.models import Submission

log = logging.getLogger(__name__)

BUTTON_TEXT_MAX = 60


REFUSAL = __("Действовать по заявкам могут только сотрудники института.")


class ExpertAct(StrEnum):
    ASK = "ask"
    """Show the step after the answers `a`."""
    SAVE = "save"
    """Save the conclusion: the answers `a` and the outcome `o`."""
    CANCEL = "cancel"


class CDExpert(CallbackData, prefix="ex"):
    act: ExpertAct
    sid: int = Field(ge=1)
    by: int = Field(ge=1)
    """The reviewer who started the walk."""
    a: str = ""
    """One letter per criterion answered (`MET`, `NOT_MET`); checked against the definition."""
    o: int = Field(default=-1, ge=-1)
    """The outcome's index in the definition, for `SAVE`."""


def _button(
    text: str, act: ExpertAct, sid: int, by: int, answers: str = "", outcome: int = -1
) -> InlineKeyboardButton:
    data = CDExpert(act=act, sid=sid, by=by, a=answers, o=outcome).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _step(
    submission: Submission, definition: ExpertConclusion, by: int, who: str, answers: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The message of one step: the answers so far and the next criterion or the outcome."""
    criteria = definition.criteria
    done = [(c.title, answer == MET) for c, answer in zip(criteria, answers, strict=False)]
    current = criteria[len(answers)] if len(answers) < len(criteria) else None
    text = render(
        "expert_step.html.j2",
        title=definition.title,
        s=submission,
        who=who,
        done=done,
        criterion=current.title if current else "",
        number=len(answers) + 1,
        total=len(criteria),
    )
    sid = submission.id
    rows: list[list[InlineKeyboardButton]]
    if current is not None:
        rows = [
            [
                _button(_("✅ Соответствует"), ExpertAct.ASK, sid, by, answers + MET),
                _button(_("❌ Не соответствует"), ExpertAct.ASK, sid, by, answers + NOT_MET),
            ]
        ]
    else:
        rows = [
            [_button(_shorten(outcome.title), ExpertAct.SAVE, sid, by, answers, index)]
            for index, outcome in enumerate(definition.outcomes)
        ]
    navigation = [_button(_("✖️ Отмена"), ExpertAct.CANCEL, sid, by, answers)]
    if answers:
        navigation.insert(0, _button(_("◀️ Назад"), ExpertAct.ASK, sid, by, answers[:-1]))
    rows.append(navigation)
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _shorten(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT_MAX else text[: BUTTON_TEXT_MAX - 1] + "…"


async def _refusal(submission: Submission | None, ctx: Ctx) -> str | None:
    """Why nothing can be done on this submission's conclusion now; None if it can."""
    if submission is None:
        return _("Такой заявки нет.")
    if submission.status not in expertise.OPEN:
        return render_plain("review_already.j2", s=submission, zone=ctx.zone)
    if expertise.definition_for(ctx.programmes, submission) is None:
        return _("Для этой заявки экспертное заключение не требуется.")
    given = expertise.given(submission)
    if given is not None:
        return _("Экспертное заключение уже дано: {who}, «{outcome}».").format(
            who=given.by, outcome=given.outcome_title
        )
    return None


async def start(query: CallbackQuery, submission_id: int, ctx: Ctx) -> None:
    """«🧾 Экспертное заключение» on the card: the first criterion, in a reply to the card."""
    submission = await decisions.submission(ctx.uow, submission_id)
    refusal = await _refusal(submission, ctx)
    if refusal is not None or submission is None:
        await query.answer(refusal, show_alert=True)
        return
    definition = expertise.definition_for(ctx.programmes, submission)
    assert definition is not None  # checked by _refusal
    await query.answer()
    if not isinstance(query.message, Message):
        return
    text, markup = _step(submission, definition, query.from_user.id, query.from_user.full_name, "")
    await query.message.reply(text, reply_markup=markup)


@dataclass(frozen=True)
class Walk:
    """The conclusion a step's button is about, still open to its reviewer."""

    submission: Submission
    definition: ExpertConclusion
    message: Message | None


async def _walk(query: CallbackQuery, callback_data: CDExpert, bot: Bot, ctx: Ctx) -> Walk | None:
    """The walk, if the press may go on with it; else the press is answered why not."""
    if not await staff_or_refuse(query, ctx, str(REFUSAL)):
        return None
    if callback_data.by != query.from_user.id:
        await query.answer(
            _(
                "Это заключение заполняет другой сотрудник. Своё можно начать кнопкой "
                "«🧾 Экспертное заключение» на карточке."
            ),
            show_alert=True,
        )
        return None
    message = query.message if isinstance(query.message, Message) else None
    submission = await decisions.submission(ctx.uow, callback_data.sid)
    refusal = await _refusal(submission, ctx)
    if refusal is not None or submission is None:
        await query.answer(refusal, show_alert=True)
        await _drop_buttons(bot, message)
        return None
    definition = expertise.definition_for(ctx.programmes, submission)
    assert definition is not None  # checked by _refusal
    return Walk(submission, definition, message)


async def on_cancel(query: CallbackQuery, callback_data: CDExpert, bot: Bot, ctx: Ctx) -> None:
    if (walk := await _walk(query, callback_data, bot, ctx)) is not None:
        await query.answer(_("Отменено: заключение не сохранено."))
        await _drop_buttons(bot, walk.message)


async def on_ask(query: CallbackQuery, callback_data: CDExpert, bot: Bot, ctx: Ctx) -> None:
    """The next criterion (or the outcomes) after the answers so far; Back is one fewer."""
    if (walk := await _walk(query, callback_data, bot, ctx)) is None:
        return
    if not expertise.valid_answers(walk.definition, callback_data.a):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    await query.answer()
    text, markup = _step(
        walk.submission,
        walk.definition,
        query.from_user.id,
        query.from_user.full_name,
        callback_data.a,
    )
    if walk.message is not None:
        await walk.message.edit_text(text, reply_markup=markup)


async def on_save(query: CallbackQuery, callback_data: CDExpert, bot: Bot, ctx: Ctx) -> None:
    if (walk := await _walk(query, callback_data, bot, ctx)) is not None:
        await _save(query, callback_data, walk.message, bot, ctx)


async def not_staff(query: CallbackQuery) -> None:
    await query.answer(str(REFUSAL), show_alert=True)


async def _save(
    query: CallbackQuery,
    callback_data: CDExpert,
    message: Message | None,
    bot: Bot,
    ctx: Ctx,
) -> None:
    result = await expertise.record(
        ctx.uow,
        ctx.programmes,
        callback_data.sid,
        callback_data.a,
        callback_data.o,
        query.from_user.id,
        query.from_user.full_name,
        ctx.clock.now(),
        ctx.staff_chat_id,
    )
    if result.outcome is Recorded.INVALID:
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if result.outcome is not Recorded.DONE or result.submission is None:
        await query.answer(await _refusal(result.submission, ctx), show_alert=True)
        await _drop_buttons(bot, message)
        return
    given = expertise.given(result.submission)
    await query.answer(_("Заключение сохранено."))
    if message is not None and given is not None:
        await message.edit_text(
            render("expert_saved.html.j2", s=result.submission, c=given, zone=ctx.zone),
            reply_markup=None,
        )


async def _drop_buttons(bot: Bot, message: Message | None) -> None:
    if message is None:
        return
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )
    except TelegramAPIError:
        log.debug("expert step %s already without buttons", message.message_id)


def setup() -> Router:
    router = Router(name="expertise")
    buttons, staff = router.callback_query, Staff()
    buttons.register(on_ask, CDExpert.filter(F.act == ExpertAct.ASK), staff)
    buttons.register(on_save, CDExpert.filter(F.act == ExpertAct.SAVE), staff)
    buttons.register(on_cancel, CDExpert.filter(F.act == ExpertAct.CANCEL), staff)
    buttons.register(not_staff, CDExpert.filter())
    return router
