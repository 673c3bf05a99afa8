"""An approved plan becomes the schedule: its dated events are what reminders follow."""

from __future__ import annotations

import json
import re
from datetime import date

from storage.models import PlannedEvent, Submission

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


def schedule(plan: Submission) -> list[PlannedEvent]:
    events = json.loads(plan.values).get("events") or []
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
