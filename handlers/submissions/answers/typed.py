"""Typed answers: text read by the question's type, then saved; dates checked for lateness."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions.answers.asking import (
    answered,
    ask,
    move_on,
    save,
    save_and_move_on,
)
from handlers.submissions.field_errors import explain
from handlers.submissions.network.listing import on_name
from handlers.submissions.state import Act, FormDialog, button, current_or_tell
from handlers.ui.dialogs import ask_again
from handlers.ui.render import render
from services.programmes.deadlines import Verdict, announcement_timing
from services.submissions import sending
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldError, FieldSpec, FieldType
from services.submissions.parsing import parse_text


async def on_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    form = loaded[1]
    field = form.field((await state.get_data()).get("field") or "")
    if field is None:
        await ask(message, state, ctx)
        return
    if field.type is FieldType.NETWORK:
        await on_name(message, state, ctx)
        return
    said = (message.text or "").strip().casefold()
    if field.type is FieldType.YES_NO and said in _yes_no():
        await answer(message, state, ctx, field, _yes_no()[said])
        return
    try:
        value = parse_text(field, message.text or "", ctx.clock.now(), ctx.zone)
    except FieldError as error:
        await message.answer(explain(error, field))
        await ask(message, state, ctx)
        return
    await answer(message, state, ctx, field, value)


def _yes_no() -> dict[str, bool]:
    return {_("да").casefold(): True, _("нет").casefold(): False, "да": True, "нет": False}


async def answer(
    message: Message, state: FSMContext, ctx: Ctx, field: FieldSpec, value: Any
) -> None:
    """Save the answer to the question and move on (a late event date asks first)."""
    if field.type is not FieldType.DATETIME:
        await save_and_move_on(message, state, ctx, field, value)
        return
    if not await _date_acceptable(message, state, ctx, value):
        return
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    dated = replace(snap, values=answered(snap.values, field, value))
    late = _late(ctx, dated)
    if late is None:  # on time: the next question is noted with the answer, in one commit
        await move_on(state, form, dated.values)
    saved = await save(message, state, ctx, field, value)
    if saved is None:
        return
    if late is None:
        await ask_again(message, state, ctx)
    else:
        await _warn_late(message, ctx, saved, late)


async def _date_acceptable(message: Message, state: FSMContext, ctx: Ctx, value: str) -> bool:
    # Whether the moment has passed does not depend on the programme's lead time.
    timing = announcement_timing(
        ctx.programmes.default,
        datetime.fromisoformat(value),
        ctx.clock.now(),
        ctx.zone,
    )
    if timing.verdict is Verdict.PAST:
        await message.answer(_("Это время уже прошло. Выберите дату в будущем."))
        await ask(message, state, ctx)
        return False
    return True


def _late(ctx: Ctx, snap: Snapshot) -> date | None:
    """The deadline the event's date misses (the programme's lead time), if it does."""
    timing = sending.timing_of(ctx.programmes, snap, ctx.clock.now(), ctx.zone)
    if timing.verdict is not Verdict.LATE or timing.deadline is None:
        return None
    return timing.deadline


async def _warn_late(message: Message, ctx: Ctx, snap: Snapshot, deadline: date) -> None:
    """Too late for the lead time: keep the date (sent marked late) or pick another."""
    await message.answer(
        render(
            "announcement_late.html.j2",
            lead_days=ctx.programmes.of(snap.submission.programme).announcements.lead_days,
            deadline=deadline.strftime("%d.%m.%Y"),
        ),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [button(_("⏳ Оставить дату"), Act.KEEP_LATE)],
                [button(_("📅 Изменить дату"), Act.REDATE)],
            ]
        ),
    )


def setup() -> Router:
    router = Router(name="form-text")
    router.message.register(on_text, F.chat.type == "private", FormDialog.answer, F.text)
    return router
