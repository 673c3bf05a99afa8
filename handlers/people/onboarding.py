"""Registration by invitation link: greeting by school, consent, full name, position, menu."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.ui.dialogs import nav_keyboard, nav_row, question, take_text
from handlers.ui.menu import request_access_keyboard, show_menu
from handlers.ui.render import render
from services import validation
from services.domain import Role
from services.people import onboarding, tutors
from services.people.invitations import InvitationState, check
from services.people.onboarding import Newcomer
from services.people.roles import Roles, roles_of
from services.programmes.definitions import Programmes
from storage.models import Invitation
from storage.uow import UnitOfWork


class Onboarding(StatesGroup):
    consent = State()
    full_name = State()
    position = State()


class CDConsent(CallbackData, prefix="consent"):
    flow: str  # "invite" | "access"


def consent_keyboard(flow: str) -> InlineKeyboardMarkup:
    agree = InlineKeyboardButton(
        text=_("✅ Согласен(на)"), callback_data=CDConsent(flow=flow).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[agree], nav_row(back=False)])


async def start_with_code(
    message: Message, command: CommandObject, state: FSMContext, ctx: Ctx
) -> None:
    person = await ctx.person()
    roles = await ctx.roles()
    await state.clear()
    code = command.args or ""
    checked = await check(ctx.uow, code, ctx.clock.now())
    invitation = checked.invitation
    usable = checked.state is InvitationState.VALID and invitation is not None
    theirs = person is not None and invitation is not None and invitation.used_by == person.id
    if roles.registered and not usable and not theirs:
        await show_menu(
            message,
            roles,
            intro=_("Эта ссылка-приглашение не действует. Ваш доступ остаётся прежним."),
        )
        return
    if checked.state is InvitationState.UNKNOWN or invitation is None:
        await message.answer(
            _(
                "Такое приглашение не найдено. Проверьте, что ссылка открыта целиком, или запросите доступ."
            ),
            reply_markup=request_access_keyboard(),
        )
        return
    if checked.state is InvitationState.USED:
        if person is not None and invitation.used_by == person.id:
            await show_menu(
                message, roles, intro=_("Вы уже зарегистрированы по этому приглашению.")
            )
        else:
            await message.answer(
                _(
                    "Это приглашение уже использовано. Попросите у сотрудников института новую ссылку или запросите доступ."
                ),
                reply_markup=request_access_keyboard(),
            )
        return
    if checked.state is InvitationState.EXPIRED:
        await message.answer(
            _(
                "Срок действия приглашения истёк. Попросите у сотрудников института новую ссылку или запросите доступ."
            ),
            reply_markup=request_access_keyboard(),
        )
        return
    title = await _mentor_title(ctx.uow, ctx.programmes, invitation)
    if person is not None:
        await _finish(message, state, ctx.uow, code, ctx.clock.now(), None, roles, title)
        return
    await state.set_state(Onboarding.consent)
    await state.update_data(
        code=code,
        school=invitation.target,
        role=invitation.role.value,
        district=invitation.school_id is None,
        title=title,
    )
    await _ask_consent(message, state, ctx)


@question(Onboarding.consent)
async def _ask_consent(message: Message, state: FSMContext, ctx: Ctx) -> None:
    data = await state.get_data()
    await message.answer(
        render(
            "invite_greeting.html.j2",
            school=data["school"],
            role=data["role"],
            district=data.get("district", False),
            title=data.get("title", ""),
        ),
        reply_markup=consent_keyboard("invite"),
    )


async def on_consent(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(consent_at=ctx.clock.now().isoformat())
    await state.set_state(Onboarding.full_name)
    await _ask_full_name(query.message, state, ctx)


@question(Onboarding.full_name, back=Onboarding.consent)
async def _ask_full_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _("Шаг 1 из 2. Напишите ваши фамилию, имя и отчество."), reply_markup=nav_keyboard()
    )


async def on_full_name(message: Message, state: FSMContext, ctx: Ctx) -> None:
    full_name = await take_text(
        message, state, ctx, validation.full_name, _("фамилию, имя и отчество")
    )
    if full_name is None:
        return
    await state.update_data(full_name=full_name)
    await state.set_state(Onboarding.position)
    await _ask_position(message, state, ctx)


@question(Onboarding.position, back=Onboarding.full_name)
async def _ask_position(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await message.answer(
        _("Шаг 2 из 2. Ваша должность (например: заместитель директора по УВР)."),
        reply_markup=nav_keyboard(),
    )


async def on_position(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    position = await take_text(message, state, ctx, validation.position, _("должность"))
    if position is None:
        return
    data = await state.get_data()
    newcomer = Newcomer(
        telegram_id=message.chat.id,
        full_name=data["full_name"],
        position=position,
        consent_at=datetime.fromisoformat(data["consent_at"]),
    )
    await _finish(
        message,
        state,
        ctx.uow,
        data["code"],
        ctx.clock.now(),
        newcomer,
        roles,
        data.get("title", ""),
    )


async def _mentor_title(uow: UnitOfWork, programmes: Programmes, invitation: Invitation) -> str:
    """What the school's programme calls its mentors (Omsk: «тьютор»), for the greeting."""
    if invitation.role is not Role.MENTOR or invitation.school_id is None:
        return ""
    return (await tutors.appointing(uow, programmes, [invitation.school_id])).mentor_title


async def _finish(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    code: str,
    now: datetime,
    newcomer: Newcomer | None,
    roles: Roles,
    title: str,
) -> None:
    result = await onboarding.join(uow, code, message.chat.id, now, newcomer)
    await state.clear()
    if result.state is not InvitationState.VALID:
        await message.answer(
            _("Приглашение успело стать недействительным. Попросите у сотрудников новую ссылку."),
            reply_markup=request_access_keyboard(),
        )
        return
    person = await uow.people.by_telegram_id(message.chat.id)
    districts = await uow.people.districts_of(person.id) if person else ()
    new_roles = roles_of(
        person,
        staff=roles.staff,
        admin=roles.admin,
        districts=districts,
        district_schools=await uow.people.schools_of_districts(districts) if districts else (),
    )
    intro = render(
        "joined.html.j2",
        school=result.school_name,
        role=result.role,
        district=result.district,
        title=title,
        roles=new_roles,
    )
    await show_menu(message, new_roles, intro=intro)


async def start_plain(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    await state.clear()
    if roles.registered or roles.staff:
        await show_menu(message, roles)
        return
    await show_menu(message, roles, intro=render("welcome_guest.html.j2"))


def setup() -> Router:
    router = Router(name="onboarding")
    router.message.filter(F.chat.type == "private")
    router.message.register(start_with_code, CommandStart(deep_link=True), StateFilter("*"))
    router.message.register(start_plain, CommandStart(), StateFilter("*"))
    router.callback_query.register(
        on_consent, CDConsent.filter(F.flow == "invite"), Onboarding.consent
    )
    router.message.register(on_full_name, Onboarding.full_name, F.text)
    router.message.register(on_position, Onboarding.position, F.text)
    return router
