"""ProgrammeError, and a definition's problems told as `file:line: field: what is wrong`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from services.programmes.toml_lines import Loc, scan

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


class ProgrammeError(Exception):
    """A definition that cannot be used; the message has one "file:line: problem" per line."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.path = path
        self.problems = tuple(problems)


def unreadable(path: Path, exc: OSError) -> str:
    return f"{path}: cannot read: {exc.strerror}"


def not_utf8(path: Path) -> str:
    return f"{path}: not UTF-8 text"


def broken_toml(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message, its position turned into the line (the last one at the end)."""
    message = str(exc)
    position = _TOML_POSITION.search(message)
    line = position[1] if position and position[1] else str(len(text.splitlines()))
    reason = message[: position.start()] if position else message
    return f"{path}:{line}: broken TOML: {reason}"


def invalid(path: Path, text: str, exc: ValidationError) -> list[str]:
    """One line per error pydantic found, at the line of the key (or table) it is about."""
    lines = scan(text)
    problems = []
    for error in exc.errors():
        where = _where(path, lines.line_of(error["loc"], error.get("input")))
        problems.append(f"{where}: {_dotted(error['loc'])}: {_describe(error)}")
    return problems


def id_differs(path: Path, text: str, programme_id: str, name: str) -> str:
    where = _where(path, scan(text).line_of(("id",)))
    return f"{where}: id: {programme_id!r} differs from the file name {name!r}"


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else f"{path}"


def _describe(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (a typo?)"
    if error["type"] == "missing":
        return "missing"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and error["type"] != "value_error":
        message += f" (got {value!r})"
    return message


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or "(top level)"
