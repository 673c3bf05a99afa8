"""Staff commands in their group: /pending, /history N, /council DD.MM.YYYY, /registry."""

from __future__ import annotations

from datetime import date, datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx, Staff
from handlers.exports import registry as exports
from handlers.submissions import texts
from handlers.ui.render import render
from handlers.ui.staff import refuse_commands
from services import calendar
from services.people import reachability
from services.programmes import statuses
from services.programmes.schema import Programme
from services.review import council, decisions

PENDING_SHOWN = 50


async def cmd_pending(message: Message, ctx: Ctx) -> None:
    items = await decisions.pending(ctx.uow)
    shown = items[:PENDING_SHOWN]
    undelivered = await decisions.undelivered_cards(ctx.uow, [item.id for item in shown])
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    lines = [
        {
            "number": item.id,
            "kind": texts.kind_name(item.kind),
            "school": item.school.name,
            "age": (today - calendar.local_date(item.sent_at or item.created_at, ctx.zone)).days,
            "claimed": item.claimed_by_name,
            "late": item.late,
            "undelivered": item.id in undelivered,
        }
        for item in shown
    ]
    blocked = await reachability.unreachable(ctx.uow)
    await message.answer(render("pending.html.j2", lines=lines, total=len(items), blocked=blocked))


async def cmd_history(message: Message, command: CommandObject, ctx: Ctx) -> None:
    argument = (command.args or "").strip().lstrip("№").strip()
    if not argument.isdigit():
        await message.answer(_("Укажите номер заявки: /history 12"))
        return
    found = await decisions.history(ctx.uow, int(argument))
    if found is None:
        await message.answer(_("Заявки № {number} нет.").format(number=argument))
        return
    await message.answer(
        render(
            "history.html.j2",
            h=found,
            kind=texts.kind_name(found.submission.kind),
            status=texts.status_name(found.submission.status),
            zone=ctx.zone,
        )
    )


async def _council_programme(message: Message, ctx: Ctx) -> Programme | None:
    programme: Programme | None = ctx.programmes.with_council
    if programme is None:
        await message.answer(
            _("В положениях, по которым я работаю, заседания совета нет: заявки решаются без него.")
        )
    return programme


async def cmd_council(message: Message, command: CommandObject, ctx: Ctx) -> None:
    if not (programme := await _council_programme(message, ctx)):
        return
    try:
        meets_on = datetime.strptime((command.args or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        # Without a date (or with the one set): the list of the meeting set, as files.
        if command.args or not await exports.send_council_list(message, ctx, programme):
            await message.answer(_("Укажите дату заседания Учёного совета: /council 15.10.2027"))
        return
    if await exports.send_council_list(message, ctx, programme, meets_on):
        return  # the date of the meeting set: its list, as files
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    if meets_on < today:
        await message.answer(_("Эта дата уже прошла. Укажите будущую дату заседания."))
        return
    actor = message.from_user.id if message.from_user else 0
    await council.set_meeting(ctx.uow, meets_on, actor, ctx.clock.now())
    closes = council.closes_on(programme, meets_on)
    await message.answer(
        _(
            "Заседание Учёного совета: {meets}. Список претендентов закрывается {closes}: в него войдут заявки, одобренные до этого дня."
        ).format(meets=meets_on.strftime("%d.%m.%Y"), closes=closes.strftime("%d.%m.%Y"))
        + "\n"
        + _("Список файлами (XLSX и DOCX для протокола): /council.")
    )


async def cmd_registry(message: Message, ctx: Ctx) -> None:
    """The registry of platforms as a workbook; where a council grants, its list of applicants."""
    await exports.send_registry(message, ctx)
    programme = ctx.programmes.with_council
    if programme is None:
        return
    found = await council.registry(ctx.uow, programme, ctx.zone)
    if found is None:
        await message.answer(_("Дата Учёного совета не задана. Задайте её: /council 15.10.2027"))
        return
    rows = [
        {
            "school": row.school,
            "district": row.district,
            "kind": row.title,
            "date": row.decided_at,
            "status": texts.status_name(row.status),
            "extends": exports.extension_terms(row),
        }
        for row in found.rows
    ]
    await message.answer(render("registry.html.j2", r=found, rows=rows, zone=ctx.zone))


YEAR_WORDS = frozenset({"год", "года", "лет", "year", "years"})


def _until(words: list[str], order_on: date) -> date | None:
    """The term the order names, after its date: «до 31.08.2029», «31.08.2029» or «на 2 года».

    Nothing: the longest term the regulation allows. ValueError: not a term.
    """
    words = [w for w in words if w.casefold() not in ("до", "на", "until", "for")]
    if not words:
        return None
    if len(words) == 1 and "." in words[0]:
        return datetime.strptime(words[0], "%d.%m.%Y").date()
    if words[0].isdigit() and all(w.casefold() in YEAR_WORDS for w in words[1:]):
        return calendar.add_years(order_on, int(words[0]))
    raise ValueError(f"not a term: {words}")


async def cmd_granted(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """`/granted 12 01.11.2027 [до 31.08.2029]`: application 12 was granted by the order of
    that date (for a shorter term than the longest, the last day the order names)."""
    words = (command.args or "").replace("№", "").split()
    try:
        number, order_on = int(words[0]), datetime.strptime(words[1], "%d.%m.%Y").date()
        until = _until(words[2:], order_on)
    except (IndexError, ValueError):
        await message.answer(
            _(
                "Укажите номер одобренной заявки и дату приказа: /granted 12 01.11.2027. "
                "Если приказ даёт статус на меньший срок, добавьте последний день: "
                "/granted 12 01.11.2027 до 31.08.2029"
            )
        )
        return
    actor = message.from_user.id if message.from_user else 0
    grant = await statuses.record_grant(
        ctx.uow, ctx.programmes, number, order_on, actor, ctx.clock.now(), until
    )
    await message.answer(render("granted.html.j2", grant=grant, number=number))


def setup() -> Router:
    router = Router(name="staff-commands")
    anywhere, staff = StateFilter("*"), Staff()
    router.message.register(cmd_pending, Command("pending"), anywhere, staff)
    router.message.register(cmd_history, Command("history"), anywhere, staff)
    router.message.register(cmd_council, Command("council"), anywhere, staff)
    router.message.register(cmd_registry, Command("registry"), anywhere, staff)
    router.message.register(cmd_granted, Command("granted"), anywhere, staff)
    refuse_commands(router, "pending", "history", "council", "registry", "granted")
    return router
