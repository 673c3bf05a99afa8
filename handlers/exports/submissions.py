"""/export: every submission of a period as a workbook; /export audit: the audit log.

`/export` — the school year so far; `/export 01.09.2026` — from that day to today;
`/export 01.09.2026 31.12.2026` — those days (2026-09-01 is understood too). Staff get the
region, a coordinator or a mentor their own schools; the audit log is for staff only. A
wrong date is named in the answer; an empty period is said in words, not sent as a file.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from aiogram.filters import CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.exports import sending, words
from handlers.exports.sending import Built
from services import calendar
from services.exports import audit, submissions
from services.exports.scope import of as scope_of
from services.exports.submissions import Period

AUDIT = frozenset({"audit", "аудит", "журнал"})


class PeriodError(ValueError):
    """The arguments name no period; the message says why, in the reader's words."""


def _parsed_day(word: str) -> date:
    for layout in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(word, layout).date()
        except ValueError:
            continue
    raise PeriodError(
        _("«{word}» — не дата. Даты пишутся так: 01.09.2026 (или 2026-09-01).").format(
            word=html.escape(word)
        )
    )


def period(arguments: list[str], today: date) -> Period:
    """The days the arguments name: none (the school year so far), the first (to today), or
    the first and the last."""
    if len(arguments) > 2:
        raise PeriodError(_("Дат больше двух: нужны первый и последний день периода."))
    days = [_parsed_day(word) for word in arguments]
    first = days[0] if days else calendar.school_year_bounds(calendar.school_year_of(today))[0]
    last = days[1] if len(days) == 2 else today
    if first > last:
        raise PeriodError(
            _("Первый день периода ({first}) позже последнего ({last}).").format(
                first=first.strftime("%d.%m.%Y"), last=last.strftime("%d.%m.%Y")
            )
        )
    return Period(first, last)


def _shown(found: Period) -> tuple[str, str]:
    return found.first.strftime("%d.%m.%Y"), found.last.strftime("%d.%m.%Y")


async def cmd_export(message: Message, command: CommandObject, ctx: Ctx) -> None:
    arguments = (command.args or "").split()
    if arguments and arguments[0].casefold() in AUDIT:
        await _export_audit(message, arguments[1:], ctx)
        return
    scope = scope_of(await ctx.roles())
    if scope is None:
        await message.answer(
            _("Выгрузка доступна координаторам, наставникам и сотрудникам института.")
        )
        return
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    try:
        found = period(arguments, today)
    except PeriodError as error:
        await message.answer(
            f"{error}\n"
            + _(
                "Укажите период: /export 01.09.2026 31.12.2026 (или только первый день — до "
                "сегодня; без дат — с начала учебного года)."
            )
        )
        return
    count = await submissions.count(ctx.uow, found, scope, ctx.zone)
    if count == 0:
        first, last = _shown(found)
        await message.answer(
            _("С {first} по {last} заявок не было.").format(first=first, last=last)
        )
        return

    async def build() -> Built:
        content = await submissions.workbook(
            ctx.uow, found, scope, ctx.zone, ctx.clock.now(), words.submissions(ctx.programmes)
        )
        first, last = _shown(found)
        caption = ngettext(
            "С {first} по {last} отправлена {num} заявка.",
            "С {first} по {last} отправлено {num} заявок.",
            count,
        ).format(first=first, last=last, num=count)
        return Built(content, words.submissions_file(found.first, found.last), caption)

    await sending.send_file(message, build, slow=sending.slow(count))


async def _export_audit(message: Message, arguments: list[str], ctx: Ctx) -> None:
    if not (await ctx.roles()).staff:
        await message.answer(_("Журнал действий доступен только сотрудникам института."))
        return
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    try:
        found = period(arguments, today)
    except PeriodError as error:
        await message.answer(
            f"{error}\n" + _("Укажите период: /export audit 01.09.2026 31.12.2026")
        )
        return
    count = await audit.count(ctx.uow, found, ctx.zone)
    if count == 0:
        first, last = _shown(found)
        await message.answer(
            _("С {first} по {last} в журнале нет записей.").format(first=first, last=last)
        )
        return

    async def build() -> Built:
        content = await audit.workbook(ctx.uow, found, ctx.zone, words.audit())
        first, last = _shown(found)
        caption = ngettext(
            "Журнал действий с {first} по {last}: {num} запись.",
            "Журнал действий с {first} по {last}: {num} записей.",
            count,
        ).format(first=first, last=last, num=count)
        return Built(content, words.audit_file(found.first, found.last), caption)

    await sending.send_file(message, build, slow=sending.slow(count))
