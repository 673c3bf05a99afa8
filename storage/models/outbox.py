"""What the bot must still do: the outbox of messages, leases, and dialog state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, utcnow


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


class FsmRecord(Base):
    """Dialog state of one chat+user, so a restart resumes a half-filled form."""

    __tablename__ = "fsm_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200), default=None)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SeenUpdate(Base):
    """An update the bot has taken on, and whose it is.

    Telegram delivers a webhook update again when its answer was slow: whichever instance
    gets the copy finds the row and lets it be. On PostgreSQL the rows also keep one
    person's updates in order across instances: an update waits while an earlier one of the
    same person is received but not yet `handled` (see `storage.updates`).
    """

    __tablename__ = "seen_updates"
    __table_args__ = (Index("ix_seen_updates_person", "person", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person: Mapped[int | None] = mapped_column(BigInteger, default=None)
    """The Telegram user the update is from, if any."""
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    started: Mapped[bool] = mapped_column(Boolean, default=False)
    """Some instance is handling it (False: received by a webhook, waiting its turn)."""
    handled: Mapped[bool] = mapped_column(Boolean, default=False)
