"""Submissions, their files and versions, and the events of approved plans. Repositories never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import (
    PlannedEvent,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    SubmissionVersion,
)


class SubmissionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, submission: Submission) -> None:
        self._s.add(submission)

    async def get(self, submission_id: int) -> Submission | None:
        return await self._s.get(Submission, submission_id)

    async def delete(self, submission: Submission) -> None:
        await self._s.delete(submission)

    async def by_id_of_author(self, submission_id: int, author_id: int) -> Submission | None:
        return await self._s.scalar(
            select(Submission).where(
                Submission.id == submission_id, Submission.author_id == author_id
            )
        )

    async def draft_by_id(self, submission_id: int, author_id: int) -> Submission | None:
        """The author's draft: read once per update (then from the session), with its files."""
        found = await self._s.get(Submission, submission_id, options=[joinedload(Submission.files)])
        if found is None or found.author_id != author_id or found.status != SubmissionStatus.DRAFT:
            return None
        return found

    async def draft_of(
        self,
        author_id: int,
        school_id: int,
        kind: SubmissionKind,
        variant: str,
        programme: str,
        platform_id: int | None,
    ) -> Submission | None:
        return await self._s.scalar(
            select(Submission)
            .where(
                Submission.author_id == author_id,
                Submission.school_id == school_id,
                Submission.kind == kind,
                Submission.variant == variant,
                Submission.programme == programme,
                Submission.platform_id.is_(None)
                if platform_id is None
                else Submission.platform_id == platform_id,
                Submission.status == SubmissionStatus.DRAFT,
            )
            .order_by(Submission.id.desc())
            .limit(1)
        )

    async def sent_of_kind(
        self, school_ids: Collection[int], kind: SubmissionKind, school_year_of_event: int
    ) -> Sequence[Submission]:
        """Sent (not draft) submissions of a kind whose school year is the given one."""
        rows = await self._s.scalars(
            select(Submission)
            .where(
                Submission.school_id.in_(school_ids),
                Submission.kind == kind,
                Submission.status != SubmissionStatus.DRAFT,
                Submission.status != SubmissionStatus.REJECTED,
                Submission.school_year == school_year_of_event,
            )
            .order_by(Submission.event_at, Submission.id)
        )
        return rows.all()

    async def mark_sent(
        self,
        submission_id: int,
        now: datetime,
        *,
        version: int,
        late: bool,
        late_reason: str,
        event_at: datetime | None,
        school_year: int | None,
    ) -> bool:
        """Draft to sent in one conditional UPDATE: a double tap sends once."""
        result = await self._s.execute(
            update(Submission)
            .where(Submission.id == submission_id, Submission.status == SubmissionStatus.DRAFT)
            .values(
                status=SubmissionStatus.SENT,
                version=version,
                sent_at=now,
                updated_at=now,
                late=late,
                late_reason=late_reason,
                event_at=event_at,
                school_year=school_year,
                claimed_by=None,
                claimed_by_name="",
                claimed_at=None,
                decided_by=None,
                decided_by_name="",
                decided_at=None,
                comment="",
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def of_schools(
        self, school_ids: Sequence[int], offset: int, limit: int
    ) -> tuple[Sequence[Submission], int]:
        query = select(Submission).where(Submission.school_id.in_(school_ids))
        total = await self._s.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._s.scalars(
            query.order_by(Submission.updated_at.desc(), Submission.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), int(total or 0)

    async def claim(self, submission_id: int, actor: int, actor_name: str, now: datetime) -> bool:
        """Sent to in review, naming who took it; only while nobody decided and nobody claimed."""
        result = await self._s.execute(
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.status == SubmissionStatus.SENT,
            )
            .values(
                status=SubmissionStatus.IN_REVIEW,
                claimed_by=actor,
                claimed_by_name=actor_name,
                claimed_at=now,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def decide(
        self,
        submission_id: int,
        status: SubmissionStatus,
        actor: int,
        actor_name: str,
        comment: str,
        now: datetime,
    ) -> bool:
        result = await self._s.execute(
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.status.in_((SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW)),
            )
            .values(
                status=status,
                decided_by=actor,
                decided_by_name=actor_name,
                decided_at=now,
                comment=comment,
                updated_at=now,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def reopen(self, submission_id: int, editor_id: int, now: datetime) -> bool:
        """Changes requested back to a draft of the coordinator who will fix it."""
        result = await self._s.execute(
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.status == SubmissionStatus.CHANGES_REQUESTED,
            )
            .values(
                status=SubmissionStatus.DRAFT,
                author_id=editor_id,
                updated_at=now,
                expert_conclusion="",  # what comes back is a new version: a new expertise
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def give_conclusion(
        self, submission_id: int, outcome: str, context: str, now: datetime
    ) -> bool:
        """The expert conclusion of a submission under review, once: the first one stays."""
        result = await self._s.execute(
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.status.in_((SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW)),
                Submission.expert_conclusion == "",
            )
            .values(expert_conclusion=outcome, context=context, updated_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def add_version(self, version: SubmissionVersion) -> None:
        self._s.add(version)

    def add_planned_events(self, events: Sequence[PlannedEvent]) -> None:
        self._s.add_all(events)

    async def approved_schedules(
        self, school_ids: Collection[int], programme: str, up_to_year: int
    ) -> Sequence[Submission]:
        """Approved plans and applications of the schools up to a school year, newest first."""
        rows = await self._s.scalars(
            select(Submission)
            .where(
                Submission.school_id.in_(school_ids),
                Submission.programme == programme,
                Submission.kind.in_((SubmissionKind.PLAN, SubmissionKind.APPLICATION)),
                Submission.status == SubmissionStatus.APPROVED,
                Submission.school_year <= up_to_year,
            )
            .order_by(Submission.decided_at.desc(), Submission.id.desc())
        )
        return rows.all()

    async def versions(self, submission_id: int) -> Sequence[SubmissionVersion]:
        rows = await self._s.scalars(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission_id)
            .order_by(SubmissionVersion.version)
        )
        return rows.all()

    async def in_states(self, states: Sequence[SubmissionStatus]) -> Sequence[Submission]:
        rows = await self._s.scalars(
            select(Submission)
            .where(Submission.status.in_(states))
            .order_by(Submission.sent_at, Submission.id)
        )
        return rows.all()

    async def approved_applications(
        self, decided_before: datetime, programme: str
    ) -> Sequence[Submission]:
        rows = await self._s.scalars(
            select(Submission)
            .where(
                Submission.kind == SubmissionKind.APPLICATION,
                Submission.status == SubmissionStatus.APPROVED,
                Submission.programme == programme,
                Submission.decided_at < decided_before,
            )
            .order_by(Submission.decided_at)
        )
        return rows.all()
