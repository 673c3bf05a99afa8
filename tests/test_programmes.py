"""Programme definitions: the Krasnodar preset says what regulation 000 says; broken files are
refused with the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.calendar import DayMonth, YearlyWindow
from services.programmes.errors import ProgrammeError
from services.programmes.loader import list_presets, load_preset, load_programme, preset_path
from services.programmes.schema import KNOWN_APPLICATION_FIELDS, Programme

KRASNODAR = "krasnodar-digital"


@pytest.fixture(scope="module")
def krasnodar() -> Programme:
    return load_preset(KRASNODAR)


def _yearly(programme: Programme, name: str) -> YearlyWindow:
    window = getattr(programme.windows, name)
    assert window is not None and window.yearly is not None
    return window.yearly


def _required(programme: Programme, kind: str) -> set[str]:
    return {a.id for a in programme.applications.kinds()[kind].attachments if a.required}


# --- The Krasnodar preset ------------------------------------------------------------------------


def test_krasnodar_is_listed_and_loads(krasnodar: Programme) -> None:
    assert KRASNODAR in list_presets()
    assert preset_path(KRASNODAR).name == "krasnodar-digital.toml"
    assert krasnodar.id == KRASNODAR
    assert krasnodar.seed == "000_6fcc486ef5499699.txt"
    assert load_programme(preset_path(KRASNODAR)) == krasnodar


def test_application_window(krasnodar: Programme) -> None:
    """3.3: «с 01 июня по 30 июня текущего года подается заявка»."""
    assert _yearly(krasnodar, "application") == YearlyWindow(DayMonth(6, 1), DayMonth(6, 30))


def test_report_window(krasnodar: Programme) -> None:
    """5.4.1, табл. 1: отчёт за прошедший учебный год и план на предстоящий — «С 20 июня по 10 июля»."""
    assert _yearly(krasnodar, "report") == YearlyWindow(DayMonth(6, 20), DayMonth(7, 10))


def test_review_and_council_windows(krasnodar: Programme) -> None:
    """3.3: «с 01 июля по 31 августа» кафедры; «с 01 сентября по 31 октября» Ученый совет."""
    assert _yearly(krasnodar, "review") == YearlyWindow(DayMonth(7, 1), DayMonth(8, 31))
    assert _yearly(krasnodar, "council") == YearlyWindow(DayMonth(9, 1), DayMonth(10, 31))


def test_announcement_lead_days_and_forms(krasnodar: Programme) -> None:
    """5.4.1, табл. 1: анонсы «В течение года, за 10 дней до проведения мероприятия»; 4.3: формы."""
    assert krasnodar.announcements.lead_days == 10
    for form in ("семинар", "вебинар", "мастер-класс", "педагогическая мастерская", "другое"):
        assert form in krasnodar.announcements.forms


def test_term_extension_and_roadmap(krasnodar: Programme) -> None:
    """3.1: «действует в течение трех лет»; 3.9: продление «не более чем на один год»;
    5.4.1: дорожная карта «Не позднее 10 дней после публикации ... свидетельства»."""
    assert krasnodar.status.term_years == 3
    assert krasnodar.status.extension_max_years == 1
    assert krasnodar.status.roadmap_due_days_after_certificate == 10


def test_council_list_closes_ten_days_before(krasnodar: Programme) -> None:
    """3.6, 3.9.4: формирование списка претендентов «прекращается за 10 дней до проведения
    заседания Ученого совета»."""
    assert krasnodar.council is not None
    assert krasnodar.council.applicants_list_closes_days_before == 10


def test_assignment_package(krasnodar: Programme) -> None:
    """3.3–3.5: заявка (прил. 1) с указанием цифровых ресурсов и согласованием с муниципальным
    органом, аналитическая справка (прил. 2), план работы (дорожная карта) (прил. 3)."""
    assert _required(krasnodar, "assignment") == {"application", "analytical_note", "roadmap"}
    fields = krasnodar.applications.assignment.fields
    assert {"full_name", "digital_resources", "municipal_agreement"} <= set(fields)


def test_extension_package(krasnodar: Programme) -> None:
    """3.9.1: заявка на продление, план на предстоящий год, ежегодные отчёты, методические материалы."""
    assert _required(krasnodar, "extension") == {
        "extension_application",
        "next_year_plan",
        "annual_reports",
        "methodical_materials",
    }
    extension = krasnodar.applications.extension
    assert extension is not None and "municipal_agreement" in extension.fields


def test_completion_and_early_termination_packages(krasnodar: Programme) -> None:
    """3.10.1: ежегодные отчёты и методические материалы; 3.12: заявка о досрочном завершении и
    ежегодные отчёты; 3.11: три основания досрочного прекращения."""
    assert _required(krasnodar, "completion") == {"annual_reports", "methodical_materials"}
    assert _required(krasnodar, "early_termination") == {
        "termination_application",
        "annual_reports",
    }
    reasons = {r.id for r in krasnodar.applications.termination_reasons}
    assert reasons == {"obligations_not_met", "staff_changes", "own_initiative"}


def test_materials_types(krasnodar: Programme) -> None:
    """3.9.1, 5.3: «публикации, статьи, сборники, инструкции и пр.»."""
    assert {"публикация", "статья", "сборник", "инструкция"} <= set(krasnodar.materials.types)


def test_definitions_are_frozen(krasnodar: Programme) -> None:
    with pytest.raises(ValidationError):
        krasnodar.status.term_years = 5  # type: ignore[misc]


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(ProgrammeError, match="no preset 'nowhere'"):
        load_preset("nowhere")


# --- Broken definitions --------------------------------------------------------------------------


def _preset_text() -> str:
    return preset_path(KRASNODAR).read_text(encoding="utf-8")


def _write_changed(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The preset with one change, and the line the change is on."""
    text = _preset_text()
    assert text.count(old) == 1, old
    changed = text.replace(old, new)
    path = tmp_path / "broken-programme.toml"
    path.write_text(changed, encoding="utf-8")
    line = changed[: changed.index(new)].count("\n") + 1
    return path, line


