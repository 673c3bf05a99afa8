"""Charts as pictures: /stats for staff, and the chart that comes with /indicators."""

from __future__ import annotations

from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.exports import words
from handlers.submissions import texts
from services.domain import SubmissionKind
from services.exports import charts, stats, streaming
from services.exports.charts import Bars
from services.programmes.indicators import Indicators


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _caption(found: stats.Stats) -> str:
    share = found.on_time_percent
    lines = [
        ngettext(
            "За 12 месяцев отправлена {num} заявка.",
            "За 12 месяцев отправлено {num} заявок.",
            found.sent,
        ).format(num=found.sent),
        _("Дней до решения: медиана {median}, 90-й процентиль {p90} (решений: {count}).").format(
            median=_days(found.median_days),
            p90=_days(found.p90_days),
            count=len(found.days_to_decision),
        ),
        _("Отчёты в срок: {share} ({on_time} из {total}).").format(
            share="—" if share is None else f"{share} %",
            on_time=found.reports_on_time,
            total=found.reports,
        )
        if found.reports
        else _("Отчётов за это время не было."),
    ]
    return "\n".join(lines)


async def cmd_stats(message: Message, ctx: Ctx) -> None:
    found = await stats.compute(ctx.uow, ctx.clock.now(), ctx.zone)
    if not found.sent:
        await message.answer(_("За последние 12 месяцев заявок не было."))
        return
    months = [charts.month_label(month) for month in found.months]
    by_kind = Bars(
        months, {texts.kind_name(k): v for k, v in sorted(found.by_kind.items(), key=_order)}
    )
    statuses = words.statuses()
    by_status = Bars(months, {statuses[s]: v for s, v in found.by_status.items()})
    caption = _caption(found)
    titles = (_("Заявки по месяцам и видам"), _("Заявки по месяцам и статусам"))
    png = await streaming.in_thread(charts.statistics, by_kind, by_status, titles, caption)
    await message.answer_photo(BufferedInputFile(png, filename="stats.png"), caption=caption)


def _order(item: tuple[SubmissionKind, list[int]]) -> int:
    return list(SubmissionKind).index(item[0])


async def send_indicators_chart(message: Message, found: Indicators, today: str) -> None:
    """Active platforms per district against the programme's minimum, as a bar chart."""
    if not found.districts:
        return
    names = [d.name or _("район не указан") for d in found.districts]
    minimum = found.targets.platforms_per_district_min
    title = _("Действующие площадки по районам на {day}").format(day=today)
    png = await streaming.in_thread(
        charts.districts,
        names,
        [d.active for d in found.districts],
        minimum,
        title,
        _("Действующих площадок"),
        _("Не менее {minimum}").format(minimum=minimum),
    )
    await message.answer_photo(
        BufferedInputFile(png, filename="indicators.png"), caption=found.programme.title
    )
