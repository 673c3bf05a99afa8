"""«Мои документы»: a person's submissions, newest first, and each one's content and files."""

from __future__ import annotations

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.submissions import documents, passport_texts, texts
from handlers.submissions.resume import resume_at_first_gap
from handlers.submissions.state import summary
from handlers.ui.buttons import shorten
from handlers.ui.menu import BUTTON_MY_SUBMISSIONS, BUTTON_MY_SUBMISSIONS_BEFORE
from handlers.ui.render import render
from services.domain import SubmissionStatus
from services.people.roles import Roles
from services.submissions import drafts, visibility
from storage.models import Submission

PAGE_SIZE = 5


class MineAct(StrEnum):
    PAGE = "page"
    """Show the page `value` of the list (from 0)."""
    OPEN = "open"
    """Show the submission `value`: its content and files."""
    RESUME = "resume"
    """Go on filling in the draft `value`."""


class CDMine(CallbackData, prefix="my"):
    action: MineAct
    value: int
    """A page or a submission's id, by the action; not bounded here (the randomised journeys
    forge `-1` and `10**12` with the validating constructor): a page below 0 is the first, an
    id nobody may see is refused."""


def _school_ids(roles: Roles) -> list[int]:
    return sorted({s.id for s in roles.coordinator_of} | {s.id for s in roles.mentor_of})


def _line(item: Submission, ctx: Ctx) -> str:
    day = (item.sent_at or item.updated_at).astimezone(ctx.zone).strftime("%d.%m.%Y")
    return (
        f"№ {item.id} · {passport_texts.title_of(item)} · {day} · {texts.status_name(item.status)}"
    )


async def show_list(message: Message, ctx: Ctx, page: int, edit: bool) -> None:
    school_ids = _school_ids(await ctx.roles())
    items, total = await visibility.of_schools(ctx.uow, school_ids, page * PAGE_SIZE, PAGE_SIZE)
    if total == 0:
        await message.answer(_("Пока нет ни одного документа. Начните с меню внизу."))
        return
    rows = [
        [
            InlineKeyboardButton(
                text=shorten(f"№ {item.id} · {passport_texts.title_of(item)}"),
                callback_data=CDMine(action=MineAct.OPEN, value=item.id).pack(),
            )
        ]
        for item in items
    ]
    pager = []
    if page > 0:
        pager.append(
            InlineKeyboardButton(
                text="◀️", callback_data=CDMine(action=MineAct.PAGE, value=page - 1).pack()
            )
        )
    if (page + 1) * PAGE_SIZE < total:
        pager.append(
            InlineKeyboardButton(
                text="▶️", callback_data=CDMine(action=MineAct.PAGE, value=page + 1).pack()
            )
        )
    if pager:
        rows.append(pager)
    text = render(
        "my_submissions.html.j2",
        lines=[_line(item, ctx) for item in items],
        total=total,
        page=page + 1,
        pages=(total + PAGE_SIZE - 1) // PAGE_SIZE,
    )
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def on_menu(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await state.clear()
    await show_list(message, ctx, 0, edit=False)


async def on_page(query: CallbackQuery, callback_data: CDMine, ctx: Ctx) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await show_list(query.message, ctx, max(callback_data.value, 0), edit=True)


async def _visible(
    query: CallbackQuery, callback_data: CDMine, ctx: Ctx
) -> tuple[Message, Submission, bool] | None:
    """The message, the submission if the presser may see it, and whether it is their draft."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return None
    item = await visibility.visible(ctx.uow, callback_data.value, _school_ids(await ctx.roles()))
    if item is None:
        await query.answer(_("Эта заявка недоступна."), show_alert=True)
        return None
    await query.answer()
    person = await ctx.person()
    own_draft = (
        item.status is SubmissionStatus.DRAFT and person is not None and item.author_id == person.id
    )
    return message, item, own_draft


async def on_open(query: CallbackQuery, callback_data: CDMine, ctx: Ctx) -> None:
    if (found := await _visible(query, callback_data, ctx)) is not None:
        await _show_item(*found, ctx)


async def on_resume(
    query: CallbackQuery, callback_data: CDMine, state: FSMContext, ctx: Ctx
) -> None:
    """«Продолжить заполнение» of one's own draft; anyone else's is only shown."""
    if (found := await _visible(query, callback_data, ctx)) is None:
        return
    message, item, own_draft = found
    if not own_draft:
        await _show_item(message, item, False, ctx)
        return
    await state.set_data({"sid": item.id, "field": None})
    await resume_at_first_gap(message, state, ctx)


async def _show_item(message: Message, item: Submission, is_own_draft: bool, ctx: Ctx) -> None:
    snap = drafts.snapshot(item)
    markup = None
    if is_own_draft:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("▶️ Продолжить заполнение"),
                        callback_data=CDMine(action=MineAct.RESUME, value=item.id).pack(),
                    )
                ]
            ]
        )
    elif documents.printable(item):  # an application or a report, for the school's archive
        markup = InlineKeyboardMarkup(inline_keyboard=[[documents.docx_button(item.id)]])
    await message.answer(
        render(
            "submission_details.html.j2",
            number=item.id,
            kind=passport_texts.title_of(item),
            status=texts.status_name(item.status),
            school=item.school.name,
            sent=item.sent_at,
            zone=ctx.zone,
            late=item.late,
            late_reason=item.late_reason,
            rows=summary(snap, ctx.programmes, ctx.zone),
        ),
        reply_markup=markup,
    )
    for attached in item.files:
        if attached.mime_type == "image/jpeg" and attached.file_name.startswith("photo_"):
            await message.answer_photo(attached.file_id)
        else:
            await message.answer_document(attached.file_id)


def setup() -> Router:
    router = Router(name="my-submissions")
    router.message.register(
        on_menu,
        F.chat.type == "private",
        F.text.in_((BUTTON_MY_SUBMISSIONS, BUTTON_MY_SUBMISSIONS_BEFORE)),
        StateFilter("*"),
    )
    buttons = router.callback_query
    buttons.register(on_page, CDMine.filter(F.action == MineAct.PAGE))
    buttons.register(on_open, CDMine.filter(F.action == MineAct.OPEN))
    buttons.register(on_resume, CDMine.filter(F.action == MineAct.RESUME))
    return router
