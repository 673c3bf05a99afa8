"""SQLAlchemy models: the facts the bot keeps. Times are stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes in, aware UTC datetimes out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Role(StrEnum):
    COORDINATOR = "coordinator"
    MENTOR = "mentor"


class AccessRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


_role_enum = Enum(Role, name="role", native_enum=False, length=20)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    # Case-folded in Python: SQLite's lower() and LIKE fold only ASCII, and names are Cyrillic.
    name_key: Mapped[str] = mapped_column(String(500), unique=True)
    search_key: Mapped[str] = mapped_column(String(800), default="")
    district: Mapped[str] = mapped_column(String(200), default="", index=True)
    """Indexed: a district's consultant follows every school of it (LOIRO)."""
    address: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def refresh_keys(self) -> None:
        self.name_key = fold(self.name)
        self.search_key = fold(f"{self.name} {self.district}")


def fold(text: str) -> str:
    """The form names are compared and searched in: spaces collapsed, case folded, ё as е."""
    return " ".join(text.split()).casefold().replace("ё", "е")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


class Membership(Base):
    """A person's role at a school: the coordinator of its platform or one of its mentors."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "school_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_role_enum)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship(back_populates="memberships")
    school: Mapped[School] = relationship(lazy="selectin")


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), default=None
    )
    """None for a mentor invited to a whole municipal district."""
    district: Mapped[str | None] = mapped_column(String(200), default=None)
    role: Mapped[Role] = mapped_column(_role_enum)
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    used_by: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )

    school: Mapped[School | None] = relationship(lazy="selectin")

    @property
    def target(self) -> str:
        """What the invitation binds to, as the person reads it: a school or a district."""
        if self.school is not None:
            return self.school.name
        return self.district or ""


class DistrictMentor(Base):
    """A mentor of every school of a municipal district (LOIRO's научный консультант)."""

    __tablename__ = "district_mentors"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    district: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccessRequest(Base):
    """Someone without an invitation asking to become a school's coordinator."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), default=None
    )
    school_name: Mapped[str] = mapped_column(String(500))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[AccessRequestStatus] = mapped_column(
        Enum(AccessRequestStatus, name="access_request_status", native_enum=False, length=20),
        default=AccessRequestStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class AuditEntry(Base):
    """Who did what, when. Ids only: no personal data beyond what the subject row holds."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer, default=None)
    details: Mapped[str] = mapped_column(Text, default="{}")


class FsmRecord(Base):
    """Dialog state of one chat+user, so a restart resumes a half-filled form."""

    __tablename__ = "fsm_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200), default=None)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class UserSettings(Base):
    """Per Telegram user, registered or not: language and whether optional reminders come."""

    __tablename__ = "user_settings"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    client_language: Mapped[str | None] = mapped_column(String(16), default=None)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    """Non-mandatory reminders are not sent; deadline reminders still are."""


class KnownGroup(Base):
    """Groups the bot was added to and has already told how to configure."""

    __tablename__ = "known_groups"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    told_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SubmissionKind(StrEnum):
    APPLICATION = "application"
    ANNOUNCEMENT = "announcement"
    REPORT = "report"
    PLAN = "plan"
    MATERIALS = "materials"


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class Submission(Base):
    """Anything a coordinator sends the institute; a draft until it is sent."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SubmissionKind] = mapped_column(
        Enum(SubmissionKind, name="submission_kind", native_enum=False, length=20)
    )
    variant: Mapped[str] = mapped_column(String(40), default="")
    programme: Mapped[str] = mapped_column(String(60))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("platforms.id", ondelete="SET NULL"), default=None, index=True
    )
    """The platform the submission is about, once the school has one in its programme."""
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[SubmissionStatus] = mapped_column(
        Enum(SubmissionStatus, name="submission_status", native_enum=False, length=20),
        default=SubmissionStatus.DRAFT,
        index=True,
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    values: Mapped[str] = mapped_column(Text, default="{}")
    """The answers, JSON: field id to value."""
    context: Mapped[str] = mapped_column(Text, default="{}")
    """What the form was built from (school year, known events), JSON."""
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    late_reason: Mapped[str] = mapped_column(Text, default="")
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    school_year: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    claimed_by_name: Mapped[str] = mapped_column(String(200), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    expert_conclusion: Mapped[str] = mapped_column(String(60), default="")
    """The reviewer's structured conclusion, where the programme asks for one (its id)."""
    """The staff's comment on the last decision (required for changes and rejections)."""
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)

    school: Mapped[School] = relationship(lazy="selectin")
    author: Mapped[Person] = relationship(lazy="selectin")
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="SubmissionFile.id",
    )


