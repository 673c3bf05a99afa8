"""Personal data (152-ФЗ): everything stored about one person, and erasing it.

The export is a JSON document of every row that names the person or was written by them.
Erasure removes their name and contacts from the records about them (their profile, their
access requests, the names their reviews and decisions recorded) and their unfinished
dialogs; what they did stays in the audit log and on the submissions, attributed to
«удалённый пользователь». Their Telegram id stays, as the key of what they did. What they
wrote into a sent submission (a contact line of an application, say) stays in it: the
submission is the school's document, which the institute keeps.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.inspection import inspect

from storage.models import Base
from storage.repositories import personal
from storage.uow import UnitOfWork

ERASED = "удалённый пользователь"
"""What an erased person is called from then on (stored, so every list shows it)."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _row(row: Base, *, parse: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row's columns as JSON values; the columns in `parse` hold JSON themselves."""
    found: dict[str, Any] = {}
    for column in inspect(type(row)).columns:
        value = getattr(row, column.key)
        if column.key in parse and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        found[column.key] = _plain(value)
    return found


async def export(uow: UnitOfWork, telegram_id: int, now: datetime) -> dict[str, Any]:
    """Everything stored about the person, as JSON values (empty lists when nothing)."""
    found = await personal.records(uow.session, telegram_id)
    person = found.person
    memberships = [
        {
            "school_id": m.school_id,
            "school": m.school.name,
            "role": m.role.value,
            "since": _plain(m.created_at),
        }
        for m in (person.memberships if person is not None else [])
    ]
    return {
        "telegram_id": telegram_id,
        "exported_at": now.isoformat(),
        "person": _row(person) if person is not None else None,
        "memberships": memberships,
        "districts": [d.district for d in found.districts],
        "settings": _row(found.settings) if found.settings is not None else None,
        "access_requests": [_row(r) for r in found.access_requests],
        "access_requests_decided": [_row(r) for r in found.access_decided],
        "invitations": [_row(i) for i in found.invitations],
        "submissions": [_row(s, parse=("values", "context")) for s in found.authored],
        "submissions_reviewed": [
            {k: v for k, v in _row(s).items() if k in _REVIEW_COLUMNS} for s in found.reviewed
        ],
        "audit": [_row(e, parse=("details",)) for e in found.audit],
        "dialogs": [_row(d, parse=("data",)) for d in found.dialogs],
        "messages": [
            {k: v for k, v in _row(m, parse=("payload",)).items() if k in _MESSAGE_COLUMNS}
            for m in found.messages
        ],
    }


_REVIEW_COLUMNS = frozenset(
    {"id", "kind", "school_id", "status", "claimed_by", "claimed_by_name", "claimed_at",
     "decided_by", "decided_by_name", "decided_at", "comment"}
)  # fmt: skip
_MESSAGE_COLUMNS = frozenset({"id", "rule", "subject", "payload", "due_at", "status", "sent_at"})


@dataclass(frozen=True)
class Erasure:
    found: bool
    """Anything was stored about the person."""
    changed: Mapping[str, int]
    """What was erased now, by kind of record, and how many (nothing, when done before)."""


async def erase(uow: UnitOfWork, telegram_id: int, now: datetime) -> Erasure:
    """Remove the person's name and contacts; what they did stays, attributed to `ERASED`."""
    found = await personal.records(uow.session, telegram_id)
    changed: dict[str, int] = {}
    person = found.person
    if person is not None and (person.full_name, person.position, person.contact) != (
        ERASED,
        "",
        "",
    ):
        person.full_name, person.position, person.contact = ERASED, "", ""
        changed["person"] = 1
    named = [
        r for r in found.access_requests if (r.full_name, r.position, r.contact) != (ERASED, "", "")
    ]
    for request in named:
        request.full_name, request.position, request.contact = ERASED, "", ""
    changed["access_requests"] = len(named)
    deciding = [r for r in found.access_decided if r.decided_by_name != ERASED]
    for request in deciding:
        request.decided_by_name = ERASED
    changed["access_requests_decided"] = len(deciding)
    reviewed = 0
    for submission in found.reviewed:
        before = (submission.claimed_by_name, submission.decided_by_name)
        if submission.claimed_by == telegram_id and submission.claimed_by_name:
            submission.claimed_by_name = ERASED
        if submission.decided_by == telegram_id and submission.decided_by_name:
            submission.decided_by_name = ERASED
        reviewed += before != (submission.claimed_by_name, submission.decided_by_name)
    changed["submissions_reviewed"] = reviewed
    changed["audit"] = _erase_names(found.audit)
    await personal.forget_dialogs(uow.session, found.dialogs)
    changed["dialogs"] = len(found.dialogs)
    stored = (found.access_requests, found.access_decided, found.reviewed, found.audit)
    anything = found.person is not None or any(stored) or bool(found.dialogs)
    if any(changed.values()):
        uow.audit.record(
            "person.erase", "person", found.person.id if found.person else None, None, now
        )
    await uow.commit()
    return Erasure(anything, {kind: count for kind, count in changed.items() if count})


def _erase_names(entries: Any) -> int:
    """Names recorded with the person's actions become `ERASED`; the actions stay."""
    count = 0
    for entry in entries:
        try:
            details = json.loads(entry.details or "{}")
        except ValueError:
            continue
        if isinstance(details, dict) and details.get("name") not in (None, ERASED):
            details["name"] = ERASED
            entry.details = json.dumps(details, ensure_ascii=False)
            count += 1
    return count
