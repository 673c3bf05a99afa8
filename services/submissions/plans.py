"""An approved plan becomes the schedule: its dated events are what reminders follow."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from services.domain import SubmissionKind
from storage.models import PlannedEvent, Submission
from storage.uow import UnitOfWork

_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")


def event_date(dates: str) -> date | None:
    """The date in a plan's "сроки" when it names one ("15.03.2028"); a month gives none."""
    found = _DATE.search(dates)
    if found is None:
        return None
    try:
        return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        return None


SCHEDULED = frozenset({SubmissionKind.PLAN, SubmissionKind.APPLICATION})
"""Kinds whose approval makes their dated events the schedule reminders follow."""
SCHEDULE_FIELDS = ("events", "network_plan")
"""Where a plan-schedule keeps its events: a yearly plan's list, an application's (LOIRO)."""


def schedule_items(values: Mapping[str, Any]) -> list[dict[str, str]]:
    for name in SCHEDULE_FIELDS:
        items = values.get(name)
        if isinstance(items, list) and items:
            return [item for item in items if isinstance(item, dict)]
    return []


def schedule(plan: Submission) -> list[PlannedEvent]:
    events = schedule_items(json.loads(plan.values))
    return [
        PlannedEvent(
            school_id=plan.school_id,
            plan_id=plan.id,
            title=str(item.get("title", ""))[:200],
            form=str(item.get("form", ""))[:100],
            dates=str(item.get("dates", ""))[:200],
            event_on=event_date(str(item.get("dates", ""))),
        )
        for item in events
    ]


async def approved_schedule(
    uow: UnitOfWork, programme: str, school_ids: Collection[int], school_year: int
) -> list[dict[str, str]]:
    """The plan-schedule in force in a school year: the newest approved one up to it.

    A yearly plan or, before the first one, the network plan-schedule of the approved
    application; what the report's «отчёт о выполнении» goes through, event by event.
    """
    for found in await uow.submissions.approved_schedules(school_ids, programme, school_year):
        items = schedule_items(json.loads(found.values))
        if items:
            return [
                {name: str(item.get(name, "")) for name in ("title", "dates", "responsible")}
                for item in items
            ]
    return []
