"""A draft met again: continue it where it stopped, or throw it away and begin anew."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions import passport_texts
from handlers.submissions.state import (
    Act,
    CDForm,
    FormDialog,
    button,
    current_or_tell,
    lost_draft,
    taken,
)
from handlers.ui.dialogs import ask_again, question
from handlers.ui.render import render
from services.domain import SubmissionKind
from services.submissions import drafts, sending
from storage.models import Submission


async def introduce(message: Message, submission: Submission, ctx: Ctx) -> None:
    """What the coordinator should know before the first question: window, known events."""
    snap = drafts.snapshot(submission)
    timing = await sending.current_timing(ctx.uow, ctx.programmes, snap, ctx.clock.now(), ctx.zone)
    text = render(
        "form_intro.html.j2",
        kind=passport_texts.kind_of(submission),
        title=passport_texts.title_of(submission),
        note=_note(submission, ctx),
        timing=timing,
        context=snap.context,
        zone=ctx.zone,
    )
    if text:
        await message.answer(text)


def _note(submission: Submission, ctx: Ctx) -> str | None:
    """The programme's word on this kind of application, if it has one."""
    if submission.kind is not SubmissionKind.APPLICATION:
        return None
    kind = ctx.programmes.of(submission.programme).applications.kinds().get(submission.variant)
    return kind.note if kind else None


@question(FormDialog.resume)
async def ask_resume(message: Message, state: FSMContext, ctx: Ctx) -> None:
    submission = await drafts.submission(ctx.uow, (await state.get_data())["sid"])
    if submission is None:
        await lost_draft(message, state)
        return
    await message.answer(
        _("У вас есть черновик: {kind}, начат {day}. Продолжить его или начать заново?").format(
            kind=passport_texts.kind_of(submission),
            day=submission.created_at.astimezone(ctx.zone).strftime("%d.%m.%Y"),
        ),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    button(_("▶️ Продолжить"), Act.CONTINUE, str(submission.id)),
                    button(_("🔄 Начать заново"), Act.RESTART, str(submission.id)),
                ],
                [button(_("✖️ Отмена"), Act.CANCEL)],
            ]
        ),
    )


async def _draft_of_button(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext
) -> Message | None:
    """The message of a "continue or start over" question about the draft being resumed."""
    if callback_data.value != str((await state.get_data()).get("sid")):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return None
    return await taken(query)


async def on_continue(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    if (message := await _draft_of_button(query, callback_data, state)) is not None:
        await resume_at_first_gap(message, state, ctx)


async def on_restart(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    if (message := await _draft_of_button(query, callback_data, state)) is None:
        return
    draft = await drafts.restart_draft(
        ctx.uow,
        ctx.programmes,
        await ctx.member(),
        int(callback_data.value),
        ctx.clock.now(),
        ctx.zone,
    )
    await state.set_data({"sid": draft.submission.id, "field": None})
    await introduce(message, draft.submission, ctx)
    await state.set_state(FormDialog.answer)
    await ask_again(message, state, ctx)


async def resume_at_first_gap(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """Continue a draft at its first required question without an answer, or at the preview."""
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    missing = [item for item in form.missing(snap.values, snap.file_counts) if form.field(item)]
    if missing:
        await state.update_data(field=missing[0])
        await state.set_state(FormDialog.answer)
    else:
        await state.set_state(FormDialog.preview)
    await ask_again(message, state, ctx)


def setup() -> Router:
    router = Router(name="resume")
    buttons = router.callback_query
    buttons.register(on_continue, CDForm.filter(F.action == Act.CONTINUE), FormDialog.resume)
    buttons.register(on_restart, CDForm.filter(F.action == Act.RESTART), FormDialog.resume)
    return router
