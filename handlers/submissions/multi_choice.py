"""Several options of one question: each tap ticks or unticks one, «Готово» moves on."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions.answers import advance, keyboard
from handlers.submissions.keyboards import CDPick, chosen
from handlers.submissions.state import FormDialog, current, lost_draft
from services.submissions import drafts
from services.submissions.fields import FieldType


async def on_button(
    query: CallbackQuery, callback_data: CDPick, state: FSMContext, ctx: Ctx
) -> None:
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
        return
    snap, form = loaded
    ticked = chosen(field, snap.values.get(field.id))
    if callback_data.action == "done":
        if not ticked and not field.optional:
            await query.answer(_("Отметьте хотя бы один вариант."), show_alert=True)
            return
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await advance(message, state, ctx, snap, form)
        return
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(field.choices):
        await query.answer()
        return
    option = field.choices[index]
    wanted = set(ticked) ^ {option}
    value = [choice for choice in field.choices if choice in wanted]
    updated = await drafts.save_value(
        ctx.uow,
        snap.submission.id,
        (await ctx.member()).id,
        field.id,
        value or None,
        ctx.clock.now(),
    )
    if updated is None:
        await query.answer()
        await lost_draft(message, state)
        return
    await query.answer(_("Отмечено") if option in wanted else _("Снято"))
    await message.edit_reply_markup(reply_markup=keyboard(field, form, updated, ctx))


def setup() -> Router:
    router = Router(name="form-multi")
    router.callback_query.register(
        on_button, CDPick.filter(F.action.in_({"toggle", "done"})), FormDialog.answer
    )
    return router
