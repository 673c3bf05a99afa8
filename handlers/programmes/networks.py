"""`/network`: staff see and change the schools of a network platform, by its number."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx, Staff
from handlers.ui.render import render
from handlers.ui.staff import refuse_commands
from services import calendar
from services.people.schools import lookup
from services.programmes import networks, platforms
from services.submissions.fields import FieldError
from services.submissions.network_schools import parse_year
from storage.models import Platform

_COMMAND = re.compile(r"^№?\s*(\d+)(?:\s+([+-])\s*(.+?))?$", re.S)
_TRAILING_YEAR = re.compile(r"^(.*\S)\s+(\d{4})\s*(?:г\.?)?$", re.S)


async def cmd_network(message: Message, command: CommandObject, ctx: Ctx) -> None:
    parsed = _COMMAND.match((command.args or "").strip())
    if parsed is None:
        await message.answer(render("network_usage.html.j2"))
        return
    uow = ctx.uow
    platform = await platforms.get(uow, int(parsed[1]))
    if platform is None:
        await message.answer(_("Площадки № {number} нет.").format(number=parsed[1]))
        return
    sign, target = parsed[2], parsed[3]
    if sign is None:
        await _show(message, platform, ctx)
        return
    year: int | None = None
    if sign == "+" and (with_year := _TRAILING_YEAR.match(target)):
        today = calendar.local_date(ctx.clock.now(), ctx.zone)
        try:
            year = parse_year(with_year[2], today.year)
        except FieldError:
            await message.answer(
                _("Год вступления — четыре цифры, не позже {year}.").format(year=today.year)
            )
            return
        target = with_year[1]
    found = await lookup(uow, target)
    if found.school is None:
        await message.answer(render("school_lookup_failed.html.j2", found=found, needle=target))
        return
    actor = message.from_user.id if message.from_user else 0
    now = ctx.clock.now()
    if sign == "+":
        outcome = await networks.add_school(uow, platform, found.school, year, actor, now)
    else:
        outcome = await networks.remove_school(uow, platform, found.school, actor, now)
    await _show(message, platform, ctx, outcome)


async def _show(
    message: Message, platform: Platform, ctx: Ctx, outcome: networks.Outcome | None = None
) -> None:
    members = await networks.members(ctx.uow, platform)
    await message.answer(
        render(
            "network.html.j2",
            platform=platform,
            programme=ctx.programmes.of(platform.programme).title,
            members=members,
            outcome=outcome,
        )
    )


def setup() -> Router:
    router = Router(name="networks")
    router.message.register(cmd_network, Command("network"), StateFilter("*"), Staff())
    refuse_commands(router, "network")
    return router
