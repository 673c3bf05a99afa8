"""The roadmap for the whole term (Krasnodar, табл. 1): a submission of its own.

«План работы (дорожная карта) Опорной площадки на весь период работы — не позднее 10 дней
после публикации Институтом свидетельства о присвоении статуса». It is a plan (its events
become the schedule once approved) of the variant `roadmap`: open from the order that
granted the status, due `status.roadmap_due_days_after_certificate` days after the
certificate's publication, which staff record with /certificate. An extension of the status
asks for no new roadmap. The plan for the coming school year keeps the report window.
"""

from __future__ import annotations

from datetime import date

from services import calendar
from services.programmes.deadlines import Timing, Verdict
from services.programmes.schema import Programme
from storage.models import Platform, PlatformStatus
from storage.repositories.statuses import ROADMAP
from storage.uow import UnitOfWork

__all__ = ["ROADMAP", "deadline", "offered", "timing"]


def deadline(programme: Programme, status: PlatformStatus) -> date | None:
    """The last day of the roadmap; None until the certificate's publication is recorded."""
    days = programme.status.roadmap_due_days_after_certificate
    if days is None or status.certificate_on is None:
        return None
    return calendar.roadmap_due(status.certificate_on, days)


async def offered(uow: UnitOfWork, programme: Programme, platform: Platform | None) -> bool:
    """Whether «🗓 План на год» offers the roadmap: the programme asks for one, the platform's
    status was granted by an order, and no roadmap of it counts as given yet."""
    if programme.status.roadmap_due_days_after_certificate is None or platform is None:
        return False
    if await uow.statuses.granting_of(programme.id, platform.id) is None:
        return False
    given, _schools = await uow.statuses.roadmaps_given(programme.id)
    return platform.id not in given


async def timing(
    uow: UnitOfWork, programme: Programme, platform_id: int | None, today: date
) -> Timing:
    """Open from the order; late after the deadline, once the certificate gives one."""
    status = await uow.statuses.granting_of(programme.id, platform_id) if platform_id else None
    if status is None:
        return Timing(Verdict.OPEN)
    due = deadline(programme, status)
    if due is None:
        days = programme.status.roadmap_due_days_after_certificate
        return Timing(Verdict.OPEN, opens=status.granted_on, after_certificate=days)
    verdict = Verdict.LATE if today > due else Verdict.OPEN
    return Timing(verdict, status.granted_on, due)
