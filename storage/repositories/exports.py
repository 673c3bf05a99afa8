"""Read-only queries behind the files staff and coordinators export (registers, calendars,
statistics, the audit log). Repositories never commit; these only read.

Large results are streamed in partitions, so the event loop serves other people between
them. Their columns are read raw (`_raw`): SQLite gives dates as ISO text and enums as
member names, PostgreSQL gives dates as dates; `services.exports.values` turns both into
Python values, in the thread that builds the file, not on the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Integer, Row, Select, String, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditEntry,
    DistrictMentor,
    Membership,
    Person,
    Platform,
    PlatformSchool,
    PlatformStatus,
    Role,
    School,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)

Query: TypeAlias = Select[*tuple[Any, ...]]
Found: TypeAlias = Row[*tuple[Any, ...]]

PARTITION = 500
"""Rows fetched at a time: a few milliseconds of the event loop each."""

ENDING_VARIANTS = ("early_termination", "completion")


def _raw(column: Any) -> Any:
    """The column as the driver gives it, without SQLAlchemy's per-row conversion."""
    return type_coerce(column, String())


def _flag(column: Any) -> Any:
    return type_coerce(column, Integer())


async def stream(session: AsyncSession, statement: Query) -> AsyncGenerator[Sequence[Found], None]:
    """The rows of `statement`, `PARTITION` at a time."""
    connection = await session.connection()
    async with connection.stream(statement) as result:  # closed however the reader stops
        async for part in result.partitions(PARTITION):
            yield part


async def rows(session: AsyncSession, statement: Query) -> list[Found]:
    """All rows of `statement`, read in partitions (the loop stays free between them)."""
    found: list[Found] = []
    async for part in stream(session, statement):
        found.extend(part)
    return found


async def count(session: AsyncSession, statement: Query) -> int:
    """How many rows `statement` gives (to tell a slow export before it starts)."""
    found = await session.scalar(select(func.count()).select_from(statement.subquery()))
    return int(found or 0)


def _in_schools(column: Any, school_ids: Collection[int] | None) -> ColumnElement[bool]:
    found: ColumnElement[bool] = (
        column.in_(sorted(school_ids)) if school_ids is not None else column.is_not(None)
    )
    return found


# --- Submissions ---------------------------------------------------------------------------


def submissions_sent(start: datetime, end: datetime, school_ids: Collection[int] | None) -> Query:
    """Submissions sent in [start, end), oldest first: the columns of the export."""
    return (
        select(
            Submission.id,
            _raw(Submission.kind),
            Submission.variant,
            Submission.programme,
            School.name,
            School.district,
            _raw(Submission.status),
            _raw(Submission.sent_at),
            _raw(Submission.decided_at),
            Submission.decided_by_name,
            Submission.claimed_by_name,
            _flag(Submission.late),
            Submission.version,
        )
        .join(School, School.id == Submission.school_id)
        .where(
            Submission.sent_at >= start,
            Submission.sent_at < end,
            _in_schools(Submission.school_id, school_ids),
        )
        .order_by(Submission.sent_at, Submission.id)
    )


def submission_timings(start: datetime, end: datetime) -> Query:
    """Kind, status, sent, decided and late of every submission sent in [start, end]."""
    return select(
        _raw(Submission.kind),
        _raw(Submission.status),
        _raw(Submission.sent_at),
        _raw(Submission.decided_at),
        _flag(Submission.late),
    ).where(Submission.sent_at >= start, Submission.sent_at <= end)


def announcements(
    since: datetime, school_ids: Collection[int] | None, district: str | None
) -> Query:
    """Announced events (sent at least once) from `since`, for the calendar."""
    query = (
        select(
            Submission.id,
            School.name,
            _raw(Submission.status),
            _raw(Submission.event_at),
            _raw(Submission.updated_at),
            Submission.version,
            Submission.values,
        )
        .join(School, School.id == Submission.school_id)
        .where(
            Submission.kind == SubmissionKind.ANNOUNCEMENT,
            Submission.sent_at.is_not(None),
            Submission.event_at >= since,
            _in_schools(Submission.school_id, school_ids),
        )
        .order_by(Submission.event_at, Submission.id)
    )
    if district is not None:
        query = query.where(School.district == district)
    return query


