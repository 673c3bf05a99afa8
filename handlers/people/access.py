"""Access requests: a person without an invitation asks; staff approve or deny from a card."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from pydantic import Field

from handlers.context import Ctx
from handlers.people.onboarding import CDConsent, Flow, consent_keyboard
from handlers.ui.dialogs import ask_again, nav_row, question
from handlers.ui.errors import explain_invalid
from handlers.ui.menu import BUTTON_REQUEST_ACCESS, CDAccessStart, menu_keyboard, show_menu
from handlers.ui.render import render
from handlers.ui.text_steps import TextStep, TextSteps
from services import validation
from services.people import access_requests, schools
from services.people.access_requests import RequestDraft
from services.people.roles import Roles

PAGE_SIZE = 6


class AccessForm(StatesGroup):
    consent = State()
    school_search = State()
    school_name = State()
    full_name = State()
    position = State()
    contact = State()


class CDSchool(CallbackData, prefix="sch"):
    id: int = Field(ge=1)


class CDSchoolPage(CallbackData, prefix="schp"):
    page: int
    """Counted from 0; a negative one (only forged) shows the first page."""


class CDSchoolMissing(CallbackData, prefix="schm"):
    pass


class CDAccessDecision(CallbackData, prefix="accd"):
    """Approve or deny on a request's card in the staff group (`access_cards` serves it)."""

    request_id: int = Field(ge=1)
    approve: bool


