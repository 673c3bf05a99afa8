"""The Academic Council: its next date, and the applicants on its list (closed N days before).

The list (Krasnodar 3.6, 3.9.3, 3.9.4, 3.10.2) holds the applications approved since the
previous council's list closed and before this one's closes: for the status, for its
extension (with the term in force and the longest extension, 3.9), for completion and early
termination. Requests for professional development are not the council's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from services import calendar
from services.domain import SubmissionStatus
from services.programmes.schema import Programme
from storage.models import CouncilMeeting, Submission
from storage.uow import UnitOfWork

GRANTING = frozenset({"assignment"})
ENDING_OR_EXTENDING = frozenset({"extension", "completion", "early_termination"})
ORDER = ("assignment", "extension", "completion", "early_termination")
"""The council's list, in the order of the regulation's registries (3.6, 3.9.3, 3.10.2)."""


@dataclass(frozen=True)
class RegistryRow:
    application_id: int
    school: str
    district: str
    variant: str
    title: str
    """The kind of application as the programme names it."""
    decided_at: datetime | None
    status: SubmissionStatus
    platform_id: int | None
    in_force_until: date | None = None
    """An extension: the day the status in force ends."""
    extended_until: date | None = None
    """An extension: the longest it may be extended to (3.9: «не более чем на один год»)."""


@dataclass(frozen=True)
class Registry:
    meets_on: date
    closes_on: date
    """Applications approved before this day are on the list."""
    applicants: Sequence[Submission]
    rows: Sequence[RegistryRow] = ()
    """The applicants as the list shows them, in the order of `ORDER`."""
    opens_on: date | None = None
    """Applications approved before this day were on the previous council's list."""


def closes_on(programme: Programme, meets_on: date) -> date:
    days = programme.council.applicants_list_closes_days_before if programme.council else 0
    return calendar.council_list_closes(meets_on, days)


async def set_meeting(uow: UnitOfWork, meets_on: date, actor: int, now: datetime) -> None:
    uow.council.add(CouncilMeeting(meets_on=meets_on, set_by=actor, set_at=now))
    uow.audit.record("council.set", "council", None, actor, now, date=meets_on.isoformat())
    await uow.commit()


async def _row(uow: UnitOfWork, programme: Programme, item: Submission) -> RegistryRow:
    kinds = programme.applications.kinds()
    row = RegistryRow(
        application_id=item.id,
        school=item.school.name,
        district=item.school.district,
        variant=item.variant,
        title=kinds[item.variant].title if item.variant in kinds else item.variant,
        decided_at=item.decided_at,
        status=item.status,
        platform_id=item.platform_id,
    )
    if item.variant != "extension":
        return row
    current = await uow.schedule.latest_status_of(item.school_id, programme.id)
    until = current.expires_on if current is not None else None
    longest = calendar.add_years(until, programme.status.extension_max_years) if until else None
    return RegistryRow(**{**row.__dict__, "in_force_until": until, "extended_until": longest})


async def registry(uow: UnitOfWork, programme: Programme, zone: ZoneInfo) -> Registry | None:
    meeting = await uow.council.latest()
    if meeting is None:
        return None
    closing = closes_on(programme, meeting.meets_on)
    previous = await uow.council.previous(closing, meeting.id)
    opens = closes_on(programme, previous.meets_on) if previous is not None else None
    closing_moment = datetime.combine(closing, time(0, 0), tzinfo=zone)
    opening_moment = datetime.combine(opens, time(0, 0), tzinfo=zone) if opens else None
    applicants = [
        item
        for item in await uow.submissions.approved_applications(closing_moment, programme.id)
        if item.variant in ORDER
        and (opening_moment is None or (item.decided_at and item.decided_at >= opening_moment))
    ]
    applicants.sort(key=lambda item: ORDER.index(item.variant))  # stable: by decision within
    rows = [await _row(uow, programme, item) for item in applicants]
    return Registry(meeting.meets_on, closing, applicants, rows, opens)
