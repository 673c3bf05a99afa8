"""Platforms of a programme: their schools, statuses granted by order, staff-opened windows."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from storage.models.people import School


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
    """The day of the order."""
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    certificate_on: Mapped[date | None] = mapped_column(Date, default=None)
    """The day the institute published the certificate (/certificate); the roadmap counts
    from it (Krasnodar, табл. 1)."""
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), default=None
    )
    recorded_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
