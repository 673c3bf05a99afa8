"""Programme definitions: one TOML file per regulation, validated when loaded.

Windows, lead times, terms, field lists and attachments are data; the code knows only the kinds
of rules. Every model forbids unknown keys so a typo in a definition is an error, reported with
the file and line it is on.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PlainValidator,
    PositiveInt,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from services.calendar import DayMonth, YearlyWindow

PRESETS_DIR = Path(__file__).with_name("presets")

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


class ProgrammeError(Exception):
    """A definition that cannot be used; the message has one "file:line: problem" per line."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.path = path
        self.problems = tuple(problems)


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


def _unique(values: Iterable[str], what: str) -> None:
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


class _Definition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatusRules(_Definition):
    term_years: PositiveInt | None = None
    """None: the regulation sets no term."""
    extension_max_years: NonNegativeInt = 0
    roadmap_due_days_after_certificate: NonNegativeInt | None = None


class Window(_Definition):
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


class Windows(_Definition):
    application: Window | None = None
    """Applications for the status."""
    report: Window | None = None
    """The annual report and the plan for the coming school year."""
    review: Window | None = None
    """The institute reviews the applications."""
    council: Window | None = None
    """The council that grants, extends and ends the status meets."""


class CouncilRules(_Definition):
    applicants_list_closes_days_before: NonNegativeInt


class Announcements(_Definition):
    lead_days: NonNegativeInt
    forms: tuple[Text, ...] = Field(min_length=1)
    ask_direction: bool = False
    """Each announcement names one of the platform's directions (the programme's `directions`)."""

    @model_validator(mode="after")
    def _unique_forms(self) -> Self:
        _unique(self.forms, "form")
        return self


class Attachment(_Definition):
    id: Identifier
    title: Text
    required: bool
    multiple: bool = False
    """Several files or links (e.g. the annual reports of each year)."""


class ApplicationKind(_Definition):
    title: Text
    fields: tuple[ApplicationField, ...]
    required_fields: tuple[ApplicationField, ...] = ()
    """Fields optional elsewhere that this regulation's form requires (e.g. `supervisor`)."""
    attachments: tuple[Attachment, ...] = ()

    @model_validator(mode="after")
    def _unique_entries(self) -> Self:
        _unique(self.fields, "field")
        _unique(self.required_fields, "required field")
        _unique((a.id for a in self.attachments), "attachment id")
        for field_id in self.required_fields:
            if field_id not in self.fields:
                raise ValueError(f"required field {field_id!r} is not among the fields")
        return self


class TerminationReason(_Definition):
    id: Identifier
    title: Text


class Applications(_Definition):
    assignment: ApplicationKind
    """Присвоение статуса."""
    extension: ApplicationKind | None = None
    """Продление."""
    completion: ApplicationKind | None = None
    """Завершение по окончании срока."""
    early_termination: ApplicationKind | None = None
    """Досрочное прекращение."""
    termination_reasons: tuple[TerminationReason, ...] = ()

    @model_validator(mode="after")
    def _reasons(self) -> Self:
        _unique((r.id for r in self.termination_reasons), "termination reason id")
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
        }
        return {name: kind for name, kind in kinds.items() if kind is not None}


class Reports(_Definition):
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
        _unique(self.report_fields, "report field")
        _unique(self.plan_fields, "plan field")
        return self

    @model_validator(mode="after")
    def _levels_with_their_field(self) -> Self:
        _unique(self.levels, "level")
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


class Materials(_Definition):
    types: tuple[Text, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_types(self) -> Self:
        _unique(self.types, "material type")
        return self


class ReminderRules(_Definition):
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


MAX_CRITERIA = 15
MAX_OUTCOMES = 8
"""Every answer of an expert conclusion travels in a button's callback data (64 bytes)."""


class Criterion(_Definition):
    id: Identifier
    title: Text


class ConclusionOutcome(_Definition):
    id: Identifier
    title: ButtonText
    permits_approval: bool = False
    """Staff may approve the application only after a conclusion with such an outcome."""


class ExpertConclusion(_Definition):
    """A structured conclusion the reviewer gives before an application for the status is approved."""

    title: Text
    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=MAX_CRITERIA)
    outcomes: tuple[ConclusionOutcome, ...] = Field(min_length=2, max_length=MAX_OUTCOMES)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique((c.id for c in self.criteria), "criterion id")
        _unique((o.id for o in self.outcomes), "outcome id")
        if not any(o.permits_approval for o in self.outcomes):
            raise ValueError("no outcome has permits_approval = true: nothing could be approved")
        return self


class ReviewRules(_Definition):
    expert_conclusion: ExpertConclusion | None = None
    """Asked on the card of an application for the status; approval waits for it."""


