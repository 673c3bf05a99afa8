"""The kinds of answers a form can ask for, and how typed text becomes a value.

A failure names its reason (and parameters), so the reply can say exactly what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from services import calendar, validation

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
    INDICATORS = "indicators"  # «Показатель — целевое значение» per line


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


class FieldError(ValueError):
    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


_URL_SCHEMES = ("http", "https")
_NUMBER = re.compile(r"^\d{1,7}$")


def _text(text: str, limit: int) -> str:
    value = text.strip()
    if not value:
        raise FieldError("empty")
    if len(value) > limit:
        raise FieldError("too_long", limit=limit, length=len(value))
    return value


def parse_url(text: str) -> str:
    value = text.strip()
    if " " in value or not value:
        raise FieldError("url")
    if "://" not in value:
        value = "https://" + value
    parsed = urlparse(value)
    if parsed.scheme not in _URL_SCHEMES or "." not in (parsed.hostname or ""):
        raise FieldError("url")
    return value


def parse_text(field: FieldSpec, text: str, now: datetime, zone: ZoneInfo) -> Any:
    """The value of a typed answer; raises FieldError with the reason it is refused."""
    kind = field.type
    if kind is FieldType.TEXT:
        return " ".join(_text(text, TITLE_MAX).split())
    if kind is FieldType.LONG_TEXT:
        return _text(text, TEXT_MAX)
    if kind is FieldType.CHOICE:
        value = text.strip()
        for choice in field.choices:
            if choice.casefold() == value.casefold():
                return choice
        raise FieldError("choice")
    if kind is FieldType.DATETIME:
        try:
            return calendar.parse_local_datetime(text, zone, now).isoformat()
        except calendar.DateInputError as error:
            raise FieldError(f"date_{error.reason}") from error
    if kind is FieldType.URL:
        return parse_url(text)
    if kind is FieldType.CONTACTS:
        value = _text(text, TITLE_MAX)
        parts = re.split(r"[,;]\s*|\s{2,}", value)
        if not any(validation.is_email(p.strip()) or validation.is_phone(p.strip()) for p in parts):
            raise FieldError("contacts")
        return value
    if kind is FieldType.NUMBER:
        value = text.strip().replace(" ", "")
        if not _NUMBER.match(value) or int(value) > NUMBER_MAX:
            raise FieldError("number")
        return int(value)
    if kind in (FieldType.STAGES, FieldType.INDICATORS):
        from services import passport

        if kind is FieldType.STAGES:
            return passport.parse_stages(text)
        return passport.parse_indicators(text)
    raise FieldError("buttons")  # yes/no, files and lists are not typed


def is_answered(field: FieldSpec, value: Any, file_count: int) -> bool:
    if field.type is FieldType.FILES:
        return file_count > 0
    if field.type in (FieldType.EVENTS, FieldType.STAGES, FieldType.INDICATORS):
        return bool(value)
    if field.type in (FieldType.NETWORK, FieldType.MULTI_CHOICE):
        return bool(value)  # at least one school, at least one option
    return value is not None and value != ""
