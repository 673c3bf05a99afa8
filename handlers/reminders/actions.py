"""Buttons of reminders: announce a planned event; say whether an event took place."""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.reminders.texts import CDAnnouncePlanned, CDHeld, CDOutcomeSkip
from handlers.submissions.field_errors import explain
from handlers.submissions.resume import resume_at_first_gap
from handlers.ui.dialogs import expiring, nav_keyboard, question
from services.submissions import drafts, outcomes
from services.submissions.fields import FieldError, FieldSpec, FieldType
from services.submissions.parsing import parse_text, parse_url

PARTICIPANTS = FieldSpec("participants", FieldType.NUMBER)
QUESTION_WAITS = timedelta(days=3)
"""Questions a reminder opened stop waiting after this: later text is not taken as an answer."""


class EventOutcome(StatesGroup):
    participants = State()
    link = State()


async def on_announce(
    query: CallbackQuery, callback_data: CDAnnouncePlanned, state: FSMContext, ctx: Ctx
) -> None:
    person = await ctx.person()
    draft = None
    if person is not None:
        draft = await drafts.draft_from_planned(
            ctx.uow, ctx.programmes, person, callback_data.event_id, ctx.clock.now()
        )
    if draft is None or not isinstance(query.message, Message):
        await query.answer(
            _("Анонс этого мероприятия может подать только координатор школы."), show_alert=True
        )
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await state.set_data({"sid": draft.id, "field": None})
    await resume_at_first_gap(query.message, state, ctx)


async def _event_of(query: CallbackQuery, callback_data: CDHeld, ctx: Ctx) -> Message | None:
    """The reminder's message, if the presser reports on the event; else the press is refused."""
    person = await ctx.person()
    message = query.message
    if (
        person is None
        or not isinstance(message, Message)
        or not await outcomes.reports_outcome(ctx.uow, callback_data.sid, person)
    ):
        await query.answer(_("Отвечать может только координатор школы."), show_alert=True)
        return None
    return message


async def on_not_held(query: CallbackQuery, callback_data: CDHeld, ctx: Ctx) -> None:
    if (message := await _event_of(query, callback_data, ctx)) is None:
        return
    saved = await outcomes.record_outcome(
        ctx.uow, callback_data.sid, await ctx.member(), False, None, None, ctx.clock.now()
    )
    await query.answer(
        _("Отмечено: мероприятие не состоялось.") if saved else _("Это не ваше мероприятие.")
    )
    if saved:
        await message.edit_reply_markup(reply_markup=None)


async def on_held(query: CallbackQuery, callback_data: CDHeld, state: FSMContext, ctx: Ctx) -> None:
    if (message := await _event_of(query, callback_data, ctx)) is None:
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await state.set_data(
        {"outcome_sid": callback_data.sid, **expiring(ctx.clock.now(), QUESTION_WAITS)}
    )
    await state.set_state(EventOutcome.participants)
    await ask_participants(message, state, ctx)


@question(EventOutcome.participants)
async def ask_participants(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _("Сколько человек участвовало? Напишите число."),
        reply_markup=nav_keyboard(back=False),
    )


async def on_participants(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        count = parse_text(PARTICIPANTS, message.text or "", ctx.clock.now(), ctx.zone)
    except FieldError as error:
        await message.answer(explain(error, PARTICIPANTS))
        await ask_participants(message, state, ctx)
        return
    data = await state.get_data()
    await state.set_state(EventOutcome.link)
    saved = await outcomes.record_outcome(
        ctx.uow, data["outcome_sid"], await ctx.member(), True, count, None, ctx.clock.now()
    )
    if not saved:
        await state.clear()
        await message.answer(_("Не удалось сохранить: это мероприятие не вашей школы."))
        return
    await ask_link(message, state, ctx)


@question(EventOutcome.link)
async def ask_link(message: Message, state: FSMContext, ctx: Ctx) -> None:
    skip = InlineKeyboardButton(text=_("Пропустить"), callback_data=CDOutcomeSkip().pack())
    await message.answer(
        _(
            "Записал. Ссылка на материалы мероприятия (фото, презентации), если есть. "
            "Если нет — нажмите «Пропустить»."
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[skip]]),
    )


async def on_link(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        link = parse_url(message.text or "")
    except FieldError as error:
        await message.answer(explain(error, FieldSpec("link", FieldType.URL)))
        await ask_link(message, state, ctx)
        return
    data = await state.get_data()
    await state.clear()
    await outcomes.record_outcome(
        ctx.uow, data["outcome_sid"], await ctx.member(), True, None, link, ctx.clock.now()
    )
    await message.answer(_("Спасибо! Это войдёт в годовой отчёт."))


async def on_skip(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Спасибо! Это войдёт в годовой отчёт."))


def setup() -> Router:
    router = Router(name="reminder-actions")
    router.callback_query.register(on_announce, CDAnnouncePlanned.filter())
    router.callback_query.register(on_held, CDHeld.filter(F.held))
    router.callback_query.register(on_not_held, CDHeld.filter(~F.held))
    router.callback_query.register(on_skip, CDOutcomeSkip.filter(), EventOutcome.link)
    router.message.register(
        on_participants, EventOutcome.participants, F.text, F.chat.type == "private"
    )
    router.message.register(on_link, EventOutcome.link, F.text, F.chat.type == "private")
    return router
