"""Forms as data: which questions a submission asks, in what order, built from the programme.

The dialog asks `Form.fields` one by one (skipping those whose `when` does not hold); the
wording of each question lives with the handlers, the rules here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from services.domain import SubmissionKind
from services.programmes.schema import Programme
from services.submissions.fields import FieldSpec, FieldType, is_answered
from storage.models import Person, School

T, LT, CH, DT, URL, CT, NUM, YN, FL, EV = (
    FieldType.TEXT,
    FieldType.LONG_TEXT,
    FieldType.CHOICE,
    FieldType.DATETIME,
    FieldType.URL,
    FieldType.CONTACTS,
    FieldType.NUMBER,
    FieldType.YES_NO,
    FieldType.FILES,
    FieldType.EVENTS,
)

APPLICATION_FIELDS: Mapping[str, FieldSpec] = {
    "full_name": FieldSpec("full_name", T),
    "legal_address": FieldSpec("legal_address", T),
    "municipality": FieldSpec("municipality", T),
    "contacts": FieldSpec("contacts", CT),
    "head": FieldSpec("head", T),
    "platform_head": FieldSpec("platform_head", T),
    "supervisor": FieldSpec("supervisor", T, optional=True),
    "topic": FieldSpec("topic", T),
    "digital_resources": FieldSpec("digital_resources", LT),
    "municipal_agreement": FieldSpec("municipal_agreement", YN),
    "network_schools": FieldSpec("network_schools", FieldType.NETWORK),
    "goal": FieldSpec("goal", LT),
    "tasks": FieldSpec("tasks", LT),
    "stages": FieldSpec("stages", FieldType.STAGES),
    "activities": FieldSpec("activities", EV),
    "expected_results": FieldSpec("expected_results", LT),
    "indicators": FieldSpec("indicators", FieldType.INDICATORS),
    "risks": FieldSpec("risks", LT),
    "network_plan": FieldSpec("network_plan", EV),
    "developers": FieldSpec("developers", LT),
    "grounds": FieldSpec("grounds", LT),
    "executors": FieldSpec("executors", LT),
    "base": FieldSpec("base", FieldType.BASE),
    "trainees": FieldSpec("trainees", LT),
    "training_needs": FieldSpec("training_needs", LT),
    "training_dates": FieldSpec("training_dates", T),
}
AGREEMENT_FILE = FieldSpec(
    "file:municipal_agreement", FL, optional=True, when=("municipal_agreement", True)
)
AGREEMENT_MISSING = FieldSpec("municipal_agreement_note", LT, when=("municipal_agreement", False))
"""After «Нет»: what the regulation expects is said, and where the agreement stands is asked;
staff see it on the card (Krasnodar 3.4, 3.9)."""

ANNOUNCEMENT_TAIL = (
    FieldSpec("event_at", DT),
    FieldSpec("place", T),
    FieldSpec("audience", T),
    FieldSpec("registration", URL, optional=True),
    FieldSpec("description", LT),
)

REPORT_TEXT_FIELDS = ("indicator_results", "materials", "publications", "problems", "proposals")
REPORT_OPTIONAL = frozenset({"materials", "publications", "problems", "proposals"})

PLAN_EVENT_FIELDS = ("title", "form", "dates", "responsible", "expected_result")
ACTIVITY_FIELDS = ("title", "dates", "responsible")
"""One activity of a programme passport's plan (the application's `activities`)."""


@dataclass(frozen=True)
class Form:
    kind: SubmissionKind
    variant: str
    fields: tuple[FieldSpec, ...]

    def active(self, values: Mapping[str, Any]) -> list[FieldSpec]:
        return [f for f in self.fields if f.when is None or values.get(f.when[0]) == f.when[1]]

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def position(self, field_id: str, values: Mapping[str, Any]) -> tuple[int, int]:
        """1-based number of the step and how many there are now."""
        active = self.active(values)
        ids = [f.id for f in active]
        return (ids.index(field_id) + 1 if field_id in ids else 0), len(active)

    def after(self, field_id: str | None, values: Mapping[str, Any]) -> FieldSpec | None:
        active = self.active(values)
        if field_id is None:
            return active[0] if active else None
        ids = [f.id for f in active]
        index = ids.index(field_id) if field_id in ids else -1
        return active[index + 1] if index + 1 < len(active) else None

    def before(self, field_id: str, values: Mapping[str, Any]) -> FieldSpec | None:
        ids = [f.id for f in self.active(values)]
        if field_id not in ids or ids.index(field_id) == 0:
            return None
        return self.active(values)[ids.index(field_id) - 1]

    def missing(self, values: Mapping[str, Any], files: Mapping[str, int]) -> list[str]:
        """Ids of required questions without an answer, plus rules of the kind."""
        absent = [
            f.id
            for f in self.active(values)
            if not f.optional and not is_answered(f, values.get(f.id), files.get(f.id, 0))
        ]
        if self.kind is SubmissionKind.MATERIALS and not (values.get("link") or files.get("files")):
            absent.append("link_or_files")
        if self.kind is SubmissionKind.PLAN and not (
            values.get("events") or files.get("plan_file")
        ):
            absent.append("events_or_file")
        return absent


def build(
    programme: Programme, kind: SubmissionKind, variant: str, context: Mapping[str, Any]
) -> Form:
    if kind is SubmissionKind.APPLICATION:
        return Form(kind, variant, _application(programme, variant))
    if kind is SubmissionKind.ANNOUNCEMENT:
        head: tuple[FieldSpec, ...] = (
            FieldSpec("title", T),
            FieldSpec("form", CH, choices=programme.announcements.forms),
        )
        if programme.announcements.ask_direction:
            head += (FieldSpec("direction", CH, choices=event_directions(programme, context)),)
        return Form(kind, variant, head + ANNOUNCEMENT_TAIL)
    if kind is SubmissionKind.MATERIALS:
        return Form(
            kind,
            variant,
            (
                FieldSpec("title", T),
                FieldSpec("material_type", CH, choices=programme.materials.types),
                FieldSpec("link", URL, optional=True),
                FieldSpec("files", FL, optional=True),
            ),
        )
    if kind is SubmissionKind.REPORT:
        return Form(
            kind,
            variant,
            _report(
                programme,
                context.get("events", ()),
                context.get("indicators", ()),
                plan=context.get("plan", ()),
            ),
        )
    return Form(
        kind,
        variant,
        (FieldSpec("events", EV, optional=True), FieldSpec("plan_file", FL, optional=True)),
    )


def _application(programme: Programme, variant: str) -> tuple[FieldSpec, ...]:
    kind = programme.applications.kinds()[variant]
    fields: list[FieldSpec] = []
    for field_id in kind.fields:
        if field_id == "directions":
            fields.append(
                FieldSpec("directions", FieldType.MULTI_CHOICE, choices=programme.directions)
            )
            continue
        if field_id == "termination_reason":
            reasons = tuple(r.title for r in programme.applications.termination_reasons)
            fields.append(FieldSpec("termination_reason", CH, choices=reasons))
            continue
        spec = APPLICATION_FIELDS[field_id]
        if field_id in kind.required_fields or field_id in kind.optional_fields:
            spec = replace(spec, optional=field_id in kind.optional_fields)
        fields.append(spec)
        if field_id == "municipal_agreement":
            fields += [AGREEMENT_FILE, AGREEMENT_MISSING]
    for attachment in kind.attachments:
        fields.append(
            FieldSpec(
                f"file:{attachment.id}",
                FL,
                optional=not attachment.required,
                title=attachment.title,
                multiple=attachment.multiple,
            )
        )
    return tuple(fields)


def _report(
    programme: Programme,
    events: Sequence[Mapping[str, Any]],
    indicators: Sequence[Mapping[str, str]],
    plan: Sequence[Mapping[str, str]] = (),
) -> tuple[FieldSpec, ...]:
    fields: list[FieldSpec] = []
    wanted = programme.reports.report_fields
    if "participants" in wanted:
        fields += [
            FieldSpec(f"participants:{event['id']}", NUM, title=event["title"]) for event in events
        ]
    if "plan_completion" in wanted:
        # «Отчёт о выполнении» of each event of the approved plan-schedule (LOIRO, прил. 3).
        fields += [
            FieldSpec(
                f"plan_completion:{n}",
                LT,
                title=item.get("title", ""),
                detail=", ".join(filter(None, (item.get("dates"), item.get("responsible")))),
            )
            for n, item in enumerate(plan, start=1)
        ]
    if "participation_levels" in wanted:
        fields += participation_fields(programme.reports.levels)
    if "indicator_values" in wanted:
        fields += [
            FieldSpec(
                f"indicator:{n}",
                LT,
                title=item["name"],
                detail=item.get("target", ""),
                hint="; ".join(filter(None, (item.get("measurer"), item.get("responsible")))),
            )
            for n, item in enumerate(indicators, start=1)
        ]
    fields += [
        FieldSpec(name, LT, optional=name in REPORT_OPTIONAL)
        for name in REPORT_TEXT_FIELDS
        if name in wanted
    ]
    fields.append(FieldSpec("report_file", FL))
    return tuple(fields)


def event_directions(programme: Programme, context: Mapping[str, Any]) -> tuple[str, ...]:
    """What an event may be about: the directions the platform chose, else all of them."""
    chosen = [d for d in context.get("directions") or () if d in programme.directions]
    return tuple(chosen) or programme.directions


PARTICIPANTS = ("teachers", "pupils")


def participation_fields(levels: Sequence[str]) -> list[FieldSpec]:
    """Two counts per level of events: `participation:<n>:teachers` and `...:pupils`."""
    return [
        FieldSpec(f"participation:{n}:{who}", NUM, title=level)
        for n, level in enumerate(levels)
        for who in PARTICIPANTS
    ]


def prefill(
    form: Form, school: School, person: Person, context: Mapping[str, Any]
) -> dict[str, Any]:
    """What the bot already knows, offered for confirmation instead of being asked anew."""
    contacts = ", ".join(part for part in (school.phone, school.email) if part)
    known = {
        "full_name": school.name,
        "legal_address": school.address,
        "municipality": school.district,
        "contacts": contacts,
        "platform_head": person.full_name,
    }
    if form.kind is SubmissionKind.REPORT:
        known_report: dict[str, Any] = {
            f"participants:{event['id']}": event["participants"]
            for event in context.get("events", ())
            if event.get("participants") is not None
        }
        if context.get("materials") and form.field("materials"):
            known_report["materials"] = "; ".join(context["materials"])
        return known_report
    if form.kind is not SubmissionKind.APPLICATION:
        return {}
    return {f.id: known[f.id] for f in form.fields if known.get(f.id)}
