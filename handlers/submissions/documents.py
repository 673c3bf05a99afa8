"""«📄 DOCX»: an application as the regulation's form, a report for the school's archive.

The button is on the staff card of an application and under an application or a report in
«Мои документы»; whoever presses it gets the document if they are staff or coordinate or
accompany the school (checked here, whatever the button). The template is the programme's
own (`services/programmes/presets/<id>.application.docx`) or the common one; the context
it is filled from:

- `number`, `kind`, `programme`, `school`, `sent`, `status`, `today`, `year`, `head`
  (the author's name);
- `a`: every answer as the card shows it, by field id (`a.full_name`, `a.network_schools`);
- `rows`: every answer as {label, value}, in the form's order;
- `files`: the attachments as {title, names};
- `plan`: the events of the application's plan ({title, form, dates, responsible, …});
- `network`: the network's schools as {name, year};
- `events` (reports): the announced events as {day, title, participants}.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.context import Ctx
from handlers.submissions import passport_texts, texts
from handlers.submissions.state import shown_value, summary
from services.domain import SubmissionKind, SubmissionStatus
from services.exports import documents, streaming
from services.exports.scope import of as scope_of
from services.review import decisions
from services.submissions import drafts, network_schools
from services.submissions.drafts import Snapshot
from services.submissions.fields import FieldType
from storage.models import Submission

PRINTABLE = frozenset({SubmissionKind.APPLICATION, SubmissionKind.REPORT})
_NOT_IN_NAME = re.compile(r'[\\/:*?"<>|]+')


class CDDocx(CallbackData, prefix="docx"):
    sid: int = Field(ge=1)


def docx_button(submission_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("📄 DOCX"), callback_data=CDDocx(sid=submission_id).pack())


def printable(submission: Submission) -> bool:
    return submission.kind in PRINTABLE and submission.status is not SubmissionStatus.DRAFT


def _day(moment: datetime | None, ctx: Ctx) -> str:
    return moment.astimezone(ctx.zone).strftime("%d.%m.%Y") if moment else ""


def _answers(snap: Snapshot, ctx: Ctx) -> dict[str, str]:
    form = drafts.form_of(ctx.programmes, snap)
    return {
        field.id: shown_value(field, snap.values.get(field.id), snap, ctx.zone).strip("\n")
        for field in form.active(snap.values)
    }


def _files(snap: Snapshot, ctx: Ctx) -> list[dict[str, str]]:
    form = drafts.form_of(ctx.programmes, snap)
    return [
        {"title": texts.label(field), "names": ", ".join(f.file_name for f in snap.files[field.id])}
        for field in form.active(snap.values)
        if field.type is FieldType.FILES and snap.files.get(field.id)
    ]


def _events(snap: Snapshot, ctx: Ctx) -> list[dict[str, Any]]:
    found = []
    for event in snap.context.get("events") or ():
        at = event.get("at")
        count = snap.values.get(f"participants:{event.get('id')}", event.get("participants"))
        found.append(
            {
                "day": datetime.fromisoformat(at).astimezone(ctx.zone).strftime("%d.%m.%Y")
                if at
                else "",
                "title": event.get("title", ""),
                "participants": "" if count is None else count,
            }
        )
    return found


def _kind(submission: Submission, ctx: Ctx) -> str:
    kinds = ctx.programmes.of(submission.programme).applications.kinds()
    if submission.kind is SubmissionKind.APPLICATION and submission.variant in kinds:
        return kinds[submission.variant].title
    return passport_texts.title_of(submission)


async def context(submission: Submission, ctx: Ctx) -> dict[str, Any]:
    """What the template is filled from (see the module's docstring)."""
    snap = drafts.snapshot(submission)
    values = snap.values
    author = await decisions.author_of(ctx.uow, submission)
    year = submission.school_year or snap.context.get("school_year")
    plan = values.get("network_plan") or values.get("activities") or []
    return {
        "number": submission.id,
        "kind": _kind(submission, ctx),
        "programme": ctx.programmes.of(submission.programme).title,
        "school": submission.school.name,
        "sent": _day(submission.sent_at, ctx),
        "status": texts.status_name(submission.status),
        "today": _day(ctx.clock.now(), ctx),
        "year": f"{year}/{int(year) + 1}" if year else "",
        "head": author.full_name,
        "a": _answers(snap, ctx),
        "rows": [
            {"label": label, "value": value.strip("\n")}
            for label, value in summary(snap, ctx.programmes, ctx.zone)
        ],
        "files": _files(snap, ctx),
        "plan": [item for item in plan if isinstance(item, dict)],
        "network": [
            {"name": item.get("name", ""), "year": item.get("year") or ""}
            for item in network_schools.members(values.get("network_schools"))
        ],
        "events": _events(snap, ctx),
    }


def file_name(submission: Submission) -> str:
    if submission.kind is SubmissionKind.REPORT:
        name = _("Отчёт № {number} ({school}).docx")
    else:
        name = _("Заявка № {number} ({school}).docx")
    return _NOT_IN_NAME.sub(" ", name.format(number=submission.id, school=submission.school.name))


async def document(submission: Submission, ctx: Ctx) -> bytes:
    """The DOCX of a sent application or report, built off the event loop."""
    if submission.kind is SubmissionKind.REPORT:
        path = documents.template(submission.programme, "report", "report")
    else:
        name = "application" if submission.variant == "assignment" else submission.variant
        path = documents.template(submission.programme, name, "application")
    return await streaming.in_thread(documents.render, path, await context(submission, ctx))


async def on_docx(query: CallbackQuery, callback_data: CDDocx, ctx: Ctx) -> None:
    submission = await decisions.submission(ctx.uow, callback_data.sid)
    scope = scope_of(await ctx.roles())
    if submission is None or scope is None or not scope.allows(submission.school_id):
        await query.answer(_("Этот документ вам недоступен."), show_alert=True)
        return
    if not printable(submission) or not isinstance(query.message, Message):
        await query.answer(_("Для этой заявки документа нет."), show_alert=True)
        return
    await query.answer(_("Готовлю документ…"))
    content = await document(submission, ctx)
    await query.message.reply_document(BufferedInputFile(content, filename=file_name(submission)))
