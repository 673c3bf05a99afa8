"""Queries the reminder planner runs each pass; each reads only the dates it needs (indexed)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import (
    DistrictMentor,
    Membership,
    Person,
    PlannedEvent,
    Platform,
    PlatformSchool,
    PlatformStatus,
    Reminder,
    ReminderStatus,
    Role,
    School,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)


@dataclass(frozen=True, slots=True)
class AnnouncedEvent:
    id: int
    school_id: int
    school: str
    status: SubmissionStatus
    event_at: datetime
    sent_at: datetime | None
    values: str


LIVE = (SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW, SubmissionStatus.APPROVED)
"""Submissions that count as given: sent and not rejected (changes requested do not count)."""


class ScheduleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def people_by_school(self, role: Role) -> dict[int, list[int]]:
        """Telegram ids of the reachable coordinators or mentors of every school, by school id."""
        rows = await self._s.execute(
            select(Membership.school_id, Person.telegram_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.role == role, Person.unreachable.is_(False))
            .order_by(Membership.school_id, Person.id)
        )
        pairs = list(rows.all())
        if role is Role.MENTOR:
            by_district = await self._s.execute(
                select(School.id, Person.telegram_id)
                .select_from(DistrictMentor)
                .join(School, School.district == DistrictMentor.district)
                .join(Person, Person.id == DistrictMentor.person_id)
                .where(Person.unreachable.is_(False), School.district != "")
                .order_by(School.id, Person.id)
            )
            pairs += by_district.all()
        found: dict[int, list[int]] = {}
        for school_id, telegram_id in pairs:
            people = found.setdefault(school_id, [])
            if telegram_id not in people:
                people.append(telegram_id)
        return found

    async def schools_by_programme(self) -> dict[str, set[int]]:
        """The schools of each programme's platforms, network members included."""
        rows = await self._s.execute(
            select(Platform.programme, PlatformSchool.school_id).join(
                PlatformSchool, PlatformSchool.platform_id == Platform.id
            )
        )
        found: dict[str, set[int]] = {}
        for programme, school_id in rows.all():
            found.setdefault(programme, set()).add(school_id)
        return found

    async def planned_event(self, event_id: int) -> PlannedEvent | None:
        return await self._s.get(PlannedEvent, event_id)

    async def planned_events(self, first: date, last: date) -> Sequence[PlannedEvent]:
        rows = await self._s.scalars(
            select(PlannedEvent)
            .where(PlannedEvent.event_on >= first, PlannedEvent.event_on <= last)
            .order_by(PlannedEvent.event_on, PlannedEvent.id)
        )
        return rows.all()

    async def announced_days(self, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
        """(school id, moment) of events with an announcement given, between two moments."""
        rows = await self._s.execute(
            select(Submission.school_id, Submission.event_at).where(
                Submission.kind == SubmissionKind.ANNOUNCEMENT,
                Submission.status.in_(LIVE),
                Submission.event_at >= start,
                Submission.event_at < end,
            )
        )
        return [(school_id, at) for school_id, at in rows.all() if at is not None]

    async def announcements(self, start: datetime, end: datetime) -> list[AnnouncedEvent]:
        """Announced events (sent, in review or approved) happening between two moments."""
        return await self._events(Submission.event_at >= start, Submission.event_at < end)

    async def announcements_sent(self, start: datetime, end: datetime) -> list[AnnouncedEvent]:
        """Announcements of future events sent between two moments (news for mentors)."""
        return await self._events(
            Submission.sent_at >= start, Submission.sent_at < end, Submission.event_at >= end
        )

    async def _events(self, *conditions: ColumnElement[bool]) -> list[AnnouncedEvent]:
        """Only the columns reminders need: a pass may read thousands of these."""
        rows = await self._s.execute(
            select(
                Submission.id,
                Submission.school_id,
                School.name,
                Submission.status,
                Submission.event_at,
                Submission.sent_at,
                Submission.values,
            )
            .join(School, School.id == Submission.school_id)
            .where(
                Submission.kind == SubmissionKind.ANNOUNCEMENT,
                Submission.status.in_(LIVE),
                *conditions,
            )
            .order_by(Submission.event_at, Submission.id)
        )
        return [
            AnnouncedEvent(
                id=row.id,
                school_id=row.school_id,
                school=row.name,
                status=row.status,
                event_at=row.event_at,
                sent_at=row.sent_at,
                values=row.values,
            )
            for row in rows.all()
            if row.event_at is not None
        ]

    async def schools_that_gave(self, kind: SubmissionKind, school_year: int) -> set[int]:
        rows = await self._s.scalars(
            select(Submission.school_id).where(
                Submission.kind == kind,
                Submission.school_year == school_year,
                Submission.status.in_(LIVE),
            )
        )
        return set(rows.all())

    async def latest_statuses(self, programme: str) -> Sequence[PlatformStatus]:
        """The status in force of each platform (a school may hold several, Omsk 2.1.5)."""
        newest = (
            select(func.max(PlatformStatus.id))
            .where(PlatformStatus.programme == programme)
            .group_by(PlatformStatus.school_id, PlatformStatus.platform_id)
        )
        rows = await self._s.scalars(select(PlatformStatus).where(PlatformStatus.id.in_(newest)))
        return rows.all()

    async def status_of_application(self, application_id: int) -> PlatformStatus | None:
        return await self._s.scalar(
            select(PlatformStatus)
            .where(PlatformStatus.application_id == application_id)
            .order_by(PlatformStatus.id)
            .limit(1)
        )

    async def latest_status_of(self, school_id: int, programme: str) -> PlatformStatus | None:
        return await self._s.scalar(
            select(PlatformStatus)
            .where(PlatformStatus.school_id == school_id, PlatformStatus.programme == programme)
            .order_by(PlatformStatus.id.desc())
            .limit(1)
        )

    async def plans_sent_since(self, school_id: int, since: datetime) -> bool:
        found = await self._s.scalar(
            select(Submission.id)
            .where(
                Submission.school_id == school_id,
                Submission.kind == SubmissionKind.PLAN,
                Submission.status.in_(LIVE),
                Submission.sent_at >= since,
            )
            .limit(1)
        )
        return found is not None

    async def waiting(self) -> Sequence[Submission]:
        rows = await self._s.scalars(
            select(Submission)
            .where(Submission.status.in_((SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW)))
            .order_by(Submission.sent_at, Submission.id)
        )
        return rows.all()

    async def changes_unanswered(self, decided_before: datetime) -> Sequence[Submission]:
        rows = await self._s.scalars(
            select(Submission)
            .where(
                # Sent back, or reopened by "Исправить" but not sent again (still decided).
                Submission.status.in_((SubmissionStatus.CHANGES_REQUESTED, SubmissionStatus.DRAFT)),
                Submission.decided_at <= decided_before,
            )
            .options(joinedload(Submission.author))
        )
        return rows.all()

    async def planned_reminders(
        self, until: datetime, other_rules: Collection[str] = ()
    ) -> Sequence[tuple[int, str]]:
        """(id, key) of reminders still waiting to be sent, due until the given moment.

        `other_rules`: rows of the outbox that are not the planner's (cards, notices).
        """
        rows = await self._s.execute(
            select(Reminder.id, Reminder.key).where(
                Reminder.status == ReminderStatus.PLANNED,
                Reminder.due_at <= until,
                Reminder.rule.not_in(list(other_rules)),
            )
        )
        return [(row[0], row[1]) for row in rows.all()]

    async def cancel_reminders(self, ids: Sequence[int]) -> int:
        """Planned reminders that no longer apply; ones already claimed by a sender stay."""
        if not ids:
            return 0
        result = await self._s.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.status == ReminderStatus.PLANNED)
            .values(status=ReminderStatus.CANCELLED)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def settled_keys(self, keys: Sequence[str]) -> set[str]:
        """Keys whose reminder was already sent, cancelled or given up (not to be sent now)."""
        if not keys:
            return set()
        rows = await self._s.scalars(
            select(Reminder.key).where(
                Reminder.key.in_(keys), Reminder.status != ReminderStatus.PLANNED
            )
        )
        return set(rows.all())