async def begin(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    if roles.registered:
        await show_menu(message, roles, intro=_("У вас уже есть доступ."))
        return
    pending = await access_requests.pending_of(ctx.uow, message.chat.id)
    if pending is not None:
        await message.answer(
            _("Ваш запрос доступа уже у сотрудников института. Я напишу здесь, когда они решат.")
        )
        return
    await state.clear()
    await state.set_state(AccessForm.consent)
    await _ask_consent(message, state, ctx)


async def begin_from_button(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await begin(query.message, state, ctx)


@question(AccessForm.consent)
async def _ask_consent(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(render("consent.html.j2"), reply_markup=consent_keyboard(Flow.ACCESS))


async def on_consent(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(consent_at=ctx.clock.now().isoformat())
    await state.set_state(AccessForm.school_search)
    await ask_again(query.message, state, ctx)


@question(AccessForm.school_search, back=AccessForm.consent)
async def _ask_school(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _(
            "Шаг 1 из 4. Напишите несколько букв из названия вашей школы или района — я найду её в списке."
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[_missing_button()], nav_row()]),
    )


def _missing_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("Моей школы нет в списке"), callback_data=CDSchoolMissing().pack()
    )


async def on_search(message: Message, state: FSMContext, ctx: Ctx) -> None:
    try:
        needle = validation.search_text(message.text or "")
    except validation.InvalidInputError as error:
        await message.answer(explain_invalid(error, _("часть названия школы")))
        return
    await state.update_data(search=needle)
    await _show_results(message, ctx, needle, page=0, edit=False)


async def _show_results(message: Message, ctx: Ctx, needle: str, page: int, edit: bool) -> None:
    found, total = await schools.matching(ctx.uow, needle, page * PAGE_SIZE, PAGE_SIZE)
    rows = [
        [
            InlineKeyboardButton(
                text=_short(s.name, s.district), callback_data=CDSchool(id=s.id).pack()
            )
        ]
        for s in found
    ]
    pager = []
    if page > 0:
        pager.append(
            InlineKeyboardButton(text="◀️", callback_data=CDSchoolPage(page=page - 1).pack())
        )
    if (page + 1) * PAGE_SIZE < total:
        pager.append(
            InlineKeyboardButton(text="▶️", callback_data=CDSchoolPage(page=page + 1).pack())
        )
    if pager:
        rows.append(pager)
    rows += [[_missing_button()], nav_row()]
    text = render("school_results.html.j2", needle=needle, total=total, page=page, size=PAGE_SIZE)
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


def _short(name: str, district: str) -> str:
    label = f"{name} ({district})" if district else name
    return label if len(label) <= 60 else label[:59] + "…"


async def on_page(
    query: CallbackQuery, callback_data: CDSchoolPage, state: FSMContext, ctx: Ctx
) -> None:
    await query.answer()
    needle = (await state.get_data()).get("search")
    if isinstance(query.message, Message) and needle:
        await _show_results(query.message, ctx, needle, max(callback_data.page, 0), edit=True)


async def on_school(
    query: CallbackQuery, callback_data: CDSchool, state: FSMContext, ctx: Ctx
) -> None:
    school = await schools.get(ctx.uow, callback_data.id)
    if school is None or not isinstance(query.message, Message):
        await query.answer(_("Эта школа не найдена. Поищите ещё раз."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(school_id=school.id, school_name=school.name)
    await state.set_state(AccessForm.full_name)
    await ask_again(query.message, state, ctx)


async def on_missing(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.set_state(AccessForm.school_name)
    await ask_again(query.message, state, ctx)


async def _send(message: Message, state: FSMContext, ctx: Ctx, answers: dict[str, Any]) -> None:
    """The last answer is in: the request goes to staff."""
    draft = RequestDraft(
        telegram_id=message.chat.id,
        school_id=answers.get("school_id"),
        school_name=answers["school_name"],
        full_name=answers["full_name"],
        position=answers["position"],
        contact=answers["contact"],
        consent_at=datetime.fromisoformat(answers["consent_at"]),
    )
    await state.clear()
    await access_requests.submit(ctx.uow, draft, ctx.clock.now(), ctx.destinations)
    await message.answer(
        _("Запрос отправлен сотрудникам института. Когда они решат, я напишу здесь."),
        reply_markup=menu_keyboard(Roles()),
    )


STEPS = TextSteps(
    TextStep(
        AccessForm.school_name,
        question=__("Шаг 1 из 4. Напишите полное название школы, как в уставе."),
        check=validation.school_name,
        what=__("название школы"),
        key="school_name",
        also={"school_id": None},  # typed, not one of the list's
        then=AccessForm.full_name,
        back=AccessForm.school_search,
    ),
    TextStep(
        AccessForm.full_name,
        question=__("Шаг 2 из 4. Напишите ваши фамилию, имя и отчество."),
        check=validation.full_name,
        what=__("фамилию, имя и отчество"),
        key="full_name",
        then=AccessForm.position,
        back=AccessForm.school_search,
    ),
    TextStep(
        AccessForm.position,
        question=__("Шаг 3 из 4. Ваша должность."),
        check=validation.position,
        what=__("должность"),
        key="position",
        then=AccessForm.contact,
        back=AccessForm.full_name,
    ),
    TextStep(
        AccessForm.contact,
        question=__("Шаг 4 из 4. Телефон или e-mail, по которому с вами можно связаться."),
        check=validation.contact,
        what=__("контакт"),
        key="contact",
        then=_send,
        back=AccessForm.position,
    ),
)


def setup() -> Router:
    router = Router(name="access")
    private = F.chat.type == "private"
    router.message.register(begin, private, F.text == BUTTON_REQUEST_ACCESS, StateFilter(None))
    router.callback_query.register(begin_from_button, CDAccessStart.filter())
    router.callback_query.register(
        on_consent, CDConsent.filter(F.flow == Flow.ACCESS), AccessForm.consent
    )
    router.message.register(on_search, private, AccessForm.school_search, F.text)
    router.callback_query.register(on_page, CDSchoolPage.filter(), AccessForm.school_search)
    router.callback_query.register(on_school, CDSchool.filter(), AccessForm.school_search)
    router.callback_query.register(on_missing, CDSchoolMissing.filter(), AccessForm.school_search)
    STEPS.register(router)
    return router
