"""Line numbers of the tables and keys of a TOML document: tomllib parses but gives no positions."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Loc = tuple[str | int, ...]
"""A path into the document as pydantic reports it: keys, and the index of a `[[table]]`."""

_STRING_OR_COMMENT = re.compile(r"""("(?:[^"\\]|\\.)*"|'[^']*')|#.*""")
_CLOSING = re.compile(r"""\]|\"\"\"|'''""")
"""The last line of a statement over several lines closes an array or a multi-line string."""


@dataclass(frozen=True)
class KeyLines:
    """Where a document gives each table and key (1-based lines), for messages about them."""

    lines: tuple[str, ...]
    found: Mapping[Loc, int]
    """The line of each table header and of each key, by its path; inline tables included."""
    headers: tuple[int, ...]
    """The lines of the table headers, in order."""

    def line_of(self, loc: Loc, value: object = None) -> int | None:
        """The line of the deepest part of `loc` the document names (None if it names none).

        When `loc` goes deeper, into an array, and `value` is a string, the line holding it in
        quotes: the first from there to the next table header, comments left aside.
        """
        size = len(loc)
        while size and loc[:size] not in self.found:
            size -= 1
        if not size:
            return None
        number = self.found[loc[:size]]
        if size < len(loc) and isinstance(value, str) and value:
            return self._holding(value, number) or number
        return number

    def _holding(self, value: str, first: int) -> int | None:
        stop = next((header for header in self.headers if header > first), len(self.lines) + 1)
        quoted = (f'"{value}"', f"'{value}'")
        for number in range(first, stop):
            code = _STRING_OR_COMMENT.sub(lambda m: m[1] or "", self.lines[number - 1])
            if any(text in code for text in quoted):
                return number
        return None


def scan(text: str) -> KeyLines:
    """The lines of `text`, a document tomllib accepts (past a part it refuses, none are known).

    tomllib itself says where each statement ends (so strings and arrays over several lines,
    quoted keys and comments need no rules here) and what keys it names.
    """
    lines = text.split("\n")
    found: dict[Loc, int] = {}
    arrays: dict[Loc, int] = {}  # array of tables -> index of its last element so far
    headers: list[int] = []
    table: Loc = ()
    for number, parsed in _statements(lines):
        if lines[number - 1].lstrip().startswith("["):
            table = _table(parsed, arrays)
            headers.append(number)
            found.setdefault(table, number)
        else:
            for path in _key_paths(parsed):
                found.setdefault((*table, *path), number)
    return KeyLines(tuple(lines), found, tuple(headers))


def _statements(lines: Sequence[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each statement (a header, a key and its value, or nothing) as its first line and what it
    parses to alone: it ends at the first line with which it parses."""
    start = 0
    while start < len(lines):
        for end in range(start + 1, len(lines) + 1):
            if end > start + 1 and not _CLOSING.search(lines[end - 1]):
                continue  # it cannot end here: no parsing a long array over and over
            try:
                parsed = tomllib.loads("\n".join(lines[start:end]) + "\n")
            except tomllib.TOMLDecodeError:
                continue
            yield start + 1, parsed
            start = end
            break
        else:
            return


def _table(parsed: Mapping[str, Any], arrays: dict[Loc, int]) -> Loc:
    """The path of the table a `[header]` opens; a `[[header]]` adds an element to its array."""
    keys: list[str] = []
    node: Any = parsed
    while isinstance(node, dict) and node:
        [(key, node)] = node.items()
        keys.append(key)
    *parents, name = keys
    path: Loc = ()
    for part in parents:
        path = (*path, part)
        if path in arrays:
            path = (*path, arrays[path])
    path = (*path, name)
    if isinstance(node, list):
        arrays[path] = arrays.get(path, -1) + 1
        path = (*path, arrays[path])
    return path


def _key_paths(parsed: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[Loc]:
    """Every key a statement names: each part of a dotted key, and the keys of an inline table."""
    for key, value in parsed.items():
        path = (*prefix, key)
        yield path
        if isinstance(value, dict):
            yield from _key_paths(value, path)
