"""Repositories: queries over one session. They never commit; the unit of work does."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    AccessRequest,
    AccessRequestStatus,
    AuditEntry,
    CouncilMeeting,
    DistrictMentor,
    ForumTopic,
    Invitation,
    KnownGroup,
    Lease,
    Membership,
    Person,
    PlannedEvent,
    Reminder,
    ReminderStatus,
    Role,
    School,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    SubmissionVersion,
    UserSettings,
    fold,
)


class SchoolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, school_id: int) -> School | None:
        return await self._s.get(School, school_id)

    async def by_name(self, name: str) -> School | None:
        return await self._s.scalar(select(School).where(School.name_key == fold(name)))

    async def find(self, needle: str) -> School | None:
        """By id or by name, case and spacing ignored."""
        if needle.strip().isdigit():
            school = await self.get(int(needle))
            if school is not None:
                return school
        return await self.by_name(needle)

    async def search(self, needle: str, offset: int, limit: int) -> tuple[Sequence[School], int]:
        """Schools whose name or district contains every word of the needle."""
        query = select(School)
        for word in fold(needle).split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(School.search_key.like(f"%{escaped}%", escape="\\"))
        total = await self._s.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._s.scalars(query.order_by(School.name).offset(offset).limit(limit))
        return rows.all(), int(total or 0)

    async def all(self) -> Sequence[School]:
        return (await self._s.scalars(select(School).order_by(School.id))).all()

    def add(self, school: School) -> None:
        self._s.add(school)


class PersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        return await self._s.scalar(select(Person).where(Person.telegram_id == telegram_id))

    def add(self, person: Person) -> None:
        self._s.add(person)

    async def flush(self) -> None:
        await self._s.flush()

    async def has_membership(self, person_id: int, school_id: int, role: Role) -> bool:
        found = await self._s.scalar(
            select(Membership.id).where(
                Membership.person_id == person_id,
                Membership.school_id == school_id,
                Membership.role == role,
            )
        )
        return found is not None

    def add_membership(self, membership: Membership) -> None:
        self._s.add(membership)

    async def unreachable(self) -> Sequence[Person]:
        rows = await self._s.scalars(
            select(Person).where(Person.unreachable.is_(True)).order_by(Person.id)
        )
        return rows.all()

    async def with_role_at(self, school_id: int, role: Role) -> Sequence[Person]:
        """Coordinators or mentors of a school; mentors of its whole district count too."""
        members = select(Membership.person_id).where(
            Membership.school_id == school_id, Membership.role == role
        )
        condition = Person.id.in_(members)
        if role is Role.MENTOR:
            district = select(School.district).where(School.id == school_id).scalar_subquery()
            condition |= Person.id.in_(
                select(DistrictMentor.person_id).where(
                    DistrictMentor.district == district, district != ""
                )
            )
        query = select(Person).where(condition)
        rows = await self._s.scalars(query.order_by(Person.id))
        return rows.all()

    async def districts_of(self, person_id: int) -> Sequence[str]:
        rows = await self._s.scalars(
            select(DistrictMentor.district)
            .where(DistrictMentor.person_id == person_id)
            .order_by(DistrictMentor.district)
        )
        return rows.all()

    async def add_district(self, person_id: int, district: str) -> bool:
        """Link a mentor to a district; False if the link was there already."""
        if await self._s.get(DistrictMentor, (person_id, district)) is not None:
            return False
        self._s.add(DistrictMentor(person_id=person_id, district=district))
        return True

    async def schools_of_districts(self, districts: Collection[str]) -> Sequence[School]:
        rows = await self._s.scalars(
            select(School).where(School.district.in_(districts)).order_by(School.name)
        )
        return rows.all()


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def by_code(self, code: str) -> Invitation | None:
        return await self._s.scalar(select(Invitation).where(Invitation.code == code))

    async def claim(self, invitation_id: int, person_id: int, now: datetime) -> bool:
        """Mark used if still unused; one conditional UPDATE, so only one claimer wins."""
        result = await self._s.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.used_at.is_(None))
            .values(used_at=now, used_by=person_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def add(self, invitation: Invitation) -> None:
        self._s.add(invitation)


class AccessRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, request_id: int) -> AccessRequest | None:
        return await self._s.get(AccessRequest, request_id)

    async def decide(
        self,
        request_id: int,
        status: AccessRequestStatus,
        actor: int,
        actor_name: str,
        now: datetime,
    ) -> bool:
        """Decide if still pending; one conditional UPDATE, so two presses give one decision."""
        result = await self._s.execute(
            update(AccessRequest)
            .where(
                AccessRequest.id == request_id,
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
            .values(status=status, decided_at=now, decided_by=actor, decided_by_name=actor_name)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def refresh(self, request: AccessRequest) -> None:
        await self._s.refresh(request)

    async def pending_of(self, telegram_id: int) -> AccessRequest | None:
        return await self._s.scalar(
            select(AccessRequest).where(
                AccessRequest.telegram_id == telegram_id,
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
        )

    def add(self, request: AccessRequest) -> None:
        self._s.add(request)


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def record(
        self,
        action: str,
        subject_type: str,
        subject_id: int | None,
        actor: int | None,
        at: datetime,
        **details: Any,
    ) -> None:
        self._s.add(
            AuditEntry(
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_telegram_id=actor,
                at=at,
                details=json.dumps(details, ensure_ascii=False, default=str),
            )
        )

    async def of_subject(self, subject_type: str, subject_id: int) -> Sequence[AuditEntry]:
        rows = await self._s.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
        return rows.all()


class KnownGroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, chat_id: int) -> KnownGroup | None:
        return await self._s.get(KnownGroup, chat_id)

    def add(self, group: KnownGroup) -> None:
        self._s.add(group)


class UserSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, telegram_id: int) -> UserSettings | None:
        return await self._s.get(UserSettings, telegram_id)

    def add(self, settings: UserSettings) -> None:
        self._s.add(settings)


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
        return await self._s.scalar(
            select(Submission).where(
                Submission.id == submission_id,
                Submission.author_id == author_id,
                Submission.status == SubmissionStatus.DRAFT,
            )
        )

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


class CouncilRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, meeting: CouncilMeeting) -> None:
        self._s.add(meeting)

    async def latest(self) -> CouncilMeeting | None:
        return await self._s.scalar(
            select(CouncilMeeting).order_by(CouncilMeeting.id.desc()).limit(1)
        )


class ForumTopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, chat_id: int, kind: str) -> ForumTopic | None:
        return await self._s.get(ForumTopic, (chat_id, kind))

    def add(self, topic: ForumTopic) -> None:
        self._s.add(topic)

    async def forget(self, chat_id: int, kind: str) -> None:
        await self._s.execute(
            delete(ForumTopic).where(ForumTopic.chat_id == chat_id, ForumTopic.kind == kind)
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
        return bool(result.rowcount)

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