# --- The registry of platforms -------------------------------------------------------------


def platforms() -> Query:
    return select(
        Platform.id, Platform.programme, Platform.title, Platform.lead_school_id
    ).order_by(Platform.programme, Platform.id)


def platform_members() -> Query:
    return select(PlatformSchool.platform_id, PlatformSchool.school_id).order_by(
        PlatformSchool.platform_id, PlatformSchool.school_id
    )


def schools() -> Query:
    return select(School.id, School.name, School.district)


def statuses() -> Query:
    """Every recorded status of a platform, oldest first, with the kind of its application."""
    return (
        select(
            PlatformStatus.platform_id,
            _raw(PlatformStatus.granted_on),
            _raw(PlatformStatus.expires_on),
            _raw(PlatformStatus.recorded_at),
            Submission.variant,
        )
        .outerjoin(Submission, Submission.id == PlatformStatus.application_id)
        .where(PlatformStatus.platform_id.is_not(None))
        .order_by(PlatformStatus.platform_id, PlatformStatus.id)
    )


def endings() -> Query:
    """Platforms whose termination or completion was approved, with when it was decided."""
    return (
        select(Submission.platform_id, _raw(func.max(Submission.decided_at)))
        .where(
            Submission.kind == SubmissionKind.APPLICATION,
            Submission.variant.in_(ENDING_VARIANTS),
            Submission.status == SubmissionStatus.APPROVED,
            Submission.platform_id.is_not(None),
        )
        .group_by(Submission.platform_id)
    )


def newest_reports() -> Query:
    """The newest report sent about each platform (or by each school, about none)."""
    newest = (
        select(func.max(Submission.id))
        .where(Submission.kind == SubmissionKind.REPORT, Submission.sent_at.is_not(None))
        .group_by(Submission.platform_id, Submission.school_id)
    )
    return select(
        Submission.platform_id,
        Submission.school_id,
        Submission.school_year,
        _raw(Submission.sent_at),
        _raw(Submission.status),
    ).where(Submission.id.in_(newest))


def school_mentors() -> Query:
    return (
        select(Membership.school_id, Person.full_name)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.role == Role.MENTOR)
        .order_by(Membership.school_id, Person.full_name)
    )


def district_mentors() -> Query:
    return (
        select(DistrictMentor.district, Person.full_name)
        .join(Person, Person.id == DistrictMentor.person_id)
        .order_by(DistrictMentor.district, Person.full_name)
    )


# --- The audit log -------------------------------------------------------------------------


def audit(start: datetime, end: datetime) -> Query:
    return (
        select(
            _raw(AuditEntry.at),
            AuditEntry.actor_telegram_id,
            AuditEntry.action,
            AuditEntry.subject_type,
            AuditEntry.subject_id,
            AuditEntry.details,
        )
        .where(AuditEntry.at >= start, AuditEntry.at < end)
        .order_by(AuditEntry.at, AuditEntry.id)
    )


def audit_actors(start: datetime, end: datetime) -> Query:
    return (
        select(AuditEntry.actor_telegram_id)
        .where(
            AuditEntry.at >= start, AuditEntry.at < end, AuditEntry.actor_telegram_id.is_not(None)
        )
        .distinct()
    )


def people_named(telegram_ids: Collection[int]) -> Query:
    return select(Person.telegram_id, Person.full_name).where(
        Person.telegram_id.in_(sorted(telegram_ids))
    )


def names_in_audit(telegram_ids: Collection[int]) -> Query:
    """What staff were called when they acted (reviews record the name), oldest first."""
    return (
        select(AuditEntry.actor_telegram_id, AuditEntry.details)
        .where(
            AuditEntry.actor_telegram_id.in_(sorted(telegram_ids)),
            AuditEntry.details.like('%"name"%'),
        )
        .order_by(AuditEntry.id)
    )
