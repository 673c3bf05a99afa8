"""No button is wider than a phone: every keyboard every preset can produce, built by the
functions the handlers use, has labels of at most 30 characters; what a label cannot hold is
listed in full in the message above it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.app import create_i18n
from handlers.programmes.windows import WindowAct, window_choice
from handlers.reminders import settings
from handlers.review.decisions import reason_buttons
from handlers.submissions import plan_events, preview, start
from handlers.submissions.answers.asking import keyboard
from handlers.ui.buttons import BUTTON_MAX
from handlers.ui.menu import menu_keyboard
from services.domain import SubmissionKind
from services.people.roles import Roles, SchoolRef
from services.programmes import windows
from services.programmes.loader import list_presets, load_preset, load_presets
from services.programmes.platforms import Target
from services.programmes.schema import Programme
from services.review.decisions import Decision
from services.submissions import forms
from services.submissions.fields import FieldSpec, FieldType
from services.submissions.forms import Form

ZONE = ZoneInfo("Europe/Moscow")
CTX = SimpleNamespace(
    clock=SimpleNamespace(now=lambda: datetime(2026, 12, 1, tzinfo=UTC)), zone=ZONE
)


@pytest.fixture(autouse=True, params=["ru", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(request.param):
        yield request.param


def _labels(markup: InlineKeyboardMarkup | ReplyKeyboardMarkup) -> list[str]:
    rows: Any = (
        markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else markup.keyboard
    )
    return [button.text for row in rows for button in row]


def _too_wide(markup: InlineKeyboardMarkup | ReplyKeyboardMarkup) -> list[str]:
    return [label for label in _labels(markup) if len(label) > BUTTON_MAX]


def _forms(programme: Programme) -> Iterator[Form]:
    for variant in programme.applications.kinds():
        yield forms.build(programme, SubmissionKind.APPLICATION, variant, {})
    for kind in (SubmissionKind.ANNOUNCEMENT, SubmissionKind.MATERIALS, SubmissionKind.PLAN):
        yield forms.build(programme, kind, "", {})
    context = {
        "events": [{"id": 1, "title": "Семинар"}],
        "indicators": [{"name": "Доля педагогов", "target": "50 %"}],
        "plan": [{"title": "Семинар", "dates": "декабрь", "responsible": "Иванова"}],
    }
    yield forms.build(programme, SubmissionKind.REPORT, "", context)


def _answers(field: FieldSpec) -> Iterator[dict[str, Any]]:
    """No answer yet, and an answer given (which adds «Оставить как есть» or ticks options)."""
    yield {}
    if field.type is FieldType.MULTI_CHOICE:
        yield {field.id: list(field.choices)}
    elif field.choices:
        yield {field.id: field.choices[-1]}
    elif field.type is FieldType.DATETIME:
        yield {field.id: "2026-12-15T10:00:00+03:00"}
    else:
        yield {field.id: "ответ"}


@pytest.mark.parametrize("preset", list_presets())
def test_every_question_of_every_form(preset: str) -> None:
    programme = load_preset(preset)
    checked = 0
    for form in _forms(programme):
        for field in form.fields:
            for values in _answers(field):
                snap: Any = SimpleNamespace(values=values, files={}, context={})
                markup = keyboard(field, snap, CTX)  # type: ignore[arg-type]
                assert _too_wide(markup) == [], f"{preset} {form.kind} {field.id}"
                checked += 1
        active = form.active({})
        assert _too_wide_edit(preview.edit_labels(form.fields, active)) == []
    assert checked > 20


def _too_wide_edit(shown: Any) -> list[str]:
    return [label for label in shown.labels if len(label) > BUTTON_MAX]


@pytest.mark.parametrize("preset", list_presets())
def test_long_options_are_listed_in_full_above_their_buttons(preset: str) -> None:
    programme = load_preset(preset)
    text, rows = start.application_kinds(programme)
    assert all(len(button.text) <= BUTTON_MAX for row in rows for button in row)
    titles = [kind.title for kind in programme.applications.kinds().values()]
    if any(len(title) > BUTTON_MAX for title in titles):
        assert all(f"{n}. {title}" in text for n, title in enumerate(titles, start=1))
    for roadmap in (False, True):
        for number, field in enumerate(plan_events.item_fields(programme, roadmap=roadmap), 1):
            asked, markup = plan_events.item_question(field, number)
            assert _too_wide(markup) == []
            assert all(choice in asked for choice in field.choices if len(choice) > BUTTON_MAX)


def test_choosing_a_programme_a_platform_and_a_window() -> None:
    programmes = load_presets(list_presets())
    targets = [Target(programme, None) for programme in programmes]
    text, markup = start.target_choice(targets)
    assert _too_wide(markup) == []
    assert all(programme.title in text for programme in programmes)
    found = windows.staff_windows(programmes)
    assert found
    staff_windows = list(enumerate(found * 2))  # a choice is offered when several fit
    for action in (WindowAct.OPEN, WindowAct.CLOSE):
        asked, choice = window_choice(staff_windows, action, "")
        assert _too_wide(choice) == []
        assert all(target.programme.title in asked for _n, target in staff_windows)


def test_review_reasons_settings_and_menus() -> None:
    for preset in list_presets():
        lead_days = load_preset(preset).announcements.lead_days
        for decision in (Decision.CHANGES, Decision.REJECT):
            _listing, markup = reason_buttons(1, decision, lead_days)
            assert _too_wide(markup) == []
    for muted in (False, True):
        assert _too_wide(settings._view(muted)[1]) == []
    school = SchoolRef(1, "Лицей")
    for roles in (
        Roles(),
        Roles(staff=True),
        Roles(mentor_of=(school,)),
        Roles(coordinator_of=(school,), appoints_mentors=(school,), mentor_title="тьютор"),
        Roles(coordinator_of=(school,), appoints_mentors=(school,)),
    ):
        assert _too_wide(menu_keyboard(roles)) == []
