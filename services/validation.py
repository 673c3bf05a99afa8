"""Checks of what people type. Each failure names its reason so the reply can be specific."""

from __future__ import annotations

import re
from enum import StrEnum

NAME_MAX = 200
POSITION_MAX = 200
CONTACT_MAX = 200
SEARCH_MAX = 100

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"^[+\d\s()\-]+$")


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NAME = "not_a_name"
    NOT_A_CONTACT = "not_a_contact"


class InvalidInputError(ValueError):
    def __init__(self, problem: Problem, limit: int | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit


def _clean(text: str, limit: int) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInputError(Problem.EMPTY)
    if len(value) > limit:
        raise InvalidInputError(Problem.TOO_LONG, limit)
    return value


def full_name(text: str) -> str:
    """A person's name: words with letters, at least two of them (surname and name)."""
    value = _clean(text, NAME_MAX)
    words = value.split()
    if len(words) < 2 or not all(any(ch.isalpha() for ch in word) for word in words):
        raise InvalidInputError(Problem.NOT_A_NAME)
    return value


def position(text: str) -> str:
    return _clean(text, POSITION_MAX)


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def is_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return bool(_PHONE_CHARS.match(text)) and 7 <= digits <= 15


def contact(text: str) -> str:
    """A phone number or an e-mail address."""
    value = _clean(text, CONTACT_MAX)
    if not (is_email(value) or is_phone(value)):
        raise InvalidInputError(Problem.NOT_A_CONTACT)
    return value


def search_text(text: str) -> str:
    return _clean(text, SEARCH_MAX)


SCHOOL_NAME_MAX = 500


def school_name(text: str) -> str:
    return _clean(text, SCHOOL_NAME_MAX)


def text(value: str, limit: int) -> str:
    """Free text: kept as typed (line breaks too), but not empty and not over the limit."""
    stripped = value.strip()
    if not stripped:
        raise InvalidInputError(Problem.EMPTY)
    if len(stripped) > limit:
        raise InvalidInputError(Problem.TOO_LONG, limit)
    return stripped
