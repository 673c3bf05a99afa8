"""/indicators in the staff group: the monitoring indicators of the programmes that define them."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx, Staff
from handlers.exports.charts import send_indicators_chart
from handlers.submissions import texts
from handlers.ui.render import render
from handlers.ui.staff import refuse_commands
from services import calendar
from services.domain import SubmissionStatus
from services.programmes import indicators

UNMET_SHOWN = 30
"""Platforms below the condition listed by name; the rest are counted (a message is 4096)."""


def _report_state(state: SubmissionStatus | None) -> str:
    if state is None:
        return _("отчёт не подан")
    if state is SubmissionStatus.DRAFT:  # reopened after a request for changes
        state = SubmissionStatus.CHANGES_REQUESTED
    return _("отчёт: {status}").format(status=texts.status_name(state))


async def cmd_indicators(message: Message, ctx: Ctx) -> None:
    monitored = [(p, p.monitoring) for p in ctx.programmes if p.monitoring is not None]
    if not monitored:
        await message.answer(_("В положениях, по которым я работаю, показателей мониторинга нет."))
        return
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    for programme, targets in monitored:
        found = await indicators.measure(ctx.uow, programme, targets, today)
        if len((message.text or "").split()) == 1:  # `/indicators` alone: with its chart
            await send_indicators_chart(message, found, today.strftime("%d.%m.%Y"))
        await message.answer(
            render(
                "indicators.html.j2",
                i=found,
                today=today.strftime("%d.%m.%Y"),
                unmet=[
                    (u.school, u.platform, _report_state(u.report))
                    for u in found.unmet[:UNMET_SHOWN]
                ],
                more=max(0, len(found.unmet) - UNMET_SHOWN),
            )
        )


def setup() -> Router:
    router = Router(name="indicators")
    router.message.register(cmd_indicators, Command("indicators"), StateFilter("*"), Staff())
    refuse_commands(router, "indicators")
    return router
