"""The structured parts of a programme passport: its stages with dates and its indicators.

Typed as one item per line; a refused answer names the line and what is wrong with it.
Stored in the submission's values as lists of plain dicts (dates as ISO strings).
"""

from __future__ import annotations

import calendar as month_grid
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.submissions.fields import TEXT_MAX, FieldError

ITEMS_MAX = 30
NAME_MAX = 300
LINE_SHOWN = 80
"""How much of a refused line the answer quotes."""

_BULLET = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[-•*·]\s*)")
_RANGE = re.compile(r"^(\S+?)\s*[–—-]\s*(\S+)$")
_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")
_TARGET = re.compile(r"(?:^|\s+)[—–-]\s+")
_QUOTES = {"«": 1, "»": -1, "“": 1, "”": -1}


@dataclass(frozen=True)
class Stage:
    name: str
    start: date
    end: date

    @property
    def whole_months(self) -> bool:
        """Given as months (the 1st to the last day of a month): shown as months too."""
        last = month_grid.monthrange(self.end.year, self.end.month)[1]
        return self.start.day == 1 and self.end.day == last

    def as_value(self) -> dict[str, str]:
        return {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Indicator:
    name: str
    target: str
    """Empty for a qualitative indicator."""
    measurer: str = ""
    """How it is measured («Измерители», L416): an analytical note, a monitoring..."""
    responsible: str = ""
    """Who measures it («Ответственные», L417)."""

    def as_value(self) -> dict[str, str]:
        return {
            "name": self.name,
            "target": self.target,
            "measurer": self.measurer,
            "responsible": self.responsible,
        }


@dataclass(frozen=True)
class BaseSchool:
    """One school of the platform's base (L135–157): its equipment and its staff."""

    school: str
    equipment: str
    staff: str

    def as_value(self) -> dict[str, str]:
        return {"school": self.school, "equipment": self.equipment, "staff": self.staff}


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-empty lines with their 1-based numbers, list markers ("1.", "-", "•") dropped.

    An en or em dash opening a line is kept: before an indicator's target it means the
    indicator's name is missing.
    """
    if len(text) > TEXT_MAX:
        raise FieldError("too_long", limit=TEXT_MAX, length=len(text))
    found = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(_BULLET.sub("", raw, count=1).split())
        if line:
            found = True
            yield number, line
    if not found:
        raise FieldError("empty")


def _refuse(reason: str, number: int, line: str, **params: Any) -> FieldError:
    shown = line if len(line) <= LINE_SHOWN else line[: LINE_SHOWN - 1] + "…"
    return FieldError(reason, line=number, text=shown, **params)


def _day(token: str, number: int, line: str, end: bool) -> date:
    """dd.mm.yyyy as that day; mm.yyyy as the month's first day (or last, for an end)."""
    try:
        if match := _DAY.match(token):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _MONTH.match(token):
            year, month = int(match[2]), int(match[1])
            day = month_grid.monthrange(year, month)[1] if end else 1
            return date(year, month, day)
    except ValueError as error:
        raise _refuse("stage_no_such_date", number, line, date=token) from error
    raise _refuse("stage_date", number, line, date=token)


def _period(text: str, number: int, line: str) -> tuple[date, date]:
    text = text.strip().removesuffix(".").strip()
    if match := _RANGE.match(text):
        return _day(match[1], number, line, end=False), _day(match[2], number, line, end=True)
    return _day(text, number, line, end=False), _day(text, number, line, end=True)


def parse_stages(text: str) -> list[dict[str, str]]:
    """«Подготовительный: 01.09.2020 – 31.01.2021» per line, in order, not overlapping."""
    stages: list[Stage] = []
    for number, line in _lines(text):
        name, colon, period = line.rpartition(":")
        if not colon:
            raise _refuse("stage_no_colon", number, line)
        name = name.strip()
        if not name:
            raise _refuse("stage_no_name", number, line)
        if len(name) > NAME_MAX:
            raise _refuse("stage_name_too_long", number, line, limit=NAME_MAX)
        if not period.strip():
            raise _refuse("stage_no_dates", number, line)
        start, end = _period(period, number, line)
        if end < start:
            raise _refuse("stage_end_before_start", number, line, start=start, end=end)
        if stages and start <= stages[-1].end:
            raise _refuse("stage_overlap", number, line, start=start, previous_end=stages[-1].end)
        stages.append(Stage(name, start, end))
        if len(stages) > ITEMS_MAX:
            raise FieldError("lines_too_many", limit=ITEMS_MAX)
    return [stage.as_value() for stage in stages]


def parse_indicators(text: str) -> list[dict[str, str]]:
    """«Доля уроков с ЭОР — не менее 50 %; анализ уроков; завучи по НМР» per line: the
    indicator and its target (which may be absent), its measurer, who is responsible."""
    indicators: list[Indicator] = []
    for number, line in _lines(text):
        parts = [part.strip(" .") for part in _outside_quotes(line, ";")]
        name, target = _split_target(parts[0])
        if not name:
            raise _refuse("indicator_no_name", number, line)
        if len(parts) < 3 or not parts[1] or not parts[2]:
            raise _refuse("indicator_no_measurer", number, line)
        measurer, responsible = parts[1], "; ".join(parts[2:])
        if any(len(part) > NAME_MAX for part in (name, target, measurer, responsible)):
            raise _refuse("indicator_too_long", number, line, limit=NAME_MAX)
        indicators.append(Indicator(name, target, measurer, responsible))
        if len(indicators) > ITEMS_MAX:
            raise FieldError("lines_too_many", limit=ITEMS_MAX)
    return [indicator.as_value() for indicator in indicators]


def parse_base(text: str) -> list[dict[str, str]]:
    """«МАОУ ХСОШ № 2: компьютерный класс, интерактивные доски — учителя школы» per line: the
    school, its equipment (before the dash) and its staff (after it)."""
    base: list[BaseSchool] = []
    for number, line in _lines(text):
        found = _outside_quotes(line, ":", limit=1)
        if len(found) < 2:
            raise _refuse("base_no_colon", number, line)
        school = found[0].strip()
        equipment, staff = _split_target(found[1])
        if not school:
            raise _refuse("base_no_school", number, line)
        if not equipment or not staff:
            raise _refuse("base_no_staff", number, line)
        if any(len(part) > NAME_MAX for part in (school, equipment, staff)):
            raise _refuse("base_too_long", number, line, limit=NAME_MAX)
        base.append(BaseSchool(school, equipment, staff))
        if len(base) > ITEMS_MAX:
            raise FieldError("lines_too_many", limit=ITEMS_MAX)
    return [item.as_value() for item in base]


def _outside_quotes(line: str, separator: str, limit: int = -1) -> list[str]:
    """The line split at `separator` where it is not inside «quotes» (a school's name)."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(line):
        depth += _QUOTES.get(char, 0)
        if char == separator and depth <= 0 and (limit < 0 or len(parts) < limit):
            parts.append(line[start:index])
            start = index + 1
    return [*parts, line[start:]]


def _split_target(line: str) -> tuple[str, str]:
    """At the last dash between spaces that is not inside «quotes»: the name and the target."""
    cut = None
    for match in _TARGET.finditer(line):
        before = line[: match.start()]
        if sum(_QUOTES.get(char, 0) for char in before) <= 0:
            cut = match
    if cut is None:
        return line.strip(" .;"), ""
    return line[: cut.start()].strip(" .;"), line[cut.end() :].strip(" .;")


def stages_of(values: Mapping[str, Any]) -> list[Stage]:
    """The stages an application's values hold (what `parse_stages` stored)."""
    found = values.get("stages")
    if not isinstance(found, list):
        return []
    return [stage_of(item) for item in found if isinstance(item, dict)]


def stage_of(item: Mapping[str, Any]) -> Stage:
    return Stage(
        str(item["name"]), date.fromisoformat(item["start"]), date.fromisoformat(item["end"])
    )


def indicators_of(values: Mapping[str, Any]) -> list[Indicator]:
    found = values.get("indicators")
    if not isinstance(found, list):
        return []
    return [
        Indicator(
            str(item.get("name", "")),
            str(item.get("target", "")),
            str(item.get("measurer", "")),
            str(item.get("responsible", "")),
        )
        for item in found
        if isinstance(item, dict) and item.get("name")
    ]
