"""Staff record the order that granted (or extended) a platform's status; terms follow from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services import calendar
from services.domain import SubmissionKind, SubmissionStatus
from services.programmes import platforms
from services.programmes.schema import Programmes
from storage.models import PlatformStatus
from storage.uow import UnitOfWork


class GrantProblem(StrEnum):
    NOT_FOUND = "not_found"
    NOT_APPROVED = "not_approved"
    NOT_A_GRANT = "not_a_grant"


@dataclass(frozen=True)
class Grant:
    status: PlatformStatus | None
    problem: GrantProblem | None = None
    school_name: str = ""
    expiry_months: tuple[int, ...] = ()
    """When the coordinator will be reminded that the status ends."""
    roadmap: bool = False
    """Whether the programme asks for a roadmap after the certificate."""
    network: tuple[str, ...] = ()
    """The other schools of the platform's network."""


async def record_grant(
    uow: UnitOfWork,
    programmes: Programmes,
    application_id: int,
    order_on: date,
    actor: int,
    now: datetime,
) -> Grant:
    application = await uow.submissions.get(application_id)
    if application is None or application.kind is not SubmissionKind.APPLICATION:
        return Grant(None, GrantProblem.NOT_FOUND)
    if application.status is not SubmissionStatus.APPROVED:
        return Grant(None, GrantProblem.NOT_APPROVED)
    if application.variant not in ("assignment", "extension"):
        return Grant(None, GrantProblem.NOT_A_GRANT)
    programme = programmes.of(application.programme)
    expires_on: date | None = None
    if application.variant == "assignment" and programme.status.term_years:
        expires_on = calendar.status_expires(order_on, programme.status.term_years)
    elif application.variant == "extension":
        current = await uow.schedule.latest_status_of(application.school_id, programme.id)
        base = current.expires_on if current is not None and current.expires_on else order_on
        expires_on = calendar.add_years(base, programme.status.extension_max_years)
    platform_id = application.platform_id
    network: tuple[str, ...] = ()
    if application.variant == "assignment":
        earlier = await uow.schedule.status_of_application(application.id)
        if earlier is not None and earlier.platform_id is not None:
            platform_id = earlier.platform_id  # the order recorded again: same platform
        else:
            platform = await platforms.found_platform(uow, application, order_on)
            platform_id = platform.id
            ids = [m.school_id for m in platform.members if m.school_id != application.school_id]
            network = tuple(school.name for school in await uow.platforms.schools(ids))
    status = PlatformStatus(
        school_id=application.school_id,
        programme=programme.id,
        platform_id=platform_id,
        granted_on=order_on,
        expires_on=expires_on,
        application_id=application.id,
        recorded_by=actor,
        recorded_at=now,
    )
    uow.session.add(status)
    uow.audit.record(
        "status.grant", "submission", application.id, actor, now, order=order_on.isoformat()
    )
    await uow.commit()
    return Grant(
        status,
        school_name=application.school.name,
        expiry_months=programme.reminders.status_expiry_months if expires_on else (),
        roadmap=programme.status.roadmap_due_days_after_certificate is not None,
        network=network,
    )
