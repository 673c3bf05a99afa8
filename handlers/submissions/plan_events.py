"""Entering the events of a plan one by one: title, form, dates, responsible person..."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.submissions.field_errors import explain
from handlers.submissions.state import Act, CDForm, FormDialog, button, lost_draft, taken
from handlers.ui.buttons import labelled, with_listing
from handlers.ui.dialogs import ask_again, question
from services.programmes.roadmaps import ROADMAP
from services.programmes.schema import Programme
from services.submissions import drafts
from services.submissions.fields import FieldError, FieldSpec, FieldType
from services.submissions.forms import ACTIVITY_FIELDS
from services.submissions.parsing import parse_text

OPTIONAL = frozenset({"expected_result", "audience"})


async def _fields(state: FSMContext, ctx: Ctx) -> list[FieldSpec]:
    """The questions of one event, as the plan's programme lists them."""
    if (await state.get_data()).get("field") == "activities":
        return [FieldSpec(name, FieldType.TEXT) for name in ACTIVITY_FIELDS]
    plan = await drafts.submission(ctx.uow, (await state.get_data()).get("sid", 0))
    programmes = ctx.programmes
    programme = programmes.of(plan.programme) if plan else programmes.default
    return item_fields(programme, roadmap=plan is not None and plan.variant == ROADMAP)


def item_fields(programme: Programme, *, roadmap: bool) -> list[FieldSpec]:
    """The questions about one event of a plan (a roadmap's carry its school year)."""
    fields = []
    for name in programme.reports.plan_fields:
        if name == "school_year" and roadmap:
            # The roadmap lists events by school year for the whole term (Krasnodar 3.5).
            fields.append(FieldSpec(name, FieldType.TEXT))
            continue
        if name == "school_year":
            continue
        if name == "form":
            fields.append(FieldSpec(name, FieldType.CHOICE, choices=programme.announcements.forms))
        else:
            fields.append(FieldSpec(name, FieldType.TEXT, optional=name in OPTIONAL))
    return fields


def _questions() -> dict[str, str]:
    return {
        "school_year": _("Учебный год мероприятия, например 2027/2028."),
        "title": _("Название мероприятия."),
        "form": _("Форма мероприятия."),
        "dates": _("Сроки: месяц или дата, например «декабрь 2026» или «15.12.2026»."),
        "responsible": _("Ответственный (ФИО)."),
        "audience": _("Для кого мероприятие (необязательно)."),
        "expected_result": _("Ожидаемый результат (необязательно)."),
    }


@question(FormDialog.plan_event)
async def ask_item(message: Message, state: FSMContext, ctx: Ctx) -> None:
    data = await state.get_data()
    item = data.get("item") or {}
    fields = await _fields(state, ctx)
    field = next((f for f in fields if f.id not in item), None)
    if field is None:
        await _store(message, state, ctx, item)
        return
    number = len((await _events(state, ctx)) or []) + 1
    text, markup = item_question(field, number)
    await message.answer(text, reply_markup=markup)


def item_question(field: FieldSpec, number: int) -> tuple[str, InlineKeyboardMarkup]:
    """One question about the event being added to a plan, with its buttons."""
    rows = []
    shown = labelled(field.choices)
    if field.type is FieldType.CHOICE:
        rows += [[button(label, Act.PLAN_CHOICE, str(i))] for i, label in enumerate(shown.labels)]
    if field.optional:
        rows.append([button(_("Пропустить"), Act.PLAN_SKIP)])
    rows.append([button(_("✖️ Не добавлять"), Act.PLAN_DROP)])
    text = _("Мероприятие {number}. {question}").format(
        number=number, question=_questions()[field.id]
    )
    return with_listing(text, shown.listing), InlineKeyboardMarkup(inline_keyboard=rows)


def _list_field(data: dict[str, object]) -> str:
    """The form's list the event goes to: a plan's `events`, an application's `network_plan`..."""
    return str(data.get("field") or "events")


async def _events(state: FSMContext, ctx: Ctx) -> list[dict[str, str]] | None:
    data = await state.get_data()
    snap = await drafts.own_draft(ctx.uow, data["sid"], (await ctx.member()).id)
    if snap is None:
        return None
    return list(snap.values.get(_list_field(data)) or [])


async def _store(message: Message, state: FSMContext, ctx: Ctx, item: dict[str, str]) -> None:
    events = await _events(state, ctx)
    if events is None:
        await lost_draft(message, state)
        return
    events.append(item)
    data = await state.get_data()
    await drafts.save_value(
        ctx.uow, data["sid"], (await ctx.member()).id, _list_field(data), events, ctx.clock.now()
    )
    await state.update_data(item={})
    await state.set_state(FormDialog.answer)
    await message.answer(
        ngettext(
            "Добавлено: {title}. В плане {num} мероприятие.",
            "Добавлено: {title}. В плане {num} мероприятий.",
            len(events),
        ).format(title=item.get("title", ""), num=len(events))
    )
    await ask_again(message, state, ctx)


async def _set(message: Message, state: FSMContext, ctx: Ctx, name: str, value: str) -> None:
    item = dict((await state.get_data()).get("item") or {})
    item[name] = value
    await state.update_data(item=item)
    await ask_item(message, state, ctx)


async def _asked(state: FSMContext, ctx: Ctx) -> FieldSpec | None:
    """The question of the event asked now; None when the event has all its answers."""
    item = (await state.get_data()).get("item") or {}
    return next((f for f in await _fields(state, ctx) if f.id not in item), None)


async def on_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    field = await _asked(state, ctx)
    if field is None:
        await ask_item(message, state, ctx)
        return
    try:
        value = parse_text(field, message.text or "", ctx.clock.now(), ctx.zone)
    except FieldError as error:
        await message.answer(explain(error, field))
        await ask_item(message, state, ctx)
        return
    await _set(message, state, ctx, field.id, value)


async def _back_to_list(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """The event is not added: back to the list's question."""
    await state.update_data(item={})
    await state.set_state(FormDialog.answer)
    await ask_again(message, state, ctx)


async def on_drop(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """«Не добавлять это мероприятие»."""
    if (message := await taken(query)) is not None:
        await _back_to_list(message, state, ctx)


async def on_skip(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    field = await _asked(state, ctx)
    if field is not None and not field.optional:
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if (message := await taken(query)) is None:
        return
    if field is None:
        await _back_to_list(message, state, ctx)
    else:
        await _set(message, state, ctx, field.id, "")


async def on_choice(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    field, raw = await _asked(state, ctx), callback_data.value
    if field is not None and not (raw.isdigit() and int(raw) < len(field.choices)):
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if (message := await taken(query)) is None:
        return
    if field is None:
        await _back_to_list(message, state, ctx)
    else:
        await _set(message, state, ctx, field.id, field.choices[int(raw)])


def setup() -> Router:
    router = Router(name="plan-events")
    router.message.register(on_text, FormDialog.plan_event, F.text, F.chat.type == "private")
    buttons, asking = router.callback_query, FormDialog.plan_event
    buttons.register(on_drop, CDForm.filter(F.action == Act.PLAN_DROP), asking)
    buttons.register(on_skip, CDForm.filter(F.action == Act.PLAN_SKIP), asking)
    buttons.register(on_choice, CDForm.filter(F.action == Act.PLAN_CHOICE), asking)
    return router
