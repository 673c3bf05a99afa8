"""Staff-only commands and buttons: `Staff()` routes them, and whoever is not staff hears why.

A staff-only handler is registered with `handlers.context.Staff()`; right after it, the same
command (or button) without the filter gets the refusal, so non-staff keep their answer.
Button handlers also check on the server side whatever the filter: the data says what, the
role says whether.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx


async def command_refused(message: Message) -> None:
    await message.answer(_("Эта команда — для сотрудников института."))


def refuse_commands(router: Router, *commands: str) -> None:
    """Register, after the staff's handlers of these commands, the refusal for everyone else."""
    router.message.register(command_refused, Command(*commands), StateFilter("*"))


async def staff_or_refuse(query: CallbackQuery, ctx: Ctx, refusal: str) -> bool:
    """Whether the press comes from staff; if not, it is answered with `refusal`."""
    if (await ctx.roles()).staff:
        return True
    await query.answer(refusal, show_alert=True)
    return False
