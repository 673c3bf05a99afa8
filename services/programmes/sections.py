"""The sections of a definition: status, windows, announcements, applications, reports, review."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from services.calendar import YearlyWindow
from services.programmes.vocabulary import (
    ApplicationField,
    ButtonText,
    DayMonthField,
    Definition,
    Identifier,
    PlanField,
    ReportField,
    Text,
    unique,
)


class StatusRules(Definition):
    term_years: PositiveInt | None = None
    """None: the regulation sets no term."""
    term_up_to: bool = False
    """The term is a maximum («на срок до 3-х лет»): the order may set a shorter one."""
    extension_max_years: NonNegativeInt = 0
    roadmap_due_days_after_certificate: NonNegativeInt | None = None
    """The roadmap for the whole term is its own submission, due this many days after the
    certificate is published (staff record the day with /certificate)."""
    certificate_within_days_after_order: NonNegativeInt | None = None
    """The institute publishes the certificate within this many days after the order."""

    @model_validator(mode="after")
    def _term_bounds(self) -> Self:
        if self.term_up_to and self.term_years is None:
            raise ValueError("term_up_to = true needs term_years (the longest term)")
        return self


class Window(Definition):
    """A yearly window given by local dates (inclusive), or opened and closed by staff."""

    title: Text
    start: DayMonthField | None = None
    end: DayMonthField | None = None
    opened_by_staff: bool = False

    @model_validator(mode="after")
    def _dates_or_staff(self) -> Self:
        has_dates = self.start is not None or self.end is not None
        if self.opened_by_staff and has_dates:
            raise ValueError("give either start and end, or opened_by_staff = true, not both")
        if not self.opened_by_staff and (self.start is None or self.end is None):
            raise ValueError("give both start and end, or opened_by_staff = true")
        if self.start is not None and self.end is not None:
            YearlyWindow(self.start, self.end)  # its own checks, at load time
        return self

    @property
    def yearly(self) -> YearlyWindow | None:
        """The dates as a calendar rule; None when staff open the window by command."""
        if self.start is None or self.end is None:
            return None
        return YearlyWindow(self.start, self.end)


class Windows(Definition):
    application: Window | None = None
    """Applications for the status."""
    report: Window | None = None
    """The annual report and the plan for the coming school year."""
    review: Window | None = None
    """The institute reviews the applications."""
    council: Window | None = None
    """The council that grants, extends and ends the status meets."""


class CouncilRules(Definition):
    applicants_list_closes_days_before: NonNegativeInt
    new_platforms_published_within_days: NonNegativeInt | None = None
    """The institute publishes the names of the schools granted the status, days after it."""
    outcomes_published_within_days: NonNegativeInt | None = None
    """The institute publishes extensions, completions and early terminations, days after it."""


class Announcements(Definition):
    lead_days: NonNegativeInt
    forms: tuple[Text, ...] = Field(min_length=1)
    ask_direction: bool = False
    """Each announcement names one of the platform's directions (the programme's `directions`)."""

    @model_validator(mode="after")
    def _unique_forms(self) -> Self:
        unique(self.forms, "form")
        return self


class Attachment(Definition):
    id: Identifier
    title: Text
    required: bool
    multiple: bool = False
    """Several files or links (e.g. the annual reports of each year)."""


class ApplicationKind(Definition):
    title: Text
    fields: tuple[ApplicationField, ...]
    required_fields: tuple[ApplicationField, ...] = ()
    """Fields optional elsewhere that this regulation's form requires (e.g. `supervisor`)."""
    optional_fields: tuple[ApplicationField, ...] = ()
    """Fields required elsewhere that this regulation leaves optional (e.g. `network_schools`)."""
    attachments: tuple[Attachment, ...] = ()
    note: Text | None = None
    """Told before the first question: what the regulation wants of this application and what
    the bot asks for it (Omsk: the form of Приложение 1 as a file, not its fields typed)."""

    @model_validator(mode="after")
    def _unique_entries(self) -> Self:
        unique(self.fields, "field")
        unique(self.required_fields, "required field")
        unique(self.optional_fields, "optional field")
        unique((a.id for a in self.attachments), "attachment id")
        for field_id in (*self.required_fields, *self.optional_fields):
            if field_id not in self.fields:
                raise ValueError(f"field {field_id!r} is not among the fields")
        if both := set(self.required_fields) & set(self.optional_fields):
            raise ValueError(f"{sorted(both)[0]!r} is both required and optional")
        return self


class TerminationReason(Definition):
    id: Identifier
    title: Text


class Applications(Definition):
    assignment: ApplicationKind
    """Присвоение статуса."""
    extension: ApplicationKind | None = None
    """Продление."""
    completion: ApplicationKind | None = None
    """Завершение по окончании срока."""
    early_termination: ApplicationKind | None = None
    """Досрочное прекращение."""
    training: ApplicationKind | None = None
    """A request for targeted professional development of the platform's teachers (Kuzbass);
    not about the status: any school of a network sends its own."""
    termination_reasons: tuple[TerminationReason, ...] = ()

    @model_validator(mode="after")
    def _reasons(self) -> Self:
        unique((r.id for r in self.termination_reasons), "termination reason id")
        asks_reason = any("termination_reason" in k.fields for k in self.kinds().values())
        if asks_reason and not self.termination_reasons:
            raise ValueError("a kind asks for termination_reason but termination_reasons is empty")
        return self

    def kinds(self) -> dict[str, ApplicationKind]:
        """The kinds this programme has, by id."""
        kinds = {
            "assignment": self.assignment,
            "extension": self.extension,
            "completion": self.completion,
            "early_termination": self.early_termination,
            "training": self.training,
        }
        return {name: kind for name, kind in kinds.items() if kind is not None}


