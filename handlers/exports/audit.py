"""/audit 12: who did what with submission 12, and when (staff)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiogram.filters import CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.exports import words
from handlers.submissions import passport_texts, texts
from handlers.ui.render import render
from services.exports import audit
from services.exports.audit import Entry

SHOWN = 40
"""The newest entries shown; a message holds 4096 characters."""


def _who(entry: Entry) -> str:
    if entry.erased:
        return words.erased()
    if entry.actor:
        return entry.actor
    return f"id {entry.actor_id}" if entry.actor_id is not None else _("бот")


def _extra(details: Mapping[str, Any]) -> str:
    if details.get("comment"):
        return f"«{details['comment']}»"
    if details.get("order"):
        return _("приказ от {day}").format(day=".".join(reversed(str(details["order"]).split("-"))))
    if "held" in details:
        return _("состоялось") if details["held"] else _("не состоялось")
    if details.get("outcome"):
        return str(details["outcome"])
    return ""


async def cmd_audit(message: Message, command: CommandObject, ctx: Ctx) -> None:
    argument = (command.args or "").strip().lstrip("№").strip()
    if not re.fullmatch(r"[0-9]{1,9}", argument):  # not "²", nor past the database's integers
        await message.answer(_("Укажите номер заявки: /audit 12"))
        return
    found = await audit.of_submission(ctx.uow, int(argument))
    if found is None:
        await message.answer(_("Заявки № {number} нет.").format(number=argument))
        return
    actions = words.actions()
    entries = found.entries[-SHOWN:]
    lines = [
        {
            "when": entry.at.astimezone(ctx.zone).strftime("%d.%m.%Y %H:%M"),
            "who": _who(entry),
            "action": actions.get(entry.action, entry.action),
            "extra": _extra(entry.details)[:300],
        }
        for entry in entries
    ]
    submission = found.submission
    await message.answer(
        render(
            "audit.html.j2",
            kind=passport_texts.kind_of(submission),
            number=submission.id,
            school=submission.school.name,
            status=texts.status_name(submission.status),
            lines=lines,
            more=len(found.entries) - len(entries),
        )
    )
