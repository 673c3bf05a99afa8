"""Several options of one question: each tap ticks or unticks one, «Готово» moves on."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions.answers.asking import advance, keyboard
from handlers.submissions.keyboards import CDPick, PickAct, chosen
from handlers.submissions.state import FormDialog, current, lost_draft
from services.submissions import drafts
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldSpec, FieldType
from services.submissions.forms import Form


@dataclass(frozen=True)
class Options:
    """The several-options question asked now, and what is ticked so far."""

    message: Message
    snap: Snapshot
    form: Form
    field: FieldSpec
    ticked: list[str]


async def _options(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> Options | None:
    """The question, if one of several options is asked now; else the press is answered."""
    message = query.message
    loaded = await current(state, ctx)
    field = loaded[1].field((await state.get_data()).get("field") or "") if loaded else None
    if (
        not isinstance(message, Message)
        or loaded is None
        or field is None
        or field.type is not FieldType.MULTI_CHOICE
    ):
        await query.answer(_("Этот шаг уже завершён."))
        return None
    snap, form = loaded
    return Options(message, snap, form, field, chosen(field, snap.values.get(field.id)))


async def on_done(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (asked := await _options(query, state, ctx)) is None:
        return
    if not asked.ticked and not asked.field.optional:
        await query.answer(_("Отметьте хотя бы один вариант."), show_alert=True)
        return
    await query.answer()
    await asked.message.edit_reply_markup(reply_markup=None)
    await advance(asked.message, state, ctx, asked.snap, asked.form)


async def on_toggle(
    query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx
) -> None:
    if (asked := await _options(query, state, ctx)) is None:
        return
    field = asked.field
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(field.choices):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    option = field.choices[index]
    wanted = set(asked.ticked) ^ {option}
    value = [choice for choice in field.choices if choice in wanted]
    updated = await drafts.save_value(
        ctx.uow,
        asked.snap.submission.id,
        (await ctx.member()).id,
        field.id,
        value or None,
        ctx.clock.now(),
    )
    if updated is None:
        await query.answer()
        await lost_draft(asked.message, state)
        return
    await query.answer(_("Отмечено") if option in wanted else _("Снято"))
    await asked.message.edit_reply_markup(reply_markup=keyboard(field, updated, ctx))


def setup() -> Router:
    router = Router(name="form-multi")
    buttons = router.callback_query
    buttons.register(on_done, CDPick.filter(F.action == PickAct.DONE), FormDialog.answer)
    buttons.register(on_toggle, CDPick.filter(F.action == PickAct.TOGGLE), FormDialog.answer)
    return router
