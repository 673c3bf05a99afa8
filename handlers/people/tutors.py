"""«👥 Пригласить тьютора»: the platform's coordinator issues a mentor invitation for the school."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.context import Ctx
from handlers.ui.dialogs import ask_again
from handlers.ui.menu import BUTTON_INVITE_MENTOR
from handlers.ui.render import render
from services.people import tutors
from services.people.invitations import deep_link
from services.people.roles import Roles

SCHOOL_BUTTON_MAX = 60


CANCEL = 0
"""`CDTutor.school` of «Отмена»."""


class CDTutor(CallbackData, prefix="tut"):
    school: int = Field(ge=0)
    """The school's id, or `CANCEL`."""


def _is_invite_button(text: str) -> bool:
    return any(str(label) == text for label in BUTTON_INVITE_MENTOR.values())


async def on_button(message: Message, state: FSMContext, bot: Bot, ctx: Ctx) -> None:
    roles: Roles = await ctx.roles()
    if not roles.appoints_mentors:
        await message.answer(
            _(
                "Приглашать тьюторов и наставников сам может координатор площадки той "
                "программы, где это предусмотрено. Ссылку-приглашение выдают сотрудники института."
            )
            if roles.coordinator_of
            else _("Приглашать тьюторов может только координатор площадки.")
        )
        await ask_again(message, state, ctx)
        return
    await state.clear()
    if len(roles.appoints_mentors) == 1:
        await _issue(message, bot, ctx, roles.appoints_mentors[0].id)
        return
    rows = [
        [
            InlineKeyboardButton(
                text=school.name[:SCHOOL_BUTTON_MAX],
                callback_data=CDTutor(school=school.id).pack(),
            )
        ]
        for school in roles.appoints_mentors
    ]
    rows.append(
        [InlineKeyboardButton(text=_("✖️ Отмена"), callback_data=CDTutor(school=CANCEL).pack())]
    )
    await message.answer(
        _("Для какой школы приглашение?"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def on_cancel(query: CallbackQuery) -> None:
    await query.answer(_("Отменено."))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def on_school(query: CallbackQuery, callback_data: CDTutor, bot: Bot, ctx: Ctx) -> None:
    roles: Roles = await ctx.roles()
    if callback_data.school not in {school.id for school in roles.appoints_mentors}:
        await query.answer(_("Приглашать тьюторов этой школы вы не можете."), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await _issue(query.message, bot, ctx, callback_data.school)


async def _issue(message: Message, bot: Bot, ctx: Ctx, school_id: int) -> None:
    roles: Roles = await ctx.roles()
    issued = await tutors.invite(
        ctx.uow,
        ctx.programmes,
        [school.id for school in roles.coordinator_of],
        school_id,
        message.chat.id,
        ctx.clock.now(),
        ctx.invite_ttl_days,
    )
    if issued is None:
        await message.answer(_("Приглашать тьюторов этой школы вы не можете."))
        return
    username = (await bot.me()).username or ""
    await message.answer(
        render(
            "tutor_link.html.j2",
            invite=issued,
            title=roles.mentor_title,
            link=deep_link(username, issued.code),
            zone=ctx.zone,
        )
    )


def setup() -> Router:
    router = Router(name="tutors")
    private = F.chat.type == "private"
    router.message.register(on_button, private, F.text.func(_is_invite_button), StateFilter("*"))
    router.callback_query.register(on_cancel, CDTutor.filter(F.school == CANCEL))
    router.callback_query.register(on_school, CDTutor.filter(F.school != CANCEL))
    return router
