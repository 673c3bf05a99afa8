"""Staff record the order that granted (or extended) a platform's status, and the certificate.

`/granted`: the order's day, and for a term «до N лет» (Omsk 2.1.5, LOIRO 3.2) or an
extension «не более чем на один год» (Krasnodar 3.9) the last day the order names. The
term follows from them. `/certificate`: the day the institute published the certificate
of a granted status (Krasnodar, табл. 1); the roadmap's deadline counts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from services import calendar
from services.domain import SubmissionKind, SubmissionStatus
from services.programmes import platforms, roadmaps
from services.programmes.schema import Programme, Programmes
from storage.models import PlatformStatus, Submission
from storage.uow import UnitOfWork


class GrantProblem(StrEnum):
    NOT_FOUND = "not_found"
    NOT_APPROVED = "not_approved"
    NOT_A_GRANT = "not_a_grant"
    TERM_FIXED = "term_fixed"
    """A last day was given, but the regulation's term is fixed (Krasnodar 3.1: three years)."""
    TERM_TOO_LONG = "term_too_long"
    TERM_NOT_AFTER_ORDER = "term_not_after_order"


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
    extension: bool = False
    longest: date | None = None
    """With a term problem: the last day the regulation allows."""
    certificate_due: date | None = None
    """The institute publishes the certificate by this day (then /certificate)."""


def _longest(
    programme: Programme, variant: str, order_on: date, current: PlatformStatus | None
) -> date | None:
    """The last day of the status the regulation allows (None: it sets no term)."""
    if variant == "extension":
        base = current.expires_on if current is not None and current.expires_on else order_on
        return calendar.add_years(base, programme.status.extension_max_years)
    if programme.status.term_years:
        return calendar.status_expires(order_on, programme.status.term_years)
    return None


def _term_problem(
    programme: Programme, variant: str, order_on: date, until: date, longest: date | None
) -> GrantProblem | None:
    """Whether the last day the order names fits the regulation."""
    fixed = variant != "extension" and not programme.status.term_up_to
    if fixed or longest is None:
        return GrantProblem.TERM_FIXED
    if until <= order_on:
        return GrantProblem.TERM_NOT_AFTER_ORDER
    if until > longest:
        return GrantProblem.TERM_TOO_LONG
    return None


async def _approved_grant(uow: UnitOfWork, application_id: int) -> Submission | GrantProblem:
    application = await uow.submissions.get(application_id)
    if application is None or application.kind is not SubmissionKind.APPLICATION:
        return GrantProblem.NOT_FOUND
    if application.status is not SubmissionStatus.APPROVED:
        return GrantProblem.NOT_APPROVED
    if application.variant not in ("assignment", "extension"):
        return GrantProblem.NOT_A_GRANT
    return application


async def _platform(
    uow: UnitOfWork, application: Submission, order_on: date
) -> tuple[int | None, tuple[str, ...]]:
    """The platform the order is about: founded by an assignment, the same one if recorded again."""
    if application.variant != "assignment":
        return application.platform_id, ()
    earlier = await uow.schedule.status_of_application(application.id)
    if earlier is not None and earlier.platform_id is not None:
        return earlier.platform_id, ()  # the order recorded again: same platform
    platform = await platforms.found_platform(uow, application, order_on)
    ids = [m.school_id for m in platform.members if m.school_id != application.school_id]
    return platform.id, tuple(school.name for school in await uow.platforms.schools(ids))


async def record_grant(
    uow: UnitOfWork,
    programmes: Programmes,
    application_id: int,
    order_on: date,
    actor: int,
    now: datetime,
    until: date | None = None,
) -> Grant:
    """`until`: the last day of the status when the order names a shorter term than the
    longest the regulation allows."""
    found = await _approved_grant(uow, application_id)
    if isinstance(found, GrantProblem):
        return Grant(None, found)
    application = found
    programme = programmes.of(application.programme)
    extension = application.variant == "extension"
    current = await uow.schedule.latest_status_of(application.school_id, programme.id)
    longest = _longest(programme, application.variant, order_on, current if extension else None)
    if until is not None:
        problem = _term_problem(programme, application.variant, order_on, until, longest)
        if problem is not None:
            return Grant(None, problem, application.school.name, longest=longest)
    platform_id, network = await _platform(uow, application, order_on)
    status = PlatformStatus(
        school_id=application.school_id,
        programme=programme.id,
        platform_id=platform_id,
        granted_on=order_on,
        expires_on=until or longest,
        application_id=application.id,
        recorded_by=actor,
        recorded_at=now,
    )
    uow.session.add(status)
    uow.audit.record(
        "status.grant",
        "submission",
        application.id,
        actor,
        now,
        order=order_on.isoformat(),
        until=status.expires_on.isoformat() if status.expires_on else None,
    )
    await uow.commit()
    certificate_days = programme.status.certificate_within_days_after_order
    return Grant(
        status,
        school_name=application.school.name,
        expiry_months=programme.reminders.status_expiry_months if status.expires_on else (),
        roadmap=not extension and programme.status.roadmap_due_days_after_certificate is not None,
        network=network,
        extension=extension,
        certificate_due=(
            order_on + timedelta(days=certificate_days)
            if certificate_days is not None and not extension
            else None
        ),
    )


class CertificateProblem(StrEnum):
    NO_GRANT = "no_grant"
    """No order granting the status was recorded for this application."""
    EXTENSION = "extension"
    BEFORE_ORDER = "before_order"
    FUTURE = "future"


@dataclass(frozen=True)
class Certificate:
    status: PlatformStatus | None
    problem: CertificateProblem | None = None
    school_name: str = ""
    roadmap_due: date | None = None
    """The roadmap is due by this day (the programme asks for one)."""
    again: bool = False
    """A day was recorded before: this one replaces it."""


async def record_certificate(
    uow: UnitOfWork,
    programmes: Programmes,
    application_id: int,
    published_on: date,
    today: date,
    actor: int,
    now: datetime,
) -> Certificate:
    """The day the certificate of the status granted on this application was published."""
    status = await uow.statuses.of_application(application_id)
    application = await uow.submissions.get(application_id)
    if status is None or application is None:
        return Certificate(None, CertificateProblem.NO_GRANT)
    if application.variant == "extension":
        return Certificate(None, CertificateProblem.EXTENSION, application.school.name)
    if published_on < status.granted_on:
        return Certificate(status, CertificateProblem.BEFORE_ORDER, application.school.name)
    if published_on > today:
        return Certificate(status, CertificateProblem.FUTURE, application.school.name)
    again = status.certificate_on is not None
    status.certificate_on = published_on
    uow.audit.record(
        "status.certificate",
        "submission",
        application_id,
        actor,
        now,
        published=published_on.isoformat(),
    )
    await uow.commit()
    programme = programmes.of(status.programme)
    return Certificate(
        status,
        school_name=application.school.name,
        roadmap_due=roadmaps.deadline(programme, status),
        again=again,
    )
