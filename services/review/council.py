"""The Academic Council: its next date, and the applicants on its list (closed N days before)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from services import calendar
from services.programmes.schema import Programme
from storage.models import CouncilMeeting, Submission
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Registry:
    meets_on: date
    closes_on: date
    """Applications approved before this day are on the list."""
    applicants: Sequence[Submission]


def closes_on(programme: Programme, meets_on: date) -> date:
    days = programme.council.applicants_list_closes_days_before if programme.council else 0
    return calendar.council_list_closes(meets_on, days)


async def set_meeting(uow: UnitOfWork, meets_on: date, actor: int, now: datetime) -> None:
    uow.council.add(CouncilMeeting(meets_on=meets_on, set_by=actor, set_at=now))
    uow.audit.record("council.set", "council", None, actor, now, date=meets_on.isoformat())
    await uow.commit()


async def registry(uow: UnitOfWork, programme: Programme, zone: ZoneInfo) -> Registry | None:
    meeting = await uow.council.latest()
    if meeting is None:
        return None
    closing = closes_on(programme, meeting.meets_on)
    closing_moment = datetime.combine(closing, time(0, 0), tzinfo=zone)
    applicants = await uow.submissions.approved_applications(closing_moment, programme.id)
    return Registry(meeting.meets_on, closing, applicants)
