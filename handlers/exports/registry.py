"""Staff's registers as files: the registry of platforms (/registry) and the council's list
(/council): a workbook, and a DOCX ready for the minutes."""

from __future__ import annotations

from datetime import date

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.exports import sending, words
from handlers.exports.sending import Built
from handlers.submissions import texts
from services import calendar
from services.exports import council as council_files
from services.exports import registry, streaming
from services.exports.council import CouncilList, CouncilRow
from services.programmes.schema import Programme
from services.review import council


async def send_registry(message: Message, ctx: Ctx) -> None:
    """The registry of platforms as it stands today: a sheet per programme."""
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    count = await registry.count(ctx.uow)
    if count == 0:
        await message.answer(
            _(
                "В реестре пока нет площадок: площадка появляется в нём, когда записан приказ "
                "о статусе (/granted)."
            )
        )
        return

    async def build() -> Built:
        content = await registry.workbook(ctx.uow, today, ctx.zone, words.registry(ctx.programmes))
        caption = ngettext(
            "Реестр площадок на {day}: {num} площадка.",
            "Реестр площадок на {day}: {num} площадок.",
            count,
        ).format(day=today.strftime("%d.%m.%Y"), num=count)
        return Built(content, words.registry_file(today), caption)

    await sending.send_file(message, build, slow=sending.slow(count))


async def council_list(ctx: Ctx, programme: Programme) -> CouncilList | None:
    """The applicants of the latest meeting (None when no date is set)."""
    found = await council.registry(ctx.uow, programme, ctx.zone)
    if found is None:
        return None
    rows = [
        CouncilRow(
            school=row.school,
            district=row.district,
            kind=row.title,
            approved_on=calendar.local_date(row.decided_at, ctx.zone) if row.decided_at else None,
            status=texts.status_name(row.status),
            note=extension_terms(row),
        )
        for row in found.rows
    ]
    return CouncilList(programme.id, programme.title, found.meets_on, found.closes_on, rows)


def extension_terms(row: council.RegistryRow) -> str:
    """An extension's terms: the status in force until, and the longest it may be extended to
    (the council's list in the chat and in its files say it alike)."""
    if row.in_force_until is None or row.extended_until is None:
        return ""
    return _("статус до {until}, продление — не дольше чем до {longest}").format(
        until=row.in_force_until.strftime("%d.%m.%Y"),
        longest=row.extended_until.strftime("%d.%m.%Y"),
    )


async def send_council_list(
    message: Message, ctx: Ctx, programme: Programme, meets_on: date | None = None
) -> bool:
    """The council's list as XLSX and DOCX; False (nothing sent) when no meeting is set, or
    when `meets_on` is not the day of the one set."""
    found = await council_list(ctx, programme)
    if found is None or meets_on not in (None, found.meets_on):
        return False
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    columns = [
        _("№"),
        _("Школа"),
        _("Район"),
        _("Заявка"),
        _("Одобрена"),
        _("Статус"),
        _("Срок статуса"),
    ]
    caption = ngettext(
        "Список к Учёному совету {meets}: {num} претендент.",
        "Список к Учёному совету {meets}: {num} претендентов.",
        len(found.rows),
    ).format(meets=found.meets_on.strftime("%d.%m.%Y"), num=len(found.rows))

    async def workbook() -> Built:
        content = await streaming.in_thread(
            council_files.workbook, found, _("Претенденты"), columns
        )
        return Built(content, words.council_file(found.meets_on, "xlsx"), caption)

    async def document() -> Built:
        content = await streaming.in_thread(council_files.document, found, today)
        return Built(content, words.council_file(found.meets_on, "docx"))

    await sending.send_file(message, workbook)
    await sending.send_file(message, document)
    return True
