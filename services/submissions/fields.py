"""The kinds of answers a form can ask for, and how typed text becomes a value.

A failure names its reason (and parameters), so the reply can say exactly what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

TITLE_MAX = 200
TEXT_MAX = 3000
NUMBER_MAX = 1_000_000


class FieldType(StrEnum):
    TEXT = "text"  # one line, up to 200 characters
    LONG_TEXT = "long_text"  # up to 3000 characters
    CHOICE = "choice"  # one of the options, by buttons
    DATETIME = "datetime"  # date picker or "25.12.2026 10:00"
    URL = "url"
    CONTACTS = "contacts"  # phone and/or e-mail in free form
    NUMBER = "number"  # a whole number ≥ 0
    YES_NO = "yes_no"
    FILES = "files"  # documents and photos, "Готово" ends them
    EVENTS = "events"  # a list of planned events, one by one
    NETWORK = "network"  # schools of a network: [{"school_id", "year", "name"}], one by one
    MULTI_CHOICE = "multi_choice"  # several of the options, toggled by buttons
    STAGES = "stages"  # «Этап: 01.09.2020 – 31.01.2021» per line (services.passport)
    INDICATORS = "indicators"  # «Показатель — цель; измеритель; ответственный» per line
    BASE = "base"  # «Школа: оборудование — кадры» per line (services.passport.parse_base)


@dataclass(frozen=True)
class FieldSpec:
    id: str
    type: FieldType
    optional: bool = False
    choices: tuple[str, ...] = ()
    title: str = ""
    """Only for fields whose wording comes from the programme (attachments, reasons)."""
    multiple: bool = True
    """For files: more than one file may be given."""
    when: tuple[str, Any] | None = None
    """Asked only when another field has this value (e.g. the agreement file after "yes")."""
    detail: str = ""
    """A second part of a programme's wording (e.g. an indicator's target value)."""
    hint: str = ""
    """A third part, said with the question (e.g. how an indicator is measured)."""


class FieldError(ValueError):
    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def is_answered(field: FieldSpec, value: Any, file_count: int) -> bool:
    if field.type is FieldType.FILES:
        return file_count > 0
    if field.type in (FieldType.EVENTS, FieldType.STAGES, FieldType.INDICATORS, FieldType.BASE):
        return bool(value)
    if field.type in (FieldType.NETWORK, FieldType.MULTI_CHOICE):
        return bool(value)  # at least one school, at least one option
    return value is not None and value != ""
