"""Typed answers: what a coordinator wrote, as the value its question wants, or why not."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from services import calendar, validation
from services.submissions import passport
from services.submissions.fields import (
    NUMBER_MAX,
    TEXT_MAX,
    TITLE_MAX,
    FieldError,
    FieldSpec,
    FieldType,
)

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


@dataclass(frozen=True)
class _Answer:
    """What a typed answer is read with: its text, and the moment and zone dates are read in."""

    field: FieldSpec
    text: str
    now: datetime
    zone: ZoneInfo


def _title(answer: _Answer) -> str:
    return " ".join(_text(answer.text, TITLE_MAX).split())


def _long_text(answer: _Answer) -> str:
    return _text(answer.text, TEXT_MAX)


def _choice(answer: _Answer) -> str:
    value = answer.text.strip().casefold()
    for choice in answer.field.choices:
        if choice.casefold() == value:
            return choice
    raise FieldError("choice")


def _moment(answer: _Answer) -> str:
    try:
        return calendar.parse_local_datetime(answer.text, answer.zone, answer.now).isoformat()
    except calendar.DateInputError as error:
        raise FieldError(f"date_{error.reason}") from error


def _contacts(answer: _Answer) -> str:
    value = _text(answer.text, TITLE_MAX)
    parts = re.split(r"[,;]\s*|\s{2,}", value)
    if not any(validation.is_email(p.strip()) or validation.is_phone(p.strip()) for p in parts):
        raise FieldError("contacts")
    return value


def _number(answer: _Answer) -> int:
    value = answer.text.strip().replace(" ", "")
    if not _NUMBER.match(value) or int(value) > NUMBER_MAX:
        raise FieldError("number")
    return int(value)


_READERS: dict[FieldType, Callable[[_Answer], Any]] = {
    FieldType.TEXT: _title,
    FieldType.LONG_TEXT: _long_text,
    FieldType.CHOICE: _choice,
    FieldType.DATETIME: _moment,
    FieldType.URL: lambda answer: parse_url(answer.text),
    FieldType.CONTACTS: _contacts,
    FieldType.NUMBER: _number,
    FieldType.STAGES: lambda answer: passport.parse_stages(answer.text),
    FieldType.INDICATORS: lambda answer: passport.parse_indicators(answer.text),
    FieldType.BASE: lambda answer: passport.parse_base(answer.text),
}
"""How each kind of question reads a typed answer; yes/no, files and lists take buttons."""


def parse_text(field: FieldSpec, text: str, now: datetime, zone: ZoneInfo) -> Any:
    """The value of a typed answer; raises FieldError with the reason it is refused."""
    read = _READERS.get(field.type)
    if read is None:
        raise FieldError("buttons")
    return read(_Answer(field, text, now, zone))
