"""Forms built from the Krasnodar preset: which questions, in which order, what is required."""

from __future__ import annotations

from services.domain import SubmissionKind
from services.programmes.loader import load_preset
from services.submissions.forms import build

KRASNODAR = load_preset("krasnodar-digital")


def test_application_for_status_asks_the_fields_then_the_package() -> None:
    form = build(KRASNODAR, SubmissionKind.APPLICATION, "assignment", {})
    ids = [f.id for f in form.active({})]
    assert ids[:9] == [
        "full_name", "legal_address", "municipality", "contacts", "head",
        "platform_head", "topic", "digital_resources", "municipal_agreement",
    ]  # fmt: skip
    assert ids[9:] == ["file:application", "file:analytical_note", "file:roadmap"]
    assert "file:municipal_agreement" in [f.id for f in form.active({"municipal_agreement": True})]
    assert form.position("topic", {}) == (7, 12)


def test_required_answers_and_files() -> None:
    form = build(KRASNODAR, SubmissionKind.APPLICATION, "early_termination", {})
    values = {"full_name": "Школа", "contacts": "a@b.ru", "head": "И", "platform_head": "П"}
    assert form.missing(values, {}) == [
        "termination_reason",
        "file:termination_application",
        "file:annual_reports",
    ]
    values["termination_reason"] = KRASNODAR.applications.termination_reasons[0].title
    assert form.missing(values, {"file:termination_application": 1, "file:annual_reports": 2}) == []


def test_materials_need_a_link_or_files_and_plans_events_or_a_file() -> None:
    materials = build(KRASNODAR, SubmissionKind.MATERIALS, "", {})
    base = {"title": "Сборник", "material_type": "сборник"}
    assert materials.missing(base, {}) == ["link_or_files"]
    assert materials.missing({**base, "link": "https://x.ru"}, {}) == []
    assert materials.missing(base, {"files": 1}) == []
    plan = build(KRASNODAR, SubmissionKind.PLAN, "", {})
    assert plan.missing({}, {}) == ["events_or_file"]
    assert plan.missing({"events": [{"title": "Семинар"}]}, {}) == []


def test_report_asks_participants_of_each_known_event() -> None:
    context = {"events": [{"id": 7, "title": "Семинар"}, {"id": 9, "title": "Вебинар"}]}
    form = build(KRASNODAR, SubmissionKind.REPORT, "", context)
    ids = [f.id for f in form.active({})]
    assert ids[:2] == ["participants:7", "participants:9"]
    assert ids[-1] == "report_file"
    assert form.missing({}, {}) == [
        "participants:7",
        "participants:9",
        "indicator_results",
        "report_file",
    ]
