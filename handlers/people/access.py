"""Access requests: a person without an invitation asks; staff approve or deny from a card."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.people.onboarding import CDConsent, consent_keyboard
from handlers.ui.dialogs import nav_keyboard, nav_row, question, take_text
from handlers.ui.errors import explain_invalid
from handlers.ui.menu import BUTTON_REQUEST_ACCESS, CDAccessStart, menu_keyboard, show_menu
from handlers.ui.render import render, render_plain
from services import validation
from services.people import access_requests
from services.people.access_requests import Outcome, RequestDraft
from services.people.roles import Roles
from storage.uow import UnitOfWork

PAGE_SIZE = 6


class AccessForm(StatesGroup):
    consent = State()
    school_search = State()
    school_name = State()
    full_name = State()
    position = State()
    contact = State()


class CDSchool(CallbackData, prefix="sch"):
    id: int


class CDSchoolPage(CallbackData, prefix="schp"):
    page: int


class CDSchoolMissing(CallbackData, prefix="schm"):
    pass


class CDAccessDecision(CallbackData, prefix="accd"):
    request_id: int
    approve: bool


async def begin(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    if roles.registered:
        await show_menu(message, roles, intro=_("У вас уже есть доступ."))
        return
    pending = await access_requests.pending_of(ctx.uow, message.chat.id)
    if pending is not None:
        await message.answer(
            _("Ваш запрос доступа уже у сотрудников института. Мы напишем здесь, когда они решат.")
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
    await message.answer(render("consent.html.j2"), reply_markup=consent_keyboard("access"))


async def on_consent(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(consent_at=ctx.clock.now().isoformat())
    await state.set_state(AccessForm.school_search)
    await _ask_school(query.message, state, ctx)


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
    await _show_results(message, ctx.uow, needle, page=0, edit=False)


async def _show_results(
    message: Message, uow: UnitOfWork, needle: str, page: int, edit: bool
) -> None:
    schools, total = await uow.schools.search(needle, page * PAGE_SIZE, PAGE_SIZE)
    rows = [
        [
            InlineKeyboardButton(
                text=_short(s.name, s.district), callback_data=CDSchool(id=s.id).pack()
            )
        ]
        for s in schools
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
        await _show_results(query.message, ctx.uow, needle, max(callback_data.page, 0), edit=True)


async def on_school(
    query: CallbackQuery, callback_data: CDSchool, state: FSMContext, ctx: Ctx
) -> None:
    school = await ctx.uow.schools.get(callback_data.id)
    if school is None or not isinstance(query.message, Message):
        await query.answer(_("Эта школа не найдена. Поищите ещё раз."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(school_id=school.id, school_name=school.name)
    await state.set_state(AccessForm.full_name)
    await _ask_full_name(query.message, state, ctx)


async def on_missing(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.set_state(AccessForm.school_name)
    await _ask_school_name(query.message, state, ctx)


@question(AccessForm.school_name, back=AccessForm.school_search)
async def _ask_school_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _("Шаг 1 из 4. Напишите полное название школы, как в уставе."), reply_markup=nav_keyboard()
    )


async def on_school_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    name = await take_text(message, state, ctx, validation.school_name, _("название школы"))
    if name is None:
        return
    await state.update_data(school_id=None, school_name=name)
    await state.set_state(AccessForm.full_name)
    await _ask_full_name(message, state, ctx)


@question(AccessForm.full_name, back=AccessForm.school_search)
async def _ask_full_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _("Шаг 2 из 4. Напишите ваши фамилию, имя и отчество."), reply_markup=nav_keyboard()
    )


async def on_full_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    full_name = await take_text(
        message, state, ctx, validation.full_name, _("фамилию, имя и отчество")
    )
    if full_name is None:
        return
    await state.update_data(full_name=full_name)
    await state.set_state(AccessForm.position)
    await _ask_position(message, state, ctx)


@question(AccessForm.position, back=AccessForm.full_name)
async def _ask_position(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(_("Шаг 3 из 4. Ваша должность."), reply_markup=nav_keyboard())


async def on_position(message: Message, state: FSMContext, ctx: Ctx) -> None:
    position = await take_text(message, state, ctx, validation.position, _("должность"))
    if position is None:
        return
    await state.update_data(position=position)
    await state.set_state(AccessForm.contact)
    await _ask_contact(message, state, ctx)


@question(AccessForm.contact, back=AccessForm.position)
async def _ask_contact(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _("Шаг 4 из 4. Телефон или e-mail, по которому с вами можно связаться."),
        reply_markup=nav_keyboard(),
    )


async def on_contact(
    message: Message,
    state: FSMContext,
    ctx: Ctx,
) -> None:
    contact = await take_text(message, state, ctx, validation.contact, _("контакт"))
    if contact is None:
        return
    data = await state.get_data()
    draft = RequestDraft(
        telegram_id=message.chat.id,
        school_id=data.get("school_id"),
        school_name=data["school_name"],
        full_name=data["full_name"],
        position=data["position"],
        contact=contact,
        consent_at=datetime.fromisoformat(data["consent_at"]),
    )
    await state.clear()
    await access_requests.submit(ctx.uow, draft, ctx.clock.now(), ctx.destinations)
    await message.answer(
        _("Запрос отправлен сотрудникам института. Когда они решат, я напишу здесь."),
        reply_markup=menu_keyboard(Roles()),
    )


def decision_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Одобрить"),
                    callback_data=CDAccessDecision(request_id=request_id, approve=True).pack(),
                ),
                InlineKeyboardButton(
                    text=_("❌ Отклонить"),
                    callback_data=CDAccessDecision(request_id=request_id, approve=False).pack(),
                ),
            ]
        ]
    )


async def on_decision(query: CallbackQuery, callback_data: CDAccessDecision, ctx: Ctx) -> None:
    roles = await ctx.roles()
    if not roles.staff:
        await query.answer(
            _("Решать запросы доступа могут только сотрудники института."), show_alert=True
        )
        return
    card = (
        (query.message.chat.id, query.message.message_id)
        if isinstance(query.message, Message)
        else None
    )
    decision = await access_requests.decide(
        ctx.uow,
        callback_data.request_id,
        callback_data.approve,
        query.from_user.id,
        query.from_user.full_name,
        ctx.clock.now(),
        card,
    )
    request = decision.request
    if decision.outcome is Outcome.NOT_FOUND or request is None:
        await query.answer(_("Такого запроса нет."), show_alert=True)
        return
    if decision.outcome is Outcome.ALREADY_DECIDED:
        await query.answer(
            render_plain("already_decided.j2", request=request, zone=ctx.zone), show_alert=True
        )
        return
    await query.answer(_("Готово."))


def setup() -> Router:
    router = Router(name="access")
    private = F.chat.type == "private"
    router.message.register(begin, private, F.text == BUTTON_REQUEST_ACCESS, StateFilter(None))
    router.callback_query.register(begin_from_button, CDAccessStart.filter())
    router.callback_query.register(
        on_consent, CDConsent.filter(F.flow == "access"), AccessForm.consent
    )
    router.message.register(on_search, private, AccessForm.school_search, F.text)
    router.callback_query.register(on_page, CDSchoolPage.filter(), AccessForm.school_search)
    router.callback_query.register(on_school, CDSchool.filter(), AccessForm.school_search)
    router.callback_query.register(on_missing, CDSchoolMissing.filter(), AccessForm.school_search)
    router.message.register(on_school_name, private, AccessForm.school_name, F.text)
    router.message.register(on_full_name, private, AccessForm.full_name, F.text)
    router.message.register(on_position, private, AccessForm.position, F.text)
    router.message.register(on_contact, private, AccessForm.contact, F.text)
    router.callback_query.register(on_decision, CDAccessDecision.filter())
    return router
