"""The annual report's preview shows the school's events and participants by month (a PNG).

Drawn off the event loop from the events the report lists; sent again only when what it
shows changed, not at every return to the preview.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from services.domain import SubmissionKind
from services.exports import charts, streaming
from services.exports.stats import events_by_month
from services.submissions.drafts import Snapshot

SHOWN = "chart"
"""Dialog data key: what the chart last sent showed."""


def _events(snap: Snapshot) -> list[tuple[datetime, int | None]]:
    found = []
    for event in snap.context.get("events") or ():
        if not isinstance(event, dict) or not event.get("at"):
            continue
        count = snap.values.get(f"participants:{event.get('id')}", event.get("participants"))
        found.append(
            (datetime.fromisoformat(event["at"]), count if isinstance(count, int) else None)
        )
    return found


async def show(message: Message, state: FSMContext, snap: Snapshot, ctx: Ctx) -> None:
    """Send the chart above the preview of a report with dated events, once per content."""
    if snap.submission.kind is not SubmissionKind.REPORT:
        return
    months = events_by_month(_events(snap), ctx.zone)
    if not months:
        return
    digest = hashlib.sha1(json.dumps(months, default=str).encode()).hexdigest()[:16]
    if (await state.get_data()).get(SHOWN) == digest:
        return
    titles = (_("Мероприятия и участники по месяцам"), _("Мероприятия"), _("Участники"))
    png = await streaming.in_thread(
        charts.events,
        [charts.month_label(month) for month, _held, _people in months],
        [held for _month, held, _people in months],
        [people for _month, _held, people in months],
        titles,
    )
    await message.answer_photo(BufferedInputFile(png, filename="chart.png"), caption=titles[0])
    await state.update_data({SHOWN: digest})
