"""Everything stored about one person (152-ФЗ): read for an export, changed for an erasure.
Repositories never commit; the unit of work does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AccessRequest,
    AuditEntry,
    DistrictMentor,
    FsmRecord,
    Invitation,
    Person,
    Reminder,
    Submission,
    UserSettings,
)


@dataclass(frozen=True)
class Records:
    telegram_id: int
    person: Person | None
    settings: UserSettings | None
    districts: Sequence[DistrictMentor]
    access_requests: Sequence[AccessRequest]
    """Their own requests for access."""
    access_decided: Sequence[AccessRequest]
    """Requests they decided (as staff)."""
    invitations: Sequence[Invitation]
    """Invitations they used or issued."""
    authored: Sequence[Submission]
    reviewed: Sequence[Submission]
    """Submissions they claimed or decided (as staff)."""
    audit: Sequence[AuditEntry]
    dialogs: Sequence[FsmRecord]
    messages: Sequence[Reminder]
    """What the bot sent or will send them."""


async def records(session: AsyncSession, telegram_id: int) -> Records:
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    person_id = person.id if person is not None else -1

    async def every(query: Select[Any]) -> Sequence[Any]:
        return (await session.scalars(query)).all()

    return Records(
        telegram_id=telegram_id,
        person=person,
        settings=await session.get(UserSettings, telegram_id),
        districts=await every(select(DistrictMentor).where(DistrictMentor.person_id == person_id)),
        access_requests=await every(
            select(AccessRequest)
            .where(AccessRequest.telegram_id == telegram_id)
            .order_by(AccessRequest.id)
        ),
        access_decided=await every(
            select(AccessRequest)
            .where(AccessRequest.decided_by == telegram_id)
            .order_by(AccessRequest.id)
        ),
        invitations=await every(
            select(Invitation)
            .where(or_(Invitation.used_by == person_id, Invitation.created_by == telegram_id))
            .order_by(Invitation.id)
        ),
        authored=await every(
            select(Submission).where(Submission.author_id == person_id).order_by(Submission.id)
        ),
        reviewed=await every(
            select(Submission)
            .where(or_(Submission.claimed_by == telegram_id, Submission.decided_by == telegram_id))
            .order_by(Submission.id)
        ),
        audit=await every(
            select(AuditEntry)
            .where(AuditEntry.actor_telegram_id == telegram_id)
            .order_by(AuditEntry.id)
        ),
        dialogs=await every(select(FsmRecord).where(FsmRecord.key.like(f"%:{telegram_id}:%"))),
        messages=await every(
            select(Reminder).where(Reminder.chat_id == telegram_id).order_by(Reminder.id)
        ),
    )


async def forget_dialogs(session: AsyncSession, dialogs: Sequence[FsmRecord]) -> None:
    for record in dialogs:
        await session.delete(record)
