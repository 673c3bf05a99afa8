"""Every message of the code is in the catalogues, and English translates all of them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "__": None, "lazy_gettext": None}


def _code_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(language: str) -> Catalog:
    with (ROOT / "locales" / language / "LC_MESSAGES" / "coordbot.po").open("rb") as file:
        return read_po(file)


def test_english_catalogue_translates_every_message_of_the_code() -> None:
    english = _catalogue("en")
    messages = _code_messages()
    assert len(messages) > 100
    missing = sorted(m for m in messages if m not in english or not english[m].string)
    assert missing == [], "run `make extract` and translate these in locales/en"
    fuzzy = sorted(m.id for m in english if m.id and m.fuzzy)
    assert fuzzy == []


def test_russian_catalogue_knows_every_message() -> None:
    russian = _catalogue("ru")
    missing = sorted(m for m in _code_messages() if m not in russian)
    assert missing == [], "run `make extract`"
