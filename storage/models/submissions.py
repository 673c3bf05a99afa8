"""Submissions: what coordinators send, its files and versions, and where staff read it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.domain import SubmissionKind, SubmissionStatus
from storage.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from storage.models.people import Person, School


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

    school: Mapped[School] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[Person] = relationship(lazy="raise")
    """Loaded where it is shown (the card, the notices), not with every draft."""
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