class RoleRules(_Definition):
    coordinator_appoints_mentors: bool = False
    """The coordinator of a platform invites mentors of their school themselves."""
    mentor_title: Literal["наставник", "тьютор"] = "наставник"
    """What the programme calls a mentor, in the texts about inviting one."""


class Monitoring(_Definition):
    """Indicators staff see with /indicators."""

    platforms_per_district_min: PositiveInt
    """Active platforms of the programme in each municipal district, at least."""
    conditions_met_percent: Annotated[int, Field(ge=1, le=100)]
    """Share of active platforms meeting the conditions declared at selection, target."""


class Programme(_Definition):
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
        _unique(self.directions, "direction")
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


# --- Loading -----------------------------------------------------------------------------------

Loc = tuple[str | int, ...]

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_BARE_OR_QUOTED = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _key_lines(lines: Sequence[str]) -> dict[Loc, int]:
    """Best effort: the line of each table and key, by its path as pydantic reports it."""
    found: dict[Loc, int] = {}
    arrays: dict[Loc, int] = {}  # array of tables -> index of its last element so far
    table: Loc = ()
    for number, line in enumerate(lines, start=1):
        if header := _HEADER.match(line):
            *parents, name = _split_key(header[2])
            path: Loc = ()
            for part in parents:
                path = (*path, part)
                if path in arrays:
                    path = (*path, arrays[path])
            path = (*path, name)
            if header[1] == "[[":
                arrays[path] = arrays.get(path, -1) + 1
                path = (*path, arrays[path])
            table = path
            found.setdefault(table, number)
        elif key := _KEY.match(line):
            found.setdefault((*table, *_split_key(key[1])), number)
    return found


def _line_of(loc: Loc, value: object, found: Mapping[Loc, int], lines: Sequence[str]) -> int | None:
    """The line of the deepest known part of `loc`; inside an array, the line holding `value`."""
    size = len(loc)
    while size and loc[:size] not in found:
        size -= 1
    if not size:
        return None
    number = found[loc[:size]]
    if size < len(loc) and isinstance(value, str) and value:
        for candidate in range(number, len(lines) + 1):
            line = lines[candidate - 1]
            if candidate > number and _HEADER.match(line):
                break
            if f'"{value}"' in line or f"'{value}'" in line:
                return candidate
    return number


def _describe(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (a typo?)"
    if error["type"] == "missing":
        return "missing"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and error["type"] != "value_error":
        message += f" (got {value!r})"
    return message


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or "(top level)"


def _problems(path: Path, text: str, exc: ValidationError) -> list[str]:
    lines = text.splitlines()
    found = _key_lines(lines)
    problems = []
    for error in exc.errors():
        line = _line_of(error["loc"], error.get("input"), found, lines)
        where = f"{path}:{line}" if line is not None else f"{path}"
        problems.append(f"{where}: {_dotted(error['loc'])}: {_describe(error)}")
    return problems


def load_programme(path: str | Path) -> Programme:
    """Read and validate a definition; any problem raises ProgrammeError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeError(path, [f"{path}: cannot read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise ProgrammeError(path, [f"{path}: not UTF-8 text"]) from exc
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = position[1] if position and position[1] else str(len(text.splitlines()))
        reason = message[: position.start()] if position else message
        raise ProgrammeError(path, [f"{path}:{line}: broken TOML: {reason}"]) from exc
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        raise ProgrammeError(path, _problems(path, text, exc)) from exc


def list_presets() -> list[str]:
    """The ids of the programmes shipped with the bot."""
    return sorted(file.stem for file in PRESETS_DIR.glob("*.toml"))


def preset_path(name: str) -> Path:
    path = PRESETS_DIR / f"{name}.toml"
    if name not in list_presets():
        known = ", ".join(list_presets())
        raise ProgrammeError(path, [f"{path}: no preset {name!r}; presets: {known}"])
    return path


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


def load_presets(names: Sequence[str]) -> Programmes:
    """The presets PROGRAMME lists, each validated; every problem of every file is reported."""
    problems: list[str] = []
    loaded: list[Programme] = []
    for name in dict.fromkeys(names):
        try:
            loaded.append(load_preset(name))
        except ProgrammeError as error:
            problems.extend(error.problems)
    if problems or not loaded:
        raise ProgrammeError(PRESETS_DIR, problems or ["PROGRAMME names no preset"])
    return Programmes(loaded)


def load_preset(name: str) -> Programme:
    path = preset_path(name)
    programme = load_programme(path)
    if programme.id != name:
        line = _key_lines(path.read_text(encoding="utf-8").splitlines()).get(("id",))
        raise ProgrammeError(
            path, [f"{path}:{line}: id: {programme.id!r} differs from the file name {name!r}"]
        )
    return programme
