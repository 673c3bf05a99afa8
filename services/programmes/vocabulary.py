"""What a definition is written in: known field ids, checked strings and days, strict models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainValidator, StringConstraints

from services.calendar import DayMonth

KNOWN_APPLICATION_FIELDS = frozenset(
    {
        "full_name",  # full name of the school per its charter
        "legal_address",
        "municipality",  # municipal district
        "contacts",  # phone, fax, e-mail
        "head",  # head of the school
        "platform_head",  # head (coordinator) of the platform
        "supervisor",  # scientific supervisor / consultant
        "topic",  # topic or direction of the platform
        "digital_resources",  # digital resources, services and tools used
        "municipal_agreement",  # agreed with the municipal education authority
        "network_schools",  # the schools of a network platform, with the year each joined
        "directions",  # several of the programme's directions (`directions` of the programme)
        "termination_reason",  # one of the programme's termination reasons
        "network_plan",  # the network plan-schedule: events one by one (reports.plan_fields)
        "goal",  # programme passport: the goal
        "tasks",
        "stages",  # stages with dates, one per line (services.passport.parse_stages)
        "activities",  # plan of activities: title, dates, responsible, one by one
        "expected_results",
        "indicators",  # indicators with target values (services.passport.parse_indicators)
        "risks",  # risks and the ways to compensate them
        "developers",  # programme passport: who developed the programme
        "grounds",  # the grounds (laws, orders) the programme was developed on
        "executors",  # who carries the programme out
        "base",  # equipment and staff of each school (services.passport.parse_base)
        "trainees",  # targeted professional development: the teachers, with their posts
        "training_needs",  # what they need to learn, by the programme's directions
        "training_dates",  # when they could study
    }
)
KNOWN_REPORT_FIELDS = frozenset(
    {
        "events_held",
        "participants",
        "indicator_results",
        "materials",
        "publications",
        "problems",
        "proposals",
        "plan_completion",  # what was done, per event of the approved plan-schedule
        "indicator_values",  # one question per indicator of the approved application
        "participation_levels",  # teachers and pupils in events, per level of reports.levels
    }
)
KNOWN_PLAN_FIELDS = frozenset(
    {"school_year", "title", "form", "dates", "responsible", "audience", "expected_result"}
)


class Definition(BaseModel):
    """Every part of a definition: frozen, and an unknown key (a typo) is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _known(known: frozenset[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in known:
            raise ValueError(f"unknown {what} {value!r}; known: {', '.join(sorted(known))}")
        return value

    return AfterValidator(check)


def _parse_day_month(value: object) -> DayMonth:
    if not isinstance(value, str):
        raise ValueError(f'expected a day as "MM-DD" in quotes, got {value!r}')
    return DayMonth.parse(value)


def unique(values: Iterable[str], what: str) -> None:
    """Refuse a value given twice (a validator's ValueError names it)."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.add(value)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ButtonText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
"""Shown on a button: Telegram shows about 60 characters of one."""
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
DayMonthField = Annotated[DayMonth, PlainValidator(_parse_day_month)]
ApplicationField = Annotated[str, _known(KNOWN_APPLICATION_FIELDS, "application field")]
ReportField = Annotated[str, _known(KNOWN_REPORT_FIELDS, "report field")]
PlanField = Annotated[str, _known(KNOWN_PLAN_FIELDS, "plan field")]
