"""/calendar: announced events as an ICS file for a calendar application.

A coordinator gets their schools' events, a mentor those of the schools they accompany,
staff the region's or, with `/calendar Гатчинский район`, a district's. Importing the file
again updates the events (their UIDs stay) instead of doubling them.
"""

from __future__ import annotations

from aiogram.filters import CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.exports import sending, words
from handlers.exports.publication import domain as uid_domain
from handlers.exports.sending import Built
from handlers.ui.render import render
from services import calendar
from services.exports import calendars
from services.exports.scope import Scope
from services.exports.scope import of as scope_of
from services.people import districts


async def _scope(message: Message, needle: str, ctx: Ctx) -> Scope | None:
    roles = await ctx.roles()
    scope = scope_of(roles)
    if scope is None:
        await message.answer(
            _("Календарь мероприятий доступен координаторам, наставникам и сотрудникам института.")
        )
        return None
    if not needle:
        return scope
    if not roles.staff:
        await message.answer(
            _(
                "Район выбирают только сотрудники института: /calendar без слов даст мероприятия ваших школ."
            )
        )
        return None
    found = await districts.lookup(ctx.uow, needle)
    if found.district is None:
        await message.answer(render("district_lookup_failed.html.j2", found=found, needle=needle))
        return None
    return Scope(district=found.district)


async def cmd_calendar(message: Message, command: CommandObject, ctx: Ctx) -> None:
    scope = await _scope(message, (command.args or "").strip(), ctx)
    if scope is None:
        return
    now = ctx.clock.now()
    count = await calendars.count(ctx.uow, scope, now)
    if count == 0:
        await message.answer(_("Анонсированных мероприятий за последний год и впереди нет."))
        return
    domain = await uid_domain(message.bot) if message.bot else calendars.DOMAIN

    async def build() -> Built:
        content, written = await calendars.calendar(
            ctx.uow, scope, ctx.zone, now, domain, words.calendar()
        )
        caption = ngettext(
            "В файле {num} мероприятие. Откройте файл, чтобы добавить его в календарь; "
            "повторный импорт обновит события, а не задвоит их.",
            "В файле {num} мероприятий. Откройте файл, чтобы добавить их в календарь; "
            "повторный импорт обновит события, а не задвоит их.",
            written,
        ).format(num=written)
        return Built(content, words.calendar_file(calendar.local_date(now, ctx.zone)), caption)

    await sending.send_file(message, build, slow=sending.slow(count))
