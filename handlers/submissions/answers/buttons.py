"""The buttons under a question of the form: one small handler per action.

Each handler takes only presses that fit the question now asked (a choice of a choice question,
«Готово» of a list...); any other gets a short answer and changes nothing, as does an action
of another step, which no handler here takes and the fallback answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions.answers.asking import LISTS, advance, ask, save_and_move_on
from handlers.submissions.answers.typed import answer
from handlers.submissions.state import Act, CDForm, FormDialog, current
from handlers.ui.dialogs import ask_again
from handlers.ui.menu import show_menu
from services.submissions import drafts
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldSpec, FieldType
from services.submissions.forms import Form

Fits = Callable[[FieldSpec, Snapshot, str], bool]
"""Whether a press (its value) fits the question asked now, its answer so far."""
Handler = Callable[[CallbackQuery, CDForm, FSMContext, Ctx], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    """The question a press is about, its buttons already taken off."""

    message: Message
    snap: Snapshot
    form: Form
    field: FieldSpec


async def _step(
    query: CallbackQuery,
    callback_data: CDForm,
    state: FSMContext,
    ctx: Ctx,
    fits: Fits | None = None,
) -> Step | None:
    """The question asked now, if the press fits it; else the press is answered why not."""
    message = query.message
    loaded = await current(state, ctx)
    if not isinstance(message, Message) or loaded is None:
        await query.answer(_("Этот шаг уже завершён."))
        return None
    snap, form = loaded
    field = form.field((await state.get_data()).get("field") or "")
    if field is None:
        await query.answer()
        await ask(message, state, ctx)
        return None
    if fits is not None and not fits(field, snap, callback_data.value):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return None
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    return Step(message, snap, form, field)


def _of_type(*types: FieldType) -> Fits:
    return lambda field, snap, value: field.type in types


def _answered(field: FieldSpec, snap: Snapshot, value: str) -> bool:
    return snap.values.get(field.id) not in (None, "") and field.type not in LISTS


def _optional(field: FieldSpec, snap: Snapshot, value: str) -> bool:
    return field.optional


def _a_choice(field: FieldSpec, snap: Snapshot, value: str) -> bool:
    return field.type is FieldType.CHOICE and value.isdigit() and int(value) < len(field.choices)


async def on_cancel(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    if (step := await _step(query, callback_data, state, ctx)) is None:
        return
    await state.clear()
    await show_menu(
        step.message,
        await ctx.roles(),
        intro=_("Черновик сохранён. Вернуться к нему можно из меню."),
    )


async def on_back(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    if (step := await _step(query, callback_data, state, ctx)) is None:
        return
    previous = step.form.before(step.field.id, step.snap.values)
    if previous is None:
        await step.message.answer(_("Это первый вопрос."))
    else:
        await state.update_data(field=previous.id)
    await ask(step.message, state, ctx)


async def on_keep(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    """«Оставить как есть»: the answer given before stays."""
    if (step := await _step(query, callback_data, state, ctx, _answered)) is not None:
        await advance(step.message, state, ctx, step.snap, step.form)


async def on_done(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    """«Готово» of a list: files, events, the schools of a network."""
    fits = _of_type(FieldType.FILES, FieldType.EVENTS, FieldType.NETWORK)
    if (step := await _step(query, callback_data, state, ctx, fits)) is not None:
        await advance(step.message, state, ctx, step.snap, step.form)


async def on_keep_late(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    """The event's date stays although it is late: the announcement will be marked so."""
    fits = _of_type(FieldType.DATETIME)
    if (step := await _step(query, callback_data, state, ctx, fits)) is not None:
        await advance(step.message, state, ctx, step.snap, step.form)


async def on_redate(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    """Another date instead of a late one: the date's question again."""
    fits = _of_type(FieldType.DATETIME)
    if (step := await _step(query, callback_data, state, ctx, fits)) is not None:
        await state.update_data(field="event_at")
        await ask(step.message, state, ctx)


async def on_skip(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    if (step := await _step(query, callback_data, state, ctx, _optional)) is None:
        return
    await save_and_move_on(step.message, state, ctx, step.field, None)


async def on_yes(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    fits = _of_type(FieldType.YES_NO)
    if (step := await _step(query, callback_data, state, ctx, fits)) is not None:
        await answer(step.message, state, ctx, step.field, True)


async def on_no(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    fits = _of_type(FieldType.YES_NO)
    if (step := await _step(query, callback_data, state, ctx, fits)) is not None:
        await answer(step.message, state, ctx, step.field, False)


async def on_choice(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    if (step := await _step(query, callback_data, state, ctx, _a_choice)) is not None:
        chosen = step.field.choices[int(callback_data.value)]
        await answer(step.message, state, ctx, step.field, chosen)


async def on_clear(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    """The files or the events given so far are removed; the question is asked again."""
    fits = _of_type(FieldType.FILES, FieldType.EVENTS)
    if (step := await _step(query, callback_data, state, ctx, fits)) is None:
        return
    sid, person_id = (await state.get_data())["sid"], (await ctx.member()).id
    if step.field.type is FieldType.FILES:
        await drafts.clear_files(ctx.uow, sid, person_id, step.field.id)
    else:
        await drafts.save_value(ctx.uow, sid, person_id, step.field.id, None, ctx.clock.now())
    await ask(step.message, state, ctx)


async def on_add(query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx) -> None:
    """«Добавить мероприятие»: the questions of one event (`plan_events`)."""
    fits = _of_type(FieldType.EVENTS)
    if (step := await _step(query, callback_data, state, ctx, fits)) is None:
        return
    await state.update_data(item={})
    await state.set_state(FormDialog.plan_event)
    await ask_again(step.message, state, ctx)


HANDLERS: dict[Act, Handler] = {
    Act.CANCEL: on_cancel,
    Act.BACK: on_back,
    Act.KEEP: on_keep,
    Act.DONE: on_done,
    Act.KEEP_LATE: on_keep_late,
    Act.REDATE: on_redate,
    Act.SKIP: on_skip,
    Act.YES: on_yes,
    Act.NO: on_no,
    Act.CHOICE: on_choice,
    Act.CLEAR: on_clear,
    Act.ADD: on_add,
}
"""The actions a question's buttons carry, and who serves each."""


def setup() -> Router:
    router = Router(name="form-buttons")
    for action, handler in HANDLERS.items():
        router.callback_query.register(
            handler, CDForm.filter(F.action == action), FormDialog.answer
        )
    return router