class SubmissionFile(Base):
    """A file attached to a submission, kept as Telegram's file_id (no copy on our disk)."""

    __tablename__ = "submission_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    slot: Mapped[str] = mapped_column(String(60))
    file_id: Mapped[str] = mapped_column(String(300))
    file_unique_id: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(300))
    mime_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="files")


class SubmissionVersion(Base):
    """What was sent each time: the card shows what changed between the last two."""

    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("submission_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    values: Mapped[str] = mapped_column(Text)
    files: Mapped[str] = mapped_column(Text)
    """JSON list of [slot, file_unique_id, file_name]."""
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ForumTopic(Base):
    """The topic of the staff group (a forum) where cards of one kind go."""

    __tablename__ = "forum_topics"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    thread_id: Mapped[int] = mapped_column(BigInteger)


class CouncilMeeting(Base):
    """A date of the Academic Council set by staff; the newest one is the next meeting."""

    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meets_on: Mapped[date] = mapped_column(Date)
    set_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderStatus(StrEnum):
    PLANNED = "planned"
    CLAIMED = "claimed"  # taken by a sender; sent or not is settled by the same sender
    SENT = "sent"
    CANCELLED = "cancelled"  # no longer applies (event moved, report sent)
    UNREACHABLE = "unreachable"  # the person blocked the bot
    FAILED = "failed"  # gave up after retries


class Reminder(Base):
    """The outbox: one row per message to send, written in the transaction that decided it.

    Reminders are planned ahead by the planner; cards, notices and publications are written
    by the service that changed the state, in the same transaction. `key` is (rule, subject,
    recipient, occurrence): planning the same message twice hits the unique index instead of
    sending twice. Rows of one chat are delivered in order (`due_at`, then `id`).
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(60), index=True)
    """What the reminder is about, e.g. "submission:12" or "school:3"; cancelling goes by it."""
    chat_id: Mapped[int] = mapped_column(BigInteger)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ReminderStatus] = mapped_column(
        Enum(ReminderStatus, name="reminder_status", native_enum=False, length=20),
        default=ReminderStatus.PLANNED,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    """The id Telegram gave the message, so that a card can be edited later."""
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_reminders_status_due", "status", "due_at"),
        Index("ix_reminders_chat_status", "chat_id", "status"),
    )


class Lease(Base):
    """A named lock with an expiry, so only one process plans and sends at a time."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Platform(Base):
    """A platform of one programme: a school, or a network of schools with one lead school."""

    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    lead_school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lead_school: Mapped[School] = relationship(lazy="selectin")
    members: Mapped[list[PlatformSchool]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PlatformSchool.school_id"
    )

    @property
    def network(self) -> bool:
        return len(self.members) > 1


class PlatformSchool(Base):
    """A school of a platform (the lead school too), with the year it joined the network."""

    __tablename__ = "platform_schools"

    platform_id: Mapped[int] = mapped_column(
        ForeignKey("platforms.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_year: Mapped[int | None] = mapped_column(Integer, default=None)

    school: Mapped[School] = relationship(lazy="selectin")


class WindowOpening(Base):
    """A window the regulation leaves to an order: staff open it, and later close it."""

    __tablename__ = "window_openings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[str] = mapped_column(String(60))
    window: Mapped[str] = mapped_column(String(40))
    opened_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date, default=None)
    """The last day, when the order names one; None: open until staff close it."""
    opened_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_window_openings_lookup", "programme", "window", "opened_on"),)


class PlatformStatus(Base):
    """A school's status of a platform, recorded by staff from the order that granted it."""

    __tablename__ = "platform_statuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    programme: Mapped[str] = mapped_column(String(60))
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("platforms.id", ondelete="SET NULL"), default=None
    )
    granted_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), default=None
    )
    recorded_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlannedEvent(Base):
    """An event of an approved plan: the schedule the reminders follow."""

    __tablename__ = "planned_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(100), default="")
    dates: Mapped[str] = mapped_column(String(200), default="")
    """As the coordinator wrote it: a date or a month."""
    event_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    """The date, when `dates` names one; only dated events get reminders."""