def _error(path: Path) -> str:
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path)
    return str(caught.value)


def test_typo_key_names_file_line_and_key(tmp_path: Path) -> None:
    path, line = _write_changed(tmp_path, "term_years = 3", "term_yeras = 3")
    message = _error(path)
    assert f"broken-programme.toml:{line}:" in message
    assert "status.term_yeras: unknown key" in message


def test_impossible_date_names_file_line_and_date(tmp_path: Path) -> None:
    path, line = _write_changed(tmp_path, 'end = "06-30"', 'end = "02-30"')
    message = _error(path)
    assert f"broken-programme.toml:{line}:" in message
    assert "windows.application.end: no such day of the year: 02-30" in message


def test_malformed_date_is_refused(tmp_path: Path) -> None:
    path, line = _write_changed(tmp_path, 'start = "06-20"', 'start = "20.06"')
    message = _error(path)
    assert f"broken-programme.toml:{line}: windows.report.start:" in message
    assert '"MM-DD"' in message


def test_leap_day_is_accepted(tmp_path: Path) -> None:
    path, _ = _write_changed(tmp_path, 'end = "08-31"', 'end = "02-29"')
    review = load_programme(path).windows.review
    assert review is not None and review.end == DayMonth(2, 29)


def test_unknown_field_id_names_its_own_line(tmp_path: Path) -> None:
    path, line = _write_changed(tmp_path, '    "topic",\n', '    "topik",\n')
    message = _error(path)
    assert f"broken-programme.toml:{line}:" in message
    assert "applications.assignment.fields[6]: unknown application field 'topik'" in message
    assert "topik" not in KNOWN_APPLICATION_FIELDS


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    path, line = _write_changed(tmp_path, "lead_days = 10", "lead_days = = 10")
    message = _error(path)
    assert message.startswith(f"{path}:{line}: broken TOML: ")


def test_window_with_dates_and_staff_opening_is_refused(tmp_path: Path) -> None:
    path, line = _write_changed(
        tmp_path,
        'title = "Заседание Учёного совета Института"',
        'title = "Совет"\nopened_by_staff = true',
    )
    header = line - 1  # the problem is the table as a whole: its [windows.council] line
    message = _error(path)
    assert f"broken-programme.toml:{header}: windows.council: give either start and end" in message


def test_window_opened_by_staff_needs_no_dates(tmp_path: Path) -> None:
    """LOIRO: the application window is opened by the Committee's order, not by dates."""
    path, _ = _write_changed(tmp_path, 'start = "06-01"\nend = "06-30"', "opened_by_staff = true")
    window = load_programme(path).windows.application
    assert window is not None and window.opened_by_staff and window.yearly is None


def test_duplicate_attachment_id_is_refused(tmp_path: Path) -> None:
    path, _ = _write_changed(tmp_path, 'id = "analytical_note"', 'id = "application"')
    assert "attachment id 'application' is listed twice" in _error(path)


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    text = _preset_text().replace("term_years = 3", "term_years = 0")
    text = text.replace("lead_days = 10", "lead_days = 10\nlead_hours = 2")
    path = tmp_path / "two-problems.toml"
    path.write_text(text, encoding="utf-8")
    lines = _error(path).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert any("status.term_years: Input should be greater than 0 (got 0)" in ln for ln in lines)
    assert any("announcements.lead_hours: unknown key" in ln for ln in lines)


def test_preset_id_must_match_its_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _preset_text()
    (tmp_path / "other.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr("services.programmes.loader.PRESETS_DIR", tmp_path)
    assert list_presets() == ["other"]
    line = text.splitlines().index('id = "krasnodar-digital"') + 1
    with pytest.raises(ProgrammeError, match=rf"other\.toml:{line}: id: 'krasnodar-digital'"):
        load_preset("other")
