"""The submission dialog: one question per message, answers saved to the draft as given.

What is asked comes from `services.forms` (built from the programme); this module only
renders questions, reads answers and moves between steps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions import keyboards, network, texts
from handlers.submissions.field_errors import explain
from handlers.submissions.state import (
    Act,
    CDForm,
    FormDialog,
    button,
    current,
    current_or_tell,
    lost_draft,
    shown_value,
)
from handlers.ui.date_picker import (
    CalendarAct,
    CDCalendar,
    CDHour,
    as_markup,
    hours_keyboard,
    month_keyboard,
)
from handlers.ui.dialogs import ask_again, nav_row, question
from handlers.ui.menu import show_menu
from handlers.ui.render import render
from services import calendar
from services.programmes.deadlines import Verdict, announcement_timing
from services.submissions import drafts, files, sending
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldError, FieldSpec, FieldType
from services.submissions.forms import Form
from services.submissions.parsing import parse_text

CHOICE_BUTTON_MAX = 60


# --- Asking ---------------------------------------------------------------------------------------


def keyboard(field: FieldSpec, form: Form, snap: Snapshot, ctx: Ctx) -> InlineKeyboardMarkup:
    value = snap.values.get(field.id)
    rows: list[list[InlineKeyboardButton]] = []
    if field.type is FieldType.CHOICE:
        rows += [
            [
                button(
                    choice
                    if len(choice) <= CHOICE_BUTTON_MAX
                    else choice[: CHOICE_BUTTON_MAX - 1] + "…",
                    Act.CHOICE,
                    str(i),
                )
            ]
            for i, choice in enumerate(field.choices)
        ]
    elif field.type is FieldType.YES_NO:
        rows.append([button(_("Да"), Act.YES), button(_("Нет"), Act.NO)])
    elif field.type is FieldType.DATETIME:
        today = calendar.local_date(ctx.clock.now(), ctx.zone)
        shown = datetime.fromisoformat(value).astimezone(ctx.zone).date() if value else today
        rows += month_keyboard(shown.year, shown.month, today)
    elif field.type is FieldType.FILES:
        if snap.files.get(field.id):
            rows.append([button(_("✅ Готово"), Act.DONE)])
            rows.append([button(_("🗑 Убрать файлы"), Act.CLEAR)])
    elif field.type is FieldType.EVENTS:
        rows.append([button(_("➕ Добавить мероприятие"), Act.ADD)])
        if value:
            rows.append(
                [button(_("✅ Готово"), Act.DONE), button(_("🗑 Очистить список"), Act.CLEAR)]
            )
    elif field.type is FieldType.MULTI_CHOICE:
        rows += keyboards.multi_choice_rows(field, value)
    elif field.type is FieldType.NETWORK:
        rows += keyboards.network_rows(value)
    lists = (FieldType.FILES, FieldType.EVENTS, FieldType.MULTI_CHOICE, FieldType.NETWORK)
    if value not in (None, "") and field.type not in lists:
        rows.append([button(_("✅ Оставить как есть"), Act.KEEP)])
    if field.optional and (field.type not in lists or not (snap.files.get(field.id) or value)):
        rows.append([button(_("Пропустить"), Act.SKIP)])
    rows.append([button(_("◀️ Назад"), Act.BACK), button(_("✖️ Отмена"), Act.CANCEL)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


@question(FormDialog.answer)
async def ask(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    data = await state.get_data()
    field = form.field(data.get("field") or "") or form.after(None, snap.values)
    if field is None:
        await state.set_state(FormDialog.preview)
        await ask_again(message, state, ctx)
        return
    await state.update_data(field=field.id)
    step, total = form.position(field.id, snap.values)
    value = snap.values.get(field.id)
    await message.answer(
        render(
            "form_question.html.j2",
            step=step,
            total=total,
            question=texts.question(field),
            current=shown_value(field, value, snap, ctx.zone),
            type=field.type.value,
            optional=field.optional,
            allowed=files.allowed_list(),
        ),
        reply_markup=keyboard(field, form, snap, ctx),
    )


async def advance(
    message: Message, state: FSMContext, ctx: Ctx, snap: Snapshot, form: Form
) -> None:
    """After an answer: the next question, or back to the preview when a field was edited."""
    data = await state.get_data()
    following = form.after(data.get("field"), snap.values)
    if data.get("editing") or following is None:
        await state.set_state(FormDialog.preview)
        await ask_again(message, state, ctx)
        return
    await state.update_data(field=following.id)
    await ask(message, state, ctx)


async def save(
    message: Message, state: FSMContext, ctx: Ctx, field: FieldSpec, value: Any
) -> Snapshot | None:
    data = await state.get_data()
    snap = await drafts.save_value(
        ctx.uow, data["sid"], (await ctx.member()).id, field.id, value, ctx.clock.now()
    )
    if snap is None:
        await lost_draft(message, state)
    return snap


# --- Typed answers ----------------------------------------------------------------------------------


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
        await network.on_name(message, state, ctx)
        return
    if field.type is FieldType.YES_NO and (message.text or "").strip().casefold() in _yes_no():
        await _answer(
            message, state, ctx, field, _yes_no()[(message.text or "").strip().casefold()]
        )
        return
    try:
        value = parse_text(field, message.text or "", ctx.clock.now(), ctx.zone)
    except FieldError as error:
        await message.answer(explain(error, field))
        await ask(message, state, ctx)
        return
    await _answer(message, state, ctx, field, value)


def _yes_no() -> dict[str, bool]:
    return {_("да").casefold(): True, _("нет").casefold(): False, "да": True, "нет": False}


async def _answer(
    message: Message, state: FSMContext, ctx: Ctx, field: FieldSpec, value: Any
) -> None:
    if field.type is FieldType.DATETIME and not await _date_acceptable(message, state, ctx, value):
        return
    snap = await save(message, state, ctx, field, value)
    if snap is None:
        return
    if field.type is FieldType.DATETIME and await _warn_if_late(message, state, ctx, snap):
        return
    await advance(message, state, ctx, snap, drafts.form_of(ctx.programmes, snap))


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


async def _warn_if_late(message: Message, state: FSMContext, ctx: Ctx, snap: Snapshot) -> bool:
    timing = sending.timing_of(ctx.programmes, snap, ctx.clock.now(), ctx.zone)
    if timing.verdict is not Verdict.LATE or timing.deadline is None:
        return False
    await message.answer(
        render(
            "announcement_late.html.j2",
            lead_days=ctx.programmes.of(snap.submission.programme).announcements.lead_days,
            deadline=timing.deadline.strftime("%d.%m.%Y"),
        ),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [button(_("Оставить дату и отправить с пометкой «поздно»"), Act.KEEP_LATE)],
                [button(_("📅 Изменить дату"), Act.REDATE)],
            ]
        ),
    )
    return True


# --- Buttons ----------------------------------------------------------------------------------------


async def on_button(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    message = query.message
    loaded = await current(state, ctx)
    if not isinstance(message, Message) or loaded is None:
        await query.answer(_("Этот шаг уже завершён."))
        return
    snap, form = loaded
    field = form.field((await state.get_data()).get("field") or "")
    action = callback_data.action
    if field is None:
        await query.answer()
        await ask(message, state, ctx)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if action == Act.CANCEL:
        await state.clear()
        await show_menu(
            message,
            (await ctx.roles()),
            intro=_("Черновик сохранён. Вернуться к нему можно из меню."),
        )
    elif action == Act.BACK:
        previous = form.before(field.id, snap.values)
        if previous is None:
            await message.answer(_("Это первый вопрос."))
        else:
            await state.update_data(field=previous.id)
        await ask(message, state, ctx)
    elif action in (Act.KEEP, Act.DONE, Act.KEEP_LATE):
        await advance(message, state, ctx, snap, form)
    elif action == Act.SKIP:
        updated = await save(message, state, ctx, field, None)
        if updated is not None:
            await advance(message, state, ctx, updated, form)
    elif action in (Act.YES, Act.NO):
        await _answer(message, state, ctx, field, action is Act.YES)
    elif (
        action == Act.CHOICE
        and callback_data.value.isdigit()
        and int(callback_data.value) < len(field.choices)
    ):
        await _answer(message, state, ctx, field, field.choices[int(callback_data.value)])
    elif action == Act.CLEAR:
        await _clear(state, ctx, field)
        await ask(message, state, ctx)
    elif action == Act.REDATE:
        await state.update_data(field="event_at")
        await ask(message, state, ctx)
    elif action == Act.ADD:
        await state.update_data(item={})
        await state.set_state(FormDialog.plan_event)
        await ask_again(message, state, ctx)
    else:
        await ask(message, state, ctx)


async def _clear(state: FSMContext, ctx: Ctx, field: FieldSpec) -> None:
    data = await state.get_data()
    if field.type is FieldType.FILES:
        await drafts.clear_files(ctx.uow, data["sid"], (await ctx.member()).id, field.id)
    else:
        await drafts.save_value(
            ctx.uow, data["sid"], (await ctx.member()).id, field.id, None, ctx.clock.now()
        )


# --- Dates: the calendar and the hour -----------------------------------------------------------------


async def on_past_day(query: CallbackQuery) -> None:
    await query.answer(_("Эта дата уже прошла."), show_alert=True)


async def on_month(query: CallbackQuery, callback_data: CDCalendar, ctx: Ctx) -> None:
    """Another month of the calendar, in place; the buttons under it stay."""
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    rows = month_keyboard(callback_data.y, callback_data.m, today)
    old = message.reply_markup.inline_keyboard if message.reply_markup else []
    tail = [
        row
        for row in old
        if not any(b.callback_data and b.callback_data.startswith("cal:") for b in row)
    ]
    await message.edit_reply_markup(reply_markup=as_markup(rows + tail))


async def on_day(
    query: CallbackQuery, callback_data: CDCalendar, state: FSMContext, ctx: Ctx
) -> None:
    day = callback_data.day()
    if day is None:
        await query.answer(_("Такой даты нет."), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(day=day.isoformat())
    await state.set_state(FormDialog.hour)
    await ask_hour(query.message, state, ctx)


@question(FormDialog.hour)
async def ask_hour(message: Message, state: FSMContext, ctx: Ctx) -> None:
    day = date.fromisoformat((await state.get_data())["day"])
    await message.answer(
        _("Дата: {day}. Во сколько начало? Выберите или напишите время, например 10:30.").format(
            day=day.strftime("%d.%m.%Y")
        ),
        reply_markup=as_markup(
            [*hours_keyboard(), [button(_("◀️ Назад"), Act.HOUR_BACK), *nav_row(back=False)]]
        ),
    )


async def on_hour_button(
    query: CallbackQuery, callback_data: CDHour, state: FSMContext, ctx: Ctx
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await _set_hour(query.message, state, ctx, time(callback_data.hh, callback_data.mm))


async def on_hour_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        hours, minutes = (
            int(part) for part in (message.text or "").strip().replace(".", ":").split(":")
        )
        moment = time(hours, minutes)
    except ValueError:
        await message.answer(_("Не понял время. Напишите его так: 10:30."))
        await ask_hour(message, state, ctx)
        return
    await _set_hour(message, state, ctx, moment)


async def on_hour_back(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await state.set_state(FormDialog.answer)
        await ask(query.message, state, ctx)


async def _set_hour(message: Message, state: FSMContext, ctx: Ctx, moment: time) -> None:
    day = date.fromisoformat((await state.get_data())["day"])
    local = datetime.combine(day, moment, tzinfo=ctx.zone)
    await state.set_state(FormDialog.answer)
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    field = loaded[1].field("event_at")
    if field is not None:
        await _answer(message, state, ctx, field, local.astimezone(UTC).isoformat())


# --- Files ------------------------------------------------------------------------------------------


async def on_file(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    field = form.field((await state.get_data()).get("field") or "")
    if field is None or field.type is not FieldType.FILES:
        await message.answer(_("Здесь нужен ответ текстом, а не файл."))
        await ask(message, state, ctx)
        return
    incoming = incoming_file(message)
    problem = files.check(incoming, ctx.files_local)
    if problem is not None:
        await message.answer(
            render(
                "file_refused.html.j2",
                problem=problem.value,
                name=incoming.file_name,
                allowed=files.allowed_list(),
            )
        )
        return
    count = await drafts.add_file(
        ctx.uow, snap.submission.id, (await ctx.member()).id, field.id, incoming, ctx.clock.now()
    )
    if count is None:
        await lost_draft(message, state)
        return
    await _acknowledge(message, state, count, field)


def incoming_file(message: Message) -> files.IncomingFile:
    if message.document is not None:
        document = message.document
        return files.IncomingFile(
            document.file_id,
            document.file_unique_id,
            document.file_name or "file",
            document.mime_type or "",
            document.file_size or 0,
        )
    photo = (message.photo or [])[-1]
    return files.IncomingFile(
        photo.file_id,
        photo.file_unique_id,
        f"photo_{photo.file_unique_id}.jpg",
        "image/jpeg",
        photo.file_size or 0,
    )


async def _acknowledge(message: Message, state: FSMContext, count: int, field: FieldSpec) -> None:
    """One reply per album, edited as its files arrive; one per file otherwise."""
    text = _("📎 Файлов принято: {count}. Пришлите ещё или нажмите «Готово».").format(count=count)
    markup = InlineKeyboardMarkup(inline_keyboard=[[button(_("✅ Готово"), Act.DONE)]])
    album = (await state.get_data()).get("album") or {}
    if message.media_group_id and album.get("group") == message.media_group_id:
        await message.bot.edit_message_text(  # type: ignore[union-attr]
            text, chat_id=message.chat.id, message_id=album["message_id"], reply_markup=markup
        )
        return
    sent = await message.answer(text, reply_markup=markup)
    if message.media_group_id:
        await state.update_data(
            album={"group": message.media_group_id, "message_id": sent.message_id}
        )


def setup() -> Router:
    router = Router(name="forms")
    router.message.filter(F.chat.type == "private")
    router.message.register(on_text, FormDialog.answer, F.text)
    router.message.register(on_file, FormDialog.answer, F.document | F.photo)
    router.callback_query.register(on_button, CDForm.filter(), FormDialog.answer)
    days = router.callback_query
    days.register(on_day, CDCalendar.filter(F.action == CalendarAct.DAY), FormDialog.answer)
    days.register(on_month, CDCalendar.filter(F.action == CalendarAct.MONTH), FormDialog.answer)
    days.register(on_past_day, CDCalendar.filter(F.action == CalendarAct.PAST), FormDialog.answer)
    days.register(_title, CDCalendar.filter(F.action == CalendarAct.NOOP), FormDialog.answer)
    router.callback_query.register(on_hour_button, CDHour.filter(), FormDialog.hour)
    router.callback_query.register(
        on_hour_back, CDForm.filter(F.action == Act.HOUR_BACK), FormDialog.hour
    )
    router.message.register(on_hour_text, FormDialog.hour, F.text)
    router.callback_query.register(_stale, CDCalendar.filter(), StateFilter("*"))
    return router


async def _title(query: CallbackQuery) -> None:
    """The month's name above the days: nothing to do."""
    await query.answer()


async def _stale(query: CallbackQuery) -> None:
    await query.answer(_("Этот шаг уже завершён."))
