"""The audit log read by people: who did what with a submission, and the log of a period as a
workbook. Actors are named: a registered person by their name, staff by the name their
reviews recorded; a person whose data was erased is «удалённый пользователь».
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.exports import personal_data, streaming, xlsx
from services.exports.submissions import Period
from services.exports.values import local, moment
from services.exports.xlsx import Column, Kind
from storage.models import AuditEntry, Submission
from storage.repositories import exports as queries
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    """The actor's name, or "" when the log does not know it."""
    actor_id: int | None
    """The actor's Telegram id; None for a person whose data was erased."""
    erased: bool
    """The actor's data was erased (152-ФЗ): shown as «удалённый пользователь»."""
    action: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class SubmissionAudit:
    submission: Submission
    entries: Sequence[Entry]


@dataclass(frozen=True)
class AuditWords:
    sheet: str
    columns: Sequence[str]
    """When, who, Telegram id, action, subject, details: six titles."""
    actions: Mapping[str, str]
    subjects: Mapping[str, str]
    erased: str


async def names(uow: UnitOfWork, telegram_ids: Collection[int]) -> dict[int, str]:
    """What to call each actor: a person's name, else the name staff acted under."""
    if not telegram_ids:
        return {}
    found: dict[int, str] = {}
    for actor, details in await queries.rows(uow.session, queries.names_in_audit(telegram_ids)):
        name = _details(details).get("name")
        if isinstance(name, str) and name:
            found[actor] = name
    for telegram_id, full_name in await queries.rows(
        uow.session, queries.people_named(telegram_ids)
    ):
        if full_name:
            found[telegram_id] = full_name
    return found


def _details(raw: str | None) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _entry(entry: AuditEntry, known: Mapping[int, str]) -> Entry:
    actor_id = entry.actor_telegram_id
    name = known.get(actor_id, "") if actor_id is not None else ""
    erased = name == personal_data.ERASED
    details = _details(entry.details)
    if erased:
        details.pop("name", None)
    return Entry(
        entry.at,
        "" if erased else name,
        None if erased else actor_id,
        erased,
        entry.action,
        details,
    )


async def of_submission(uow: UnitOfWork, submission_id: int) -> SubmissionAudit | None:
    submission = await uow.submissions.get(submission_id)
    if submission is None:
        return None
    found = await uow.audit.of_subject("submission", submission_id)
    known = await names(uow, {e.actor_telegram_id for e in found if e.actor_telegram_id})
    return SubmissionAudit(submission, [_entry(e, known) for e in found])


async def count(uow: UnitOfWork, period: Period, zone: ZoneInfo) -> int:
    return await queries.count(uow.session, queries.audit(*period.bounds(zone)))


async def workbook(uow: UnitOfWork, period: Period, zone: ZoneInfo, words: AuditWords) -> bytes:
    """The log of `period`, oldest first."""
    bounds = period.bounds(zone)
    actors = [row[0] for row in await queries.rows(uow.session, queries.audit_actors(*bounds))]
    known = await names(uow, actors)
    parts = queries.stream(uow.session, queries.audit(*bounds))

    def build(rows: Iterator[Any]) -> bytes:
        kinds = (Kind.DATETIME, Kind.TEXT, Kind.NUMBER, Kind.TEXT, Kind.TEXT, Kind.TEXT)
        columns = [Column(title, kind) for title, kind in zip(words.columns, kinds, strict=True)]
        shown = (_row(raw, known, zone, words) for raw in rows)
        return xlsx.workbook([xlsx.Sheet(words.sheet, columns, shown)])

    return await streaming.build_streamed(parts, build)


def _row(
    raw: Sequence[Any], known: Mapping[int, str], zone: ZoneInfo, words: AuditWords
) -> list[Any]:
    at, actor, action, subject_type, subject_id, details = raw
    name = known.get(actor, "") if actor is not None else ""
    erased = name == personal_data.ERASED
    subject = words.subjects.get(subject_type, subject_type)
    shown_details = "; ".join(
        f"{key}: {value}"
        for key, value in _details(details).items()
        if not (erased and key == "name")
    )
    return [
        local(moment(at), zone),
        words.erased if erased else name,
        None if erased else actor,
        words.actions.get(action, action),
        f"{subject} № {subject_id}" if subject_id is not None else subject,
        shown_details,
    ]
