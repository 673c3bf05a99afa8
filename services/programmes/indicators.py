"""The programme's monitoring indicators (Omsk 3.3), measured from what the bot records.

1. Active platforms per municipal district, against `monitoring.platforms_per_district_min`.
   Active: the newest recorded status of the platform is in force today and no termination or
   completion of it was approved after that. A platform counts in its lead school's district.
2. The share of active platforms meeting the conditions declared at selection, against
   `monitoring.conditions_met_percent`: those whose report for the reporting school year was
   approved. The reporting year is the latest whose report window has opened; platforms granted
   after that opening owe no report for it and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services import calendar
from services.domain import SubmissionStatus
from services.programmes.deadlines import report_year
from services.programmes.schema import Monitoring, Programme
from storage.models import Platform, PlatformStatus
from storage.repositories import monitoring
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class District:
    name: str
    active: int
    below: bool


@dataclass(frozen=True)
class Unmet:
    school: str
    platform: str
    report: SubmissionStatus | None
    """The state of its report for the year; None: no report was sent."""


@dataclass(frozen=True)
class Indicators:
    programme: Programme
    targets: Monitoring
    districts: list[District]
    school_year: int
    owing: int
    """Active platforms that owe a report for `school_year`."""
    met: int
    unmet: list[Unmet]
    not_owing: int
    """Active platforms granted after the report window opened."""

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.owing) if self.owing else None

    @property
    def share_below(self) -> bool:
        return self.percent is not None and self.percent < self.targets.conditions_met_percent


def reporting_year(programme: Programme, today: date) -> tuple[int, date]:
    """The school year whose report is looked at, and the day its report window opened."""
    year = report_year(today)
    window = programme.windows.report
    yearly = window.yearly if window is not None else None
    if yearly is None:
        # No dated window: the last school year that has ended.
        year -= 1
        return year, calendar.school_year_bounds(year)[1]
    opens = calendar.window_dates(yearly, year + 1)[0]
    if today < opens:
        year -= 1
        opens = calendar.window_dates(yearly, year + 1)[0]
    return year, opens


def _active(
    status: PlatformStatus | None, ended: datetime | None, today: date
) -> PlatformStatus | None:
    if status is None or status.granted_on > today:
        return None
    if status.expires_on is not None and status.expires_on < today:
        return None
    if ended is not None and ended >= status.recorded_at:
        return None
    return status


async def measure(
    uow: UnitOfWork, programme: Programme, targets: Monitoring, today: date
) -> Indicators:
    platforms = await uow.platforms.of_programme(programme.id)
    statuses = await monitoring.latest_status_by_platform(uow.session, programme.id)
    endings = await monitoring.approved_endings(uow.session, programme.id)
    active: list[tuple[Platform, PlatformStatus]] = []
    for platform in platforms:
        status = _active(statuses.get(platform.id), endings.get(platform.id), today)
        if status is not None:
            active.append((platform, status))

    counts = {school.district: 0 for school in await uow.schools.all() if school.district}
    for platform, _status in active:
        district = platform.lead_school.district
        counts[district] = counts.get(district, 0) + 1
    minimum = targets.platforms_per_district_min
    districts = [District(name, count, count < minimum) for name, count in sorted(counts.items())]

    year, opens = reporting_year(programme, today)
    reports = await monitoring.reports_of_year(uow.session, programme.id, year)
    owing = [(p, s) for p, s in active if s.granted_on < opens]
    unmet: list[Unmet] = []
    for platform, _status in owing:
        mine = [
            r
            for r in reports
            if r.platform_id == platform.id
            or (r.platform_id is None and r.school_id == platform.lead_school_id)
        ]
        state = mine[-1].status if mine else None
        if state is not SubmissionStatus.APPROVED:
            unmet.append(Unmet(platform.lead_school.name, platform.title, state))
    return Indicators(
        programme=programme,
        targets=targets,
        districts=districts,
        school_year=year,
        owing=len(owing),
        met=len(owing) - len(unmet),
        unmet=unmet,
        not_owing=len(active) - len(owing),
    )
