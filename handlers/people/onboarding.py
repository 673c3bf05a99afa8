"""Registration by invitation link: greeting by school, consent, full name, position, menu."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from handlers.context import Ctx
from handlers.ui.dialogs import ask_again, nav_row, question
from handlers.ui.menu import request_access_keyboard, show_menu
from handlers.ui.render import render
from handlers.ui.text_steps import TextStep, TextSteps
from services import validation
from services.domain import Role
from services.people import onboarding, tutors
from services.people.invitations import InvitationState, check
from services.people.onboarding import Newcomer
from services.people.roles import Roles
from services.programmes.schema import Programmes
from storage.models import Invitation
from storage.uow import UnitOfWork


class Onboarding(StatesGroup):
    consent = State()
    full_name = State()
    position = State()


class Flow(StrEnum):
    """Which dialog a consent is given in."""

    INVITE = "invite"
    ACCESS = "access"


class CDConsent(CallbackData, prefix="consent"):
    """«Даю согласие» in onboarding or in an access request."""

    flow: Flow


def consent_keyboard(flow: Flow) -> InlineKeyboardMarkup:
    agree = InlineKeyboardButton(
        text=_("✅ Даю согласие"), callback_data=CDConsent(flow=flow).pack()
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
        district=invitation.district is not None,
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
        reply_markup=consent_keyboard(Flow.INVITE),
    )


async def on_consent(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(consent_at=ctx.clock.now().isoformat())
    await state.set_state(Onboarding.full_name)
    await ask_again(query.message, state, ctx)


async def _register(message: Message, state: FSMContext, ctx: Ctx, answers: dict[str, Any]) -> None:
    """The last answer is in: the newcomer joins by the invitation."""
    newcomer = Newcomer(
        telegram_id=message.chat.id,
        full_name=answers["full_name"],
        position=answers["position"],
        consent_at=datetime.fromisoformat(answers["consent_at"]),
    )
    await _finish(
        message,
        state,
        ctx.uow,
        answers["code"],
        ctx.clock.now(),
        newcomer,
        await ctx.roles(),
        answers.get("title", ""),
    )


STEPS = TextSteps(
    TextStep(
        Onboarding.full_name,
        question=__("Шаг 1 из 2. Напишите ваши фамилию, имя и отчество."),
        check=validation.full_name,
        what=__("фамилию, имя и отчество"),
        key="full_name",
        then=Onboarding.position,
        back=Onboarding.consent,
    ),
    TextStep(
        Onboarding.position,
        question=__("Шаг 2 из 2. Ваша должность (например: заместитель директора по УВР)."),
        check=validation.position,
        what=__("должность"),
        key="position",
        then=_register,
        back=Onboarding.full_name,
    ),
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
    new_roles = await onboarding.roles_after_joining(
        uow, message.chat.id, staff=roles.staff, admin=roles.admin
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
        on_consent, CDConsent.filter(F.flow == Flow.INVITE), Onboarding.consent
    )
    STEPS.register(router)
    return router
