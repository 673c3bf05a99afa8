"""The outbox and the leases: every state change is one conditional statement. Repositories never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Lease,
    Reminder,
    ReminderStatus,
)


class OutboxRepository:
    """The reminders outbox and the leases: every state change is one conditional statement."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def _insert(self, table: type[Reminder] | type[Lease]) -> Any:
        """INSERT with ON CONFLICT support, in the dialect of the database in use."""
        dialect = self._s.get_bind().dialect.name
        if dialect == "sqlite":
            return sqlite.insert(table)
        if dialect == "postgresql":
            return postgresql.insert(table)
        raise NotImplementedError(f"no insert-on-conflict for {dialect}")

    async def depth(self, now: datetime) -> tuple[dict[str, int], datetime | None]:
        """Rows by status, and the due time of the oldest row due and not yet sent."""
        counts = await self._s.execute(
            select(Reminder.status, func.count()).group_by(Reminder.status)
        )
        oldest = await self._s.scalar(
            select(func.min(Reminder.due_at)).where(
                Reminder.status.in_([ReminderStatus.PLANNED, ReminderStatus.CLAIMED]),
                Reminder.due_at <= now,
            )
        )
        return {str(status.value): count for status, count in counts.all()}, oldest

    async def insert_new(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows whose key is not taken yet; returns how many were inserted."""
        if not rows:
            return 0
        statement = (
            self._insert(Reminder)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Reminder.id)
        )
        inserted = await self._s.scalars(statement, list(rows))
        return len(inserted.all())

    async def cancel_planned(
        self, subject: str, rules: Collection[str] | None, keep_keys: Collection[str]
    ) -> int:
        statement = update(Reminder).where(
            Reminder.subject == subject, Reminder.status == ReminderStatus.PLANNED
        )
        if rules is not None:
            statement = statement.where(Reminder.rule.in_(list(rules)))
        if keep_keys:
            statement = statement.where(Reminder.key.not_in(list(keep_keys)))
        result = await self._s.execute(
            statement.values(status=ReminderStatus.CANCELLED, last_error="cancelled: replanned"),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim(self, owner: str, now: datetime, limit: int) -> list[Reminder]:
        """PLANNED and due to CLAIMED by `owner`, up to `limit`, oldest due first.

        A chat's rows go one at a time, in the order they were written: a row is picked only
        when no other row of its chat is claimed, and no earlier one is due or waiting to be
        retried (so a card's edit never overtakes the card, nor a notice the one before).

        Two statements in the caller's transaction: pick the due ids, then claim those still
        PLANNED. The rows returned are the ones the UPDATE changed, so no row goes to two
        claimers. On PostgreSQL the pick locks its rows and skips those another claimer holds;
        on SQLite it locks nothing, and a claimer racing another may get fewer rows than are
        due (the status check drops those the other took first). Not one UPDATE ... WHERE id
        IN (SELECT ... LIMIT n): PostgreSQL may plan that as a semi-join and claim every due row.
        """
        other = aliased(Reminder)
        ahead = exists().where(
            other.chat_id == Reminder.chat_id,
            other.id != Reminder.id,
            or_(
                other.status == ReminderStatus.CLAIMED,
                and_(
                    other.status == ReminderStatus.PLANNED,
                    other.id < Reminder.id,
                    or_(other.due_at <= now, other.attempts > 0),
                ),
            ),
        )
        picked = await self._s.scalars(
            select(Reminder.id)
            .where(Reminder.status == ReminderStatus.PLANNED, Reminder.due_at <= now, ~ahead)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = picked.all()
        if not ids:
            return []
        claimed = await self._s.scalars(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.status == ReminderStatus.PLANNED)
            .values(status=ReminderStatus.CLAIMED, claimed_by=owner, claimed_at=now)
            .returning(Reminder),
            execution_options={"synchronize_session": False},
        )
        return sorted(claimed.all(), key=lambda row: (row.due_at, row.id))

    async def settle(self, reminder_id: int, owner: str, **values: Any) -> bool:
        """Change a row this owner has CLAIMED; False when it is no longer ours."""
        result = await self._s.execute(
            update(Reminder)
            .where(
                Reminder.id == reminder_id,
                Reminder.status == ReminderStatus.CLAIMED,
                Reminder.claimed_by == owner,
            )
            .values(**values),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release_claimed_by(self, owner: str) -> int:
        result = await self._s.execute(
            update(Reminder)
            .where(Reminder.status == ReminderStatus.CLAIMED, Reminder.claimed_by == owner)
            .values(status=ReminderStatus.PLANNED, claimed_by=None, claimed_at=None),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def release_claimed_before(self, cutoff: datetime) -> int:
        result = await self._s.execute(
            update(Reminder)
            .where(Reminder.status == ReminderStatus.CLAIMED, Reminder.claimed_at < cutoff)
            .values(status=ReminderStatus.PLANNED, claimed_by=None, claimed_at=None),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def waiting(self, subject: str, rules: Collection[str], unclaimed: bool = False) -> bool:
        """Whether a row of these rules about `subject` is still to be delivered."""
        statuses = [ReminderStatus.PLANNED]
        if not unclaimed:
            statuses.append(ReminderStatus.CLAIMED)
        found = await self._s.scalar(
            select(Reminder.id)
            .where(
                Reminder.subject == subject,
                Reminder.rule.in_(list(rules)),
                Reminder.status.in_(statuses),
            )
            .limit(1)
        )
        return found is not None

    async def failed_last(self, rule: str, subjects: Collection[str]) -> set[str]:
        """Subjects whose latest row of `rule` was given up (a card that never arrived)."""
        if not subjects:
            return set()
        later = aliased(Reminder)
        rows = await self._s.scalars(
            select(Reminder.subject).where(
                Reminder.rule == rule,
                Reminder.subject.in_(list(subjects)),
                Reminder.status == ReminderStatus.FAILED,
                ~exists().where(
                    later.rule == rule, later.subject == Reminder.subject, later.id > Reminder.id
                ),
            )
        )
        return set(rows.all())

    async def due(self, now: datetime, limit: int) -> Sequence[Reminder]:
        rows = await self._s.scalars(
            select(Reminder)
            .where(Reminder.status == ReminderStatus.PLANNED, Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
        )
        return rows.all()

    async def count_by_status(self) -> dict[ReminderStatus, int]:
        rows = await self._s.execute(
            select(Reminder.status, func.count()).group_by(Reminder.status)
        )
        return {status: int(count) for status, count in rows.all()}

    async def extend_lease(
        self, name: str, owner: str, now: datetime, expires_at: datetime
    ) -> bool:
        """Renew a lease we hold or take over an expired one."""
        result = await self._s.execute(
            update(Lease)
            .where(Lease.name == name, (Lease.owner == owner) | (Lease.expires_at <= now))
            .values(owner=owner, expires_at=expires_at),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def insert_lease(self, name: str, owner: str, expires_at: datetime) -> bool:
        """Create the lease unless some process already has a row for it."""
        result = await self._s.execute(
            self._insert(Lease)
            .values(name=name, owner=owner, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def replace_lease_owner(
        self, name: str, owner: str, successor: str, expires_at: datetime
    ) -> bool:
        result = await self._s.execute(
            update(Lease)
            .where(Lease.name == name, Lease.owner == owner)
            .values(owner=successor, expires_at=expires_at),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def lease_holder(self, name: str, now: datetime) -> str | None:
        return await self._s.scalar(
            select(Lease.owner).where(Lease.name == name, Lease.expires_at > now)
        )

    async def delete_lease(self, name: str, owner: str) -> bool:
        result = await self._s.execute(
            delete(Lease).where(Lease.name == name, Lease.owner == owner),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
