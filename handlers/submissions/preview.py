"""Before sending: everything as staff will see it, "Send" and "Edit field"; then sending once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions import passport_texts, report_chart, texts
from handlers.submissions.state import (
    Act,
    CDForm,
    FormDialog,
    button,
    current,
    current_or_tell,
    lost_draft,
    summary,
    taken,
)
from handlers.ui.buttons import Labelled, labelled, with_listing
from handlers.ui.dialogs import ask_again, nav_row, question
from handlers.ui.menu import show_menu
from handlers.ui.render import render
from services import validation
from services.programmes.deadlines import Verdict
from services.submissions import drafts, sending
from services.submissions.drafts import Snapshot
from services.submissions.fields import TEXT_MAX, FieldSpec
from services.submissions.forms import Form
from services.submissions.sending import SendOutcome
from storage.models import Submission


@dataclass(frozen=True)
class Draft:
    """The draft a preview button is about, and the message the button is under."""

    message: Message
    snap: Snapshot
    form: Form


@question(FormDialog.preview)
async def show_preview(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    await state.update_data(editing=False)
    missing = form.missing(snap.values, snap.file_counts)
    timing = await sending.current_timing(ctx.uow, ctx.programmes, snap, ctx.clock.now(), ctx.zone)
    await report_chart.show(message, state, snap, ctx)  # a report's events by month, above it
    await message.answer(
        render(
            "form_preview.html.j2",
            kind=passport_texts.title_of(snap.submission),
            school=snap.submission.school.name,
            rows=summary(snap, ctx.programmes, ctx.zone),
            missing=[_missing_label(form, item) for item in missing],
            timing=timing,
        ),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [button(_("✅ Отправить"), Act.SEND)],
                [button(_("✏️ Изменить поле"), Act.EDIT)],
                [button(_("✖️ Отмена"), Act.CANCEL)],
            ]
        ),
    )


def _missing_label(form: Form, item: str) -> str:
    field = form.field(item)
    return texts.label(field) if field is not None else texts.missing_rule(item)


async def _draft_of(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> Draft | None:
    """The draft the preview shows, still there; else the press is told it is done."""
    message = query.message
    loaded = await current(state, ctx)
    if not isinstance(message, Message) or loaded is None:
        await _already_handled(query, ctx)
        return None
    return Draft(message, *loaded)


async def on_send(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (draft := await _draft_of(query, state, ctx)) is not None:
        await _send(query, draft.message, state, ctx, late_reason=None)


async def on_edit(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """«Изменить поле»: which one, a button a question that applies."""
    if (draft := await _draft_of(query, state, ctx)) is None:
        return
    await taken(query)
    await state.set_state(FormDialog.edit)
    form, active = draft.form, draft.form.active(draft.snap.values)
    shown = edit_labels(form.fields, active)
    rows = [
        [button(label, Act.FIELD, str(index))]
        for index, label in zip(
            (i for i, field in enumerate(form.fields) if field in active), shown.labels, strict=True
        )
    ]
    rows.append([button(_("◀️ Назад"), Act.BACK)])
    await draft.message.answer(
        with_listing(_("Какое поле изменить?"), shown.listing),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


def edit_labels(fields: Sequence[FieldSpec], active: Sequence[FieldSpec]) -> Labelled:
    """The questions that apply now, as «Изменить поле» shows them."""
    return labelled([texts.label(field) for field in fields if field in active])


async def on_cancel(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (draft := await _draft_of(query, state, ctx)) is None:
        return
    await taken(query)
    await state.clear()
    await show_menu(
        draft.message,
        (await ctx.roles()),
        intro=_("Черновик сохранён. Вернуться к нему можно из меню."),
    )


async def on_field(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    """The field to change: its question, then back to the preview."""
    if (draft := await _draft_of(query, state, ctx)) is None:
        return
    fields = draft.form.fields
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(fields):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    await taken(query)
    await state.update_data(field=fields[index].id, editing=True)
    await state.set_state(FormDialog.answer)
    await ask_again(draft.message, state, ctx)


async def on_edit_back(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """Back to the preview without changing a field."""
    if (draft := await _draft_of(query, state, ctx)) is None:
        return
    await taken(query)
    await state.set_state(FormDialog.preview)
    await ask_again(draft.message, state, ctx)


async def _send(
    query: CallbackQuery | None,
    message: Message,
    state: FSMContext,
    ctx: Ctx,
    late_reason: str | None,
) -> None:
    if query is not None:
        await query.answer()
    data = await state.get_data()
    result = await sending.send(
        ctx.uow,
        ctx.programmes,
        data["sid"],
        (await ctx.member()).id,
        ctx.clock.now(),
        ctx.zone,
        late_reason,
        ctx.staff_chat_id,
    )
    if query is not None:
        await message.edit_reply_markup(reply_markup=None)
    outcome = result.outcome
    if outcome is SendOutcome.SENT and result.submission is not None:
        await state.clear()
        await show_menu(message, (await ctx.roles()), intro=sent_text(result.submission))
    elif outcome is SendOutcome.INCOMPLETE:
        await message.answer(_("Не все обязательные поля заполнены. Продолжим с первого пустого."))
        first = result.missing[0]
        form = drafts.form_of(ctx.programmes, drafts.snapshot(result.submission))  # type: ignore[arg-type]
        target = form.field(first) or next(f for f in form.fields if f.optional)
        await state.update_data(field=target.id, editing=True)
        await state.set_state(FormDialog.answer)
        await ask_again(message, state, ctx)
    elif outcome is SendOutcome.NEEDS_LATE_REASON:
        await state.set_state(FormDialog.late_reason)
        await ask_again(message, state, ctx)
    elif outcome is SendOutcome.NOT_YET and result.timing and result.timing.by_order:
        await state.clear()
        await show_menu(
            message,
            (await ctx.roles()),
            intro=_(
                "Черновик сохранён, но не отправлен: сейчас приём закрыт. Он откроется по "
                "распоряжению, и я сообщу, когда он начнётся; тогда заявку можно будет отправить."
            ),
        )
    elif outcome is SendOutcome.NOT_YET and result.timing and result.timing.opens:
        await state.clear()
        await show_menu(
            message,
            (await ctx.roles()),
            intro=_("Черновик сохранён. Отправить его можно будет с {day}: я напомню.").format(
                day=result.timing.opens.strftime("%d.%m.%Y")
            ),
        )
    elif outcome is SendOutcome.PAST_EVENT:
        await message.answer(_("Дата мероприятия уже прошла. Укажите новую дату."))
        await state.update_data(field="event_at", editing=True)
        await state.set_state(FormDialog.answer)
        await ask_again(message, state, ctx)
    else:
        await lost_draft(message, state)


def sent_text(submission: Submission) -> str:
    return render(
        "submission_sent.html.j2",
        kind=passport_texts.kind_of(submission),
        number=submission.id,
        late=submission.late,
    )


async def _already_handled(query: CallbackQuery, ctx: Ctx) -> None:
    """A second tap on "Send" (or a button of a finished form) changes nothing."""
    await query.answer(
        _("Это уже сделано: форма закрыта. Статус — в «📂 Мои документы»."), show_alert=True
    )


@question(FormDialog.late_reason)
async def ask_late_reason(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    timing = await sending.current_timing(
        ctx.uow, ctx.programmes, loaded[0], ctx.clock.now(), ctx.zone
    )
    await message.answer(
        render("late_reason.html.j2", timing=timing, verdict_late=timing.verdict is Verdict.LATE),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[button(_("◀️ Назад"), Act.BACK), *nav_row(back=False)]]
        ),
    )


async def on_late_reason(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        reason = validation.text(message.text or "", TEXT_MAX)
    except validation.InvalidInputError:
        await message.answer(_("Напишите причину опоздания текстом, до 3000 символов."))
        return
    await _send(None, message, state, ctx, late_reason=reason)


async def on_late_back(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await state.set_state(FormDialog.preview)
        await ask_again(query.message, state, ctx)


def setup() -> Router:
    router = Router(name="form-preview")
    router.message.filter(F.chat.type == "private")
    buttons = router.callback_query
    preview, edit = FormDialog.preview, FormDialog.edit
    buttons.register(on_send, CDForm.filter(F.action == Act.SEND), preview)
    buttons.register(on_edit, CDForm.filter(F.action == Act.EDIT), preview)
    buttons.register(on_cancel, CDForm.filter(F.action == Act.CANCEL), preview)
    buttons.register(on_field, CDForm.filter(F.action == Act.FIELD), edit)
    buttons.register(on_edit_back, CDForm.filter(F.action == Act.BACK), edit)
    buttons.register(on_late_back, CDForm.filter(F.action == Act.BACK), FormDialog.late_reason)
    router.message.register(on_late_reason, FormDialog.late_reason, F.text)
    buttons.register(_already_handled, CDForm.filter(F.action == Act.SEND))
    return router
