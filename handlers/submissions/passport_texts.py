"""How a programme passport reads: stages with their periods, indicators, stage reports."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from aiogram import html
from aiogram.utils.i18n import gettext as _

from handlers.submissions import texts
from services.domain import SubmissionKind
from services.programmes.roadmaps import ROADMAP
from services.submissions.fields import FieldError
from services.submissions.passport import Stage, stage_of
from services.submissions.stage_reports import Problem
from storage.models import Submission


def _month(number: int) -> str:
    names = (
        _("январь"), _("февраль"), _("март"), _("апрель"), _("май"), _("июнь"),
        _("июль"), _("август"), _("сентябрь"), _("октябрь"), _("ноябрь"), _("декабрь"),
    )  # fmt: skip
    return names[number - 1]


def period(stage: Stage) -> str:
    """«февраль 2021 – март 2022» for whole months, «01.09.2020 – 15.01.2021» otherwise."""
    start, end = stage.start, stage.end
    if not stage.whole_months:
        if start == end:
            return start.strftime("%d.%m.%Y")
        return f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{_month(start.month)} {start.year}"
    if start.year == end.year:
        return f"{_month(start.month)} – {_month(end.month)} {end.year}"
    return f"{_month(start.month)} {start.year} – {_month(end.month)} {end.year}"


def stage_lines(items: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(
        f"{n}. {stage.name}: {period(stage)}"
        for n, stage in enumerate((stage_of(item) for item in items), start=1)
    )


def indicator_lines(items: Sequence[Mapping[str, Any]]) -> str:
    """«1. Доля уроков с ЭОР — не менее 50 % (измеритель: анализ уроков; ответственный: …)»."""
    lines = []
    for n, item in enumerate(items, start=1):
        line = (
            f"{n}. {item['name']} — {item['target']}"
            if item.get("target")
            else f"{n}. {item['name']}"
        )
        if item.get("measurer") or item.get("responsible"):
            line += " " + _("(измеритель: {measurer}; ответственный: {responsible})").format(
                measurer=item.get("measurer") or "—", responsible=item.get("responsible") or "—"
            )
        lines.append(line)
    return "\n".join(lines)


def base_lines(items: Sequence[Mapping[str, Any]]) -> str:
    """«1. МАОУ ХСОШ № 2: компьютерный класс — учителя школы», one school a line."""
    return "\n".join(
        f"{n}. {item['school']}: {item['equipment']} — {item['staff']}"
        for n, item in enumerate(items, start=1)
    )


def _stage(submission: Submission) -> dict[str, Any] | None:
    stage = json.loads(submission.context).get("stage")
    return stage if isinstance(stage, dict) else None


def stage_kind(stage: Mapping[str, Any]) -> str:
    return _("Итоговый отчёт") if stage.get("final") else _("Промежуточный отчёт")


def stage_name(stage: Mapping[str, Any]) -> str:
    """«этап 2 «Организационно-деятельностный» (февраль 2021 – март 2022)»."""
    return _("этап {number} «{name}» ({period})").format(
        number=stage["index"], name=stage["name"], period=period(stage_of(stage))
    )


def kind_of(submission: Submission) -> str:
    """The kind as people call it: a stage report says whether it is interim or final, the
    roadmap is named as such."""
    stage = _stage(submission)
    if stage:
        return stage_kind(stage)
    if submission.kind is SubmissionKind.PLAN and submission.variant == ROADMAP:
        return _("Дорожная карта")
    return texts.kind_name(submission.kind)


def title_of(submission: Submission) -> str:
    """«Промежуточный отчёт: этап 2 «…» (февраль 2021 – март 2022)»; else the kind."""
    stage = _stage(submission)
    if stage is None:
        return kind_of(submission)
    return f"{stage_kind(stage)}: {stage_name(stage)}"


def stage_details(submission: Submission) -> str:
    """For the staff card: which stage, of how many, and the report's deadline."""
    stage = _stage(submission)
    if stage is None:
        return ""
    return _("Этап {number} из {count} «{name}» ({period}), срок отчёта — {deadline}").format(
        number=stage["index"],
        count=stage["count"],
        name=stage["name"],
        period=period(stage_of(stage)),
        deadline=date.fromisoformat(stage["deadline"]).strftime("%d.%m.%Y"),
    )


def refusal(error: FieldError) -> str | None:
    """Why a line of stages or indicators was refused, naming the line; None: not ours."""
    params = error.params
    reasons = {
        "stage_no_colon": _("нет двоеточия между названием этапа и сроками."),
        "stage_no_name": _("перед двоеточием нужно название этапа."),
        "stage_name_too_long": _("название этапа длиннее {limit} символов."),
        "stage_no_dates": _("после двоеточия нужны сроки, например 09.2020 – 01.2021."),
        "stage_date": _("не понял дату «{date}». Пишите 01.09.2020 или месяцем: 09.2020."),
        "stage_no_such_date": _("даты «{date}» нет в календаре."),
        "stage_end_before_start": _("конец этапа ({end}) раньше его начала ({start})."),
        "stage_overlap": _(
            "этап начинается {start}, а предыдущий кончается {previous_end}. Этапы пишутся "
            "по порядку и не пересекаются."
        ),
        "indicator_no_name": _("перед тире нужно название показателя."),
        "indicator_no_measurer": _(
            "после показателя через точку с запятой нужны измеритель и ответственный: "
            "«… — не менее 50 %; анализ уроков; завучи по НМР»."
        ),
        "base_no_colon": _("нет двоеточия между названием школы и её базой."),
        "base_no_school": _("перед двоеточием нужно название школы."),
        "base_no_staff": _(
            "после двоеточия нужны оборудование и, через тире, кадры: «компьютерный класс — "
            "учителя школы»."
        ),
        "base_too_long": _("название школы, оборудование или кадры длиннее {limit} символов."),
        "indicator_too_long": _("название или целевое значение длиннее {limit} символов."),
    }
    if error.reason == "lines_too_many":
        return _("Слишком много строк: не больше {limit}.").format(limit=params["limit"])
    if error.reason not in reasons:
        return None
    shown = {
        key: value.strftime("%d.%m.%Y") if isinstance(value, date) else html.quote(str(value))
        for key, value in params.items()
    }
    return _("Строка {line} («{text}»): {problem}").format(
        line=params["line"],
        text=shown["text"],
        problem=reasons[error.reason].format(**shown),
    )


def no_stage_report(problem: Problem) -> str:
    """Why there is no stage report to fill in now."""
    if problem is Problem.ALL_GIVEN:
        return _(
            "Отчёты по всем этапам программы, включая итоговый, уже отправлены. "
            "Их статусы — в «📂 Мои документы»."
        )
    if problem is Problem.NO_STAGES:
        return _(
            "В одобренной заявке площадки нет этапов программы, поэтому сроки отчётов не "
            "определены. Обратитесь к сотрудникам."
        )
    return _(
        "Отчёты этой программы сдаются после каждого её этапа. Они откроются, когда будет "
        "записан приказ о присвоении статуса по одобренной заявке площадки."
    )
