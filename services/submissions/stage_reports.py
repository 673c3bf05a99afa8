"""Reports after the stages of a platform's programme (`[reports] schedule = "stages"`).

The stages of the application the status was granted on give the deadlines: an interim
report after each stage but the last, the final one after the last. The report due next is
the one of the first stage not yet reported; only the network's lead school sends it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from services.programmes.schema import Programme
from services.submissions import passport
from services.submissions.passport import Stage
from storage.models import Platform, Submission
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class StageReport:
    index: int
    """1-based number of the stage."""
    count: int
    stage: Stage
    deadline: date

    @property
    def final(self) -> bool:
        return self.index == self.count

    @property
    def opens(self) -> date:
        """A stage's report may be sent from its last day."""
        return self.stage.end

    def as_context(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.count,
            **self.stage.as_value(),
            "deadline": self.deadline.isoformat(),
            "final": self.final,
        }


def reports_of(stages: Sequence[Stage], days_after: int) -> list[StageReport]:
    return [
        StageReport(n, len(stages), stage, stage.end + timedelta(days=days_after))
        for n, stage in enumerate(stages, start=1)
    ]


def next_report(
    stages: Sequence[Stage], given: Collection[int], days_after: int
) -> StageReport | None:
    """The report of the first stage without one; None when every stage is reported."""
    return next((r for r in reports_of(stages, days_after) if r.index not in given), None)


def stage_index(submission: Submission) -> int | None:
    """Which stage a report is for (kept in its context when the draft was opened)."""
    stage = json.loads(submission.context).get("stage")
    return int(stage["index"]) if isinstance(stage, dict) else None


def given_by_platform(reports: Iterable[Submission]) -> dict[int, set[int]]:
    """Platform id to the numbers of the stages its given reports are for."""
    found: dict[int, set[int]] = {}
    for report in reports:
        index = stage_index(report)
        if report.platform_id is not None and index is not None:
            found.setdefault(report.platform_id, set()).add(index)
    return found


class Problem(StrEnum):
    NOT_GRANTED = "not_granted"  # no platform with a status granted on an application yet
    NO_STAGES = "no_stages"  # the application has no stages
    ALL_GIVEN = "all_given"


@dataclass(frozen=True)
class Due:
    report: StageReport | None
    problem: Problem | None = None
    indicators: Sequence[passport.Indicator] = ()


async def due(uow: UnitOfWork, programme: Programme, platform: Platform | None) -> Due:
    """The stage report a platform owes next, or why there is none."""
    if platform is None:
        return Due(None, Problem.NOT_GRANTED)
    found = await uow.platforms.founding_applications(programme.id, platform.id)
    if not found:
        return Due(None, Problem.NOT_GRANTED)
    values = json.loads(found[0][1].values)
    stages = passport.stages_of(values)
    if not stages:
        return Due(None, Problem.NO_STAGES)
    given = given_by_platform(await uow.platforms.reports_given([platform.id]))
    days = programme.reports.stage_report_days_after or 0
    report = next_report(stages, given.get(platform.id, set()), days)
    if report is None:
        return Due(None, Problem.ALL_GIVEN)
    return Due(report, indicators=passport.indicators_of(values))


async def context(
    uow: UnitOfWork,
    programme: Programme,
    platform: Platform | None,
    school_ids: Sequence[int],
    zone: ZoneInfo,
) -> dict[str, Any] | None:
    """What a stage report is built from: its stage, the indicators, the network's events."""
    found = await due(uow, programme, platform)
    if found.report is None:
        return None
    stage = found.report.stage
    start = datetime.combine(stage.start, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(stage.end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    members = set(school_ids)
    events = []
    for item in await uow.schedule.announcements(start, end):
        values: Mapping[str, Any] = json.loads(item.values)
        if item.school_id in members and values.get("held") is not False:
            events.append(
                {
                    "id": item.id,
                    "title": values.get("title", ""),
                    "at": item.event_at.isoformat(),
                    "participants": values.get("participants"),
                    "school": item.school,
                }
            )
    return {
        "stage": found.report.as_context(),
        "indicators": [indicator.as_value() for indicator in found.indicators],
        "events": events,
        "materials": [],
    }