class Reports(Definition):
    report_fields: tuple[ReportField, ...] = Field(min_length=1)
    """Fields of the annual report."""
    plan_fields: tuple[PlanField, ...] = Field(min_length=1)
    """Fields of one planned event (a plan or roadmap is a list of them)."""
    schedule: Literal["yearly", "stages"] = "yearly"
    """yearly: in the report window; stages: after each stage of the approved application."""
    stage_report_days_after: NonNegativeInt | None = None
    """With schedule = "stages": a stage's report is due this many days after the stage ends."""
    levels: tuple[Text, ...] = ()
    """Levels of events (школьный, муниципальный...) the `participation_levels` field counts."""

    @model_validator(mode="after")
    def _unique_fields(self) -> Self:
        unique(self.report_fields, "report field")
        unique(self.plan_fields, "plan field")
        return self

    @model_validator(mode="after")
    def _levels_with_their_field(self) -> Self:
        unique(self.levels, "level")
        asked = "participation_levels" in self.report_fields
        if asked and not self.levels:
            raise ValueError("report_fields has participation_levels but levels is empty")
        if self.levels and not asked:
            raise ValueError("levels are given but report_fields lacks participation_levels")
        return self

    @model_validator(mode="after")
    def _stage_deadline(self) -> Self:
        if self.schedule == "stages" and self.stage_report_days_after is None:
            raise ValueError('schedule = "stages" needs stage_report_days_after')
        if self.schedule == "yearly" and self.stage_report_days_after is not None:
            raise ValueError('stage_report_days_after is only for schedule = "stages"')
        return self


class Materials(Definition):
    types: tuple[Text, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_types(self) -> Self:
        unique(self.types, "material type")
        return self


class ReminderRules(Definition):
    """When reminders go out, in days (or months) before or after the regulation's dates."""

    announcement_notice_days: NonNegativeInt = 4
    """Before the last day an announcement is on time, the coordinator is reminded."""
    report_closing_days: tuple[NonNegativeInt, ...] = (7, 0)
    """Before the report window closes (0: on its last day), to those who have not reported."""
    application_closing_days: tuple[NonNegativeInt, ...] = (3,)
    status_expiry_months: tuple[PositiveInt, ...] = (6, 3, 1)
    roadmap_days: tuple[NonNegativeInt, ...] = (1, 7)
    """Days after the certificate; the deadline itself is always reminded too."""
    changes_unanswered_days: PositiveInt = 7
    digest_highlight_days: PositiveInt = 5
    """In the staff digest, items waiting longer are highlighted."""
    council_closing_days: tuple[NonNegativeInt, ...] = (3, 1)
    stage_report_days: tuple[NonNegativeInt, ...] = (7, 1)
    """Days before a stage report's deadline (reports.schedule = "stages")."""
    certificate_days: tuple[NonNegativeInt, ...] = (3, 0)
    """Days before the certificate is due (status.certificate_within_days_after_order), to
    staff, until they record its publication."""


MAX_CRITERIA = 15
MAX_OUTCOMES = 8
"""Every answer of an expert conclusion travels in a button's callback data (64 bytes)."""


class Criterion(Definition):
    id: Identifier
    title: Text


class ConclusionOutcome(Definition):
    id: Identifier
    title: ButtonText
    permits_approval: bool = False
    """Staff may approve the application only after a conclusion with such an outcome."""


class ExpertConclusion(Definition):
    """A structured conclusion the reviewer gives before an application for the status is approved."""

    title: Text
    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=MAX_CRITERIA)
    outcomes: tuple[ConclusionOutcome, ...] = Field(min_length=2, max_length=MAX_OUTCOMES)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        unique((c.id for c in self.criteria), "criterion id")
        unique((o.id for o in self.outcomes), "outcome id")
        if not any(o.permits_approval for o in self.outcomes):
            raise ValueError("no outcome has permits_approval = true: nothing could be approved")
        return self


class ReviewRules(Definition):
    expert_conclusion: ExpertConclusion | None = None
    """Asked on the card of an application for the status; approval waits for it."""


class RoleRules(Definition):
    coordinator_appoints_mentors: bool = False
    """The coordinator of a platform invites mentors of their school themselves."""
    mentor_title: Literal["наставник", "тьютор"] = "наставник"
    """What the programme calls a mentor, in the texts about inviting one."""
    regional_tutors: bool = False
    """A regional tutor community: staff invite tutors who hear of every event of the
    programme's platforms (Kuzbass, «региональное тьюторское сообщество»)."""


class Monitoring(Definition):
    """Indicators staff see with /indicators."""

    platforms_per_district_min: PositiveInt
    """Active platforms of the programme in each municipal district, at least."""
    conditions_met_percent: Annotated[int, Field(ge=1, le=100)]
    """Share of active platforms meeting the conditions declared at selection, target."""
    published_on: Text | None = None
    """Where the results are made public (Omsk 3.2: the department's site): staff get a
    public version of them with `/indicators public`."""
