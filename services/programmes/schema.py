"""A whole definition (Programme) and the ones a deployment runs (Programmes); the public models."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Self

from pydantic import StringConstraints, model_validator

from services.programmes.sections import (
    MAX_CRITERIA,
    MAX_OUTCOMES,
    Announcements,
    ApplicationKind,
    Applications,
    Attachment,
    ConclusionOutcome,
    CouncilRules,
    Criterion,
    ExpertConclusion,
    Materials,
    Monitoring,
    ReminderRules,
    Reports,
    ReviewRules,
    RoleRules,
    StatusRules,
    TerminationReason,
    Window,
    Windows,
)
from services.programmes.vocabulary import (
    KNOWN_APPLICATION_FIELDS,
    KNOWN_PLAN_FIELDS,
    KNOWN_REPORT_FIELDS,
    ButtonText,
    Definition,
    Text,
    unique,
)

__all__ = [
    "KNOWN_APPLICATION_FIELDS",
    "KNOWN_PLAN_FIELDS",
    "KNOWN_REPORT_FIELDS",
    "MAX_CRITERIA",
    "MAX_OUTCOMES",
    "Announcements",
    "ApplicationKind",
    "Applications",
    "Attachment",
    "ConclusionOutcome",
    "CouncilRules",
    "Criterion",
    "ExpertConclusion",
    "Materials",
    "Monitoring",
    "Programme",
    "Programmes",
    "ReminderRules",
    "Reports",
    "ReviewRules",
    "RoleRules",
    "StatusRules",
    "TerminationReason",
    "Window",
    "Windows",
]


class Programme(Definition):
    """One regulation's rules, as its TOML file gives them."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    title: Text
    title_en: Text
    seed: Text
    """File name of the regulation the definition follows."""
    timezone_note: Text | None = None
    directions: tuple[ButtonText, ...] = ()
    """The programme's directions of work: chosen in the application, named by each event."""
    status: StatusRules
    windows: Windows = Windows()
    council: CouncilRules | None = None
    announcements: Announcements
    applications: Applications
    reports: Reports
    materials: Materials
    reminders: ReminderRules = ReminderRules()
    review: ReviewRules = ReviewRules()
    roles: RoleRules = RoleRules()
    monitoring: Monitoring | None = None

    @model_validator(mode="after")
    def _extension_allowed(self) -> Self:
        if self.applications.extension is not None and self.status.extension_max_years == 0:
            raise ValueError(
                "applications.extension is defined but status.extension_max_years is 0"
            )
        return self

    @model_validator(mode="after")
    def _directions_defined(self) -> Self:
        unique(self.directions, "direction")
        asked = any("directions" in kind.fields for kind in self.applications.kinds().values())
        if (asked or self.announcements.ask_direction) and not self.directions:
            raise ValueError(
                "directions are asked (applications or announcements.ask_direction) "
                "but the programme lists no directions"
            )
        return self

    @model_validator(mode="after")
    def _stages_come_from_the_application(self) -> Self:
        asked = self.applications.assignment.fields
        if self.reports.schedule == "stages" and "stages" not in asked:
            raise ValueError(
                'reports.schedule = "stages" but applications.assignment does not ask for stages'
            )
        if "indicator_values" in self.reports.report_fields and "indicators" not in asked:
            raise ValueError(
                "reports ask for indicator_values but applications.assignment does not ask "
                "for indicators"
            )
        return self


class Programmes:
    """The programmes one deployment runs; the first is the default for schools without one."""

    def __init__(self, items: Sequence[Programme]) -> None:
        if not items:
            raise ValueError("a deployment runs at least one programme")
        self._by_id = {programme.id: programme for programme in items}
        self.default = items[0]

    def __iter__(self) -> Iterator[Programme]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, programme_id: object) -> bool:
        return programme_id in self._by_id

    @property
    def with_council(self) -> Programme | None:
        """The programme whose applications go to a council meeting (/council, /registry)."""
        return next((p for p in self if p.council is not None), None)

    def of(self, programme_id: str) -> Programme:
        """The programme a submission or platform names; the default if it is no longer run."""
        return self._by_id.get(programme_id, self.default)
