"""`/indicators public`: the monitoring results in a public form, for where the regulation says
they are made public (Omsk 3.2: «размещением оперативной информации на сайте департамента
образования»).

Public form: dated, the active platforms per municipal district and the share meeting the
conditions, each against its target; no names of platforms that fall short, no states of
their reports. The bot does not post it: staff place it where `monitoring.published_on` says.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx, Staff
from handlers.ui.render import render
from services import calendar
from services.programmes import indicators

WORDS = frozenset({"public", "публично", "сайт", "публикация"})


async def cmd_public(message: Message, ctx: Ctx) -> None:
    published = [
        (p, p.monitoring)
        for p in ctx.programmes
        if p.monitoring is not None and p.monitoring.published_on
    ]
    if not published:
        await message.answer(
            _(
                "Положения, по которым я работаю, не говорят, где публиковать результаты "
                "мониторинга."
            )
        )
        return
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    for programme, targets in published:
        found = await indicators.measure(ctx.uow, programme, targets, today)
        await message.answer(
            _("Текст для публикации: {where}. Скопируйте его туда целиком.").format(
                where=targets.published_on
            )
        )
        await message.answer(
            render("indicators_public.html.j2", i=found, today=today.strftime("%d.%m.%Y"))
        )


def _asks_public(args: str | None) -> bool:
    return (args or "").strip().casefold() in WORDS


def setup() -> Router:
    """Before /indicators itself: only «/indicators public» comes here."""
    router = Router(name="monitoring-public")
    router.message.register(
        cmd_public,
        Command("indicators", magic=F.args.func(_asks_public)),
        StateFilter("*"),
        Staff(),
    )
    return router
