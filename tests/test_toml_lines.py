"""Where a TOML document gives each table and key: the lines `programmes check` names."""

from __future__ import annotations

import pytest

from services.programmes.loader import list_presets, preset_path
from services.programmes.toml_lines import KeyLines, Loc, scan

DOCUMENT = """\
# a comment = "not a key"
id = "x"
note = \"\"\"
[status]
term_years = 1
\"\"\"
"dotted.name" = 1
a.b.c = 2
inline = { one = 1, two = { three = 3 } }

[status]
term_years = 3

[[kinds]]
id = "first"
grid = [
  [1, 2],
  [3, 4]
]

[kinds.extra]
flag = true

[[kinds]]
id = "second"
fields = [
    # "topik" is not here
    "topic",
    'literal',  # "topik"
    "topik",
]

[[kinds.files]]
name = "f"
"""


def _line(text: str, needle: str) -> int:
    """The line `needle` starts on, past any newlines it begins with."""
    start = text.index(needle) + len(needle) - len(needle.lstrip("\n"))
    return text[:start].count("\n") + 1


@pytest.fixture(scope="module")
def keys() -> KeyLines:
    return scan(DOCUMENT)


@pytest.mark.parametrize(
    ("loc", "needle"),
    [
        (("id",), 'id = "x"'),
        (("note",), "note ="),
        (("dotted.name",), '"dotted.name"'),
        (("a",), "a.b.c"),
        (("a", "b", "c"), "a.b.c"),
        (("inline", "two", "three"), "inline ="),
        (("status",), "\n\n[status]"),
        (("status", "term_years"), "term_years = 3"),
        (("kinds", 0), "[[kinds]]"),
        (("kinds", 0, "id"), 'id = "first"'),
        (("kinds", 0, "extra"), "[kinds.extra]"),
        (("kinds", 0, "extra", "flag"), "flag = true"),
        (("kinds", 1), '[[kinds]]\nid = "second"'),
        (("kinds", 1, "fields"), "fields = ["),
        (("kinds", 1, "files", 0, "name"), 'name = "f"'),
    ],
)
def test_each_table_and_key_is_found_where_it_is_given(
    keys: KeyLines, loc: Loc, needle: str
) -> None:
    # text inside a multi-line string is neither a table nor a key: `[status]` is the real one
    assert keys.found[loc] == _line(DOCUMENT, needle)


def test_nothing_else_is_a_table_or_a_key(keys: KeyLines) -> None:
    assert ("a comment",) not in keys.found
    assert ("kinds", 0, "grid", 1) not in keys.found
    assert ("3, 4",) not in keys.found, "an array of arrays is no header"
    assert keys.headers == tuple(
        _line(DOCUMENT, header)
        for header in (
            "\n\n[status]",
            '[[kinds]]\nid = "first"',
            "[kinds.extra]",
            '[[kinds]]\nid = "second"',
            "[[kinds.files]]",
        )
    )


def test_an_implied_table_has_no_line_of_its_own() -> None:
    """`[a.b]` gives a.b a line, not `a`: an error about `a` names the file only, as ever."""
    keys = scan("[a.b]\nc = 1\n")
    assert keys.line_of(("a", "b", "c")) == 2
    assert keys.line_of(("a",)) is None


def test_the_deepest_known_part_gives_the_line(keys: KeyLines) -> None:
    assert keys.line_of(("status", "missing_key")) == keys.found[("status",)]
    assert keys.line_of(("kinds", 0, "extra", "flag", "deeper")) == _line(DOCUMENT, "flag = true")
    assert keys.line_of(("nowhere",)) is None
    assert keys.line_of(()) is None


def test_an_item_of_an_array_is_found_by_its_quoted_value(keys: KeyLines) -> None:
    fields = ("kinds", 1, "fields")
    assert keys.line_of((*fields, 2), "topik") == _line(DOCUMENT, '    "topik",')
    assert keys.line_of((*fields, 1), "literal") == _line(DOCUMENT, "'literal'")
    assert keys.line_of((*fields, 9), "absent") == keys.found[fields], "not there: the key's line"
    assert keys.line_of((*fields, 0), 7) == keys.found[fields], "not a string: the key's line"
    assert keys.line_of((*fields, 0), "") == keys.found[fields]


def test_an_item_is_looked_for_no_further_than_the_next_table() -> None:
    keys = scan('[a]\nx = [1, 2]\n[b]\ny = "v"\n')
    assert keys.line_of(("a", "x", 0), "v") == 2


def test_windows_line_ends_count_like_unix_ones() -> None:
    text = preset_path("krasnodar-digital").read_text(encoding="utf-8")
    assert scan(text.replace("\n", "\r\n")).found == scan(text).found


def test_past_a_part_tomllib_refuses_nothing_is_known() -> None:
    keys = scan('[a]\nx = 1\ny = [\n  "open"\n[b]\nz = 2\n')
    assert keys.found == {("a",): 1, ("a", "x"): 2}


def test_a_long_array_is_scanned_once() -> None:
    items = "".join(f'  "v{i}",\n' for i in range(20_000))
    keys = scan(f"[a]\nx = [\n{items}]\ny = 1\n")
    assert keys.found[("a", "y")] == 20_004
    assert keys.line_of(("a", "x", 19_999), "v19999") == 20_002


@pytest.mark.parametrize("name", list_presets())
def test_every_key_of_a_preset_is_on_its_line(name: str) -> None:
    text = preset_path(name).read_text(encoding="utf-8")
    lines = text.splitlines()
    keys = scan(text)
    assert keys.found, name
    for loc, number in keys.found.items():
        line = lines[number - 1].strip()
        last = next(part for part in reversed(loc) if isinstance(part, str))
        assert line.startswith("[") or line.startswith(f"{last} ="), (loc, line)
        assert last in line, (loc, line)
