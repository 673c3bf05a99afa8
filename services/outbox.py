"""The reminders outbox: planned once by key, claimed by one sender, settled by that sender.

The database is the source of truth; the scheduler only says "now". Each function is one
transaction (it commits). A row goes PLANNED -> CLAIMED -> SENT | CANCELLED | UNREACHABLE |
FAILED, or back to PLANNED for a retry; every transition out of CLAIMED names the owner
that claimed it, so a sender that lost its rows (recovered as stale) cannot settle them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage.models import Reminder, ReminderStatus, utcnow
from storage.uow import UnitOfWork

ERROR_LENGTH = 300
"""`reminders.last_error` is a String(300)."""


@dataclass(frozen=True)
class Planned:
    """A reminder the planner wants to exist; `key` makes planning it again a no-op."""

    key: str
    rule: str
    subject: str
    chat_id: int
    due_at: datetime
    mandatory: bool = True
    payload: Mapping[str, Any] = field(default_factory=dict)


async def plan(uow: UnitOfWork, items: Sequence[Planned]) -> int:
    """Insert the items whose key is new, and commit; returns how many were new."""
    inserted = await add(uow, items)
    await uow.commit()
    return inserted


async def add(uow: UnitOfWork, items: Sequence[Planned]) -> int:
    """Insert the items whose key is new, without committing: the caller's change commits them.

    This is how a message that carries a state change (a card, a notice, a publication) is
    written in the same transaction as the change, and so can never be lost between the two.
    """
    if not items:
        return 0
    created = utcnow()
    unique = {item.key: item for item in items}  # one statement must not conflict with itself
    rows = [
        {
            "key": item.key,
            "rule": item.rule,
            "subject": item.subject,
            "chat_id": item.chat_id,
            "mandatory": item.mandatory,
            "payload": json.dumps(dict(item.payload), ensure_ascii=False, default=str),
            "due_at": item.due_at,
            "status": ReminderStatus.PLANNED,
            "attempts": 0,
            "last_error": "",
            "created_at": created,
        }
        for item in unique.values()
    ]
    inserted = await uow.outbox.insert_new(rows)
    uow.outbox_written = True
    return inserted


async def cancel(
    uow: UnitOfWork,
    subject: str,
    rules: Collection[str] | None = None,
    keep_keys: Collection[str] = (),
) -> int:
    """Cancel the still planned (not claimed) reminders of a subject, except `keep_keys`."""
    cancelled = await uow.outbox.cancel_planned(subject, rules, keep_keys)
    await uow.commit()
    return cancelled


async def claim_due(uow: UnitOfWork, owner: str, now: datetime, limit: int) -> list[Reminder]:
    """Take up to `limit` due reminders for `owner`, oldest due first; no row goes to two owners."""
    rows = await uow.outbox.claim(owner, now, limit)
    await uow.commit()
    return rows


Then = Callable[[UnitOfWork], Awaitable[None]]
"""What else a transition writes, in its transaction (the card's message id, say)."""


async def _settle(
    uow: UnitOfWork, reminder_id: int, owner: str, then: Then | None = None, **values: Any
) -> bool:
    changed = await uow.outbox.settle(reminder_id, owner, **values)
    if changed and then is not None:
        await then(uow)
    await uow.commit()
    return changed


async def mark_sent(
    uow: UnitOfWork,
    reminder_id: int,
    owner: str,
    now: datetime,
    message_id: int | None = None,
    then: Then | None = None,
) -> bool:
    return await _settle(
        uow,
        reminder_id,
        owner,
        then,
        status=ReminderStatus.SENT,
        sent_at=now,
        message_id=message_id,
    )


async def mark_retry(
    uow: UnitOfWork, reminder_id: int, owner: str, next_due_at: datetime, error: str
) -> bool:
    """Back to PLANNED, due later, with one more attempt counted."""
    return await _settle(
        uow,
        reminder_id,
        owner,
        status=ReminderStatus.PLANNED,
        attempts=Reminder.attempts + 1,
        due_at=next_due_at,
        claimed_by=None,
        claimed_at=None,
        last_error=error[:ERROR_LENGTH],
    )


async def mark_failed(
    uow: UnitOfWork, reminder_id: int, owner: str, error: str, then: Then | None = None
) -> bool:
    """Given up; `then` may write what has to follow (a notice that a card never arrived)."""
    return await _settle(
        uow,
        reminder_id,
        owner,
        then,
        status=ReminderStatus.FAILED,
        attempts=Reminder.attempts + 1,
        last_error=error[:ERROR_LENGTH],
    )


async def mark_unreachable(uow: UnitOfWork, reminder_id: int, owner: str, error: str) -> bool:
    return await _settle(
        uow, reminder_id, owner, status=ReminderStatus.UNREACHABLE, last_error=error[:ERROR_LENGTH]
    )


async def mark_cancelled(uow: UnitOfWork, reminder_id: int, owner: str, reason: str) -> bool:
    return await _settle(
        uow, reminder_id, owner, status=ReminderStatus.CANCELLED, last_error=reason[:ERROR_LENGTH]
    )


async def recover_stale(uow: UnitOfWork, now: datetime, older_than: timedelta) -> int:
    """Rows CLAIMED longer than `older_than` ago go back to PLANNED: their sender died.

    The one ambiguous case: a row that was claimed and sent, but whose "sent" mark was not
    committed before the crash, is sent again after recovery. Delivery is at-least-once;
    the duplicates are at most the messages in flight at the crash. `older_than` must exceed
    the longest a live sender keeps a row claimed, or live rows are sent twice too.
    """
    recovered = await uow.outbox.release_claimed_before(now - older_than)
    await uow.commit()
    return recovered


async def release_claims_of(uow: UnitOfWork, owner: str) -> int:
    """Rows CLAIMED by a sender known to be dead go back to PLANNED at once.

    As with `recover_stale`, a row that was sent but not yet marked is sent again.
    """
    released = await uow.outbox.release_claimed_by(owner)
    await uow.commit()
    return released


async def acquire_lease(
    uow: UnitOfWork, name: str, owner: str, now: datetime, ttl: timedelta
) -> bool:
    """Take the lease `name` (new, expired, or ours already) until now + ttl; False if held."""
    expires_at = now + ttl
    taken = await uow.outbox.extend_lease(name, owner, now, expires_at)
    if not taken:
        taken = await uow.outbox.insert_lease(name, owner, expires_at)
    await uow.commit()
    return taken


async def take_over_lease(
    uow: UnitOfWork, name: str, dead: str, owner: str, now: datetime, ttl: timedelta
) -> bool:
    """Take the lease from `dead`, a holder known to have stopped, before it expires."""
    taken = await uow.outbox.replace_lease_owner(name, dead, owner, now + ttl)
    await uow.commit()
    return taken


async def release_lease(uow: UnitOfWork, name: str, owner: str) -> bool:
    """Give the lease up (if still ours), so a successor need not wait for it to expire."""
    released = await uow.outbox.delete_lease(name, owner)
    await uow.commit()
    return released


async def lease_holder(uow: UnitOfWork, name: str, now: datetime) -> str | None:
    """Who holds the lease now (None when nobody does, or the holder stopped renewing)."""
    return await uow.outbox.lease_holder(name, now)


async def due(uow: UnitOfWork, now: datetime, limit: int) -> list[Reminder]:
    """What a drain would send now (PLANNED and due), without claiming it: for a dry run."""
    return list(await uow.outbox.due(now, limit))


async def stats(uow: UnitOfWork) -> dict[str, int]:
    """Count of reminders per status (every status present, zero if none)."""
    counts = await uow.outbox.count_by_status()
    return {status.value: counts.get(status, 0) for status in ReminderStatus}
