"""Schools and people: who coordinates or mentors which school, invitations, access requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.domain import Role
from storage.models.base import Base, UTCDateTime, fold, utcnow


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
    districts: Mapped[list[DistrictMentor]] = relationship(lazy="raise", viewonly=True)
    """The districts this person mentors whole; loaded with the person's identity only."""


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


class RegionalTutor(Base):
    """A member of the regional tutor community (Kuzbass): hears of every event of the
    platforms of the programmes that have one."""

    __tablename__ = "regional_tutors"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
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
