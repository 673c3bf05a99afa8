"""DOCX documents from templates (docxtpl): an application as the regulation's form, a report,
the council's list.

A programme's form lives next to its definition, `services/programmes/presets/<id>.<name>.docx`
(`<id>.application.docx` is the application for the status), so an institute edits the
form in Word without touching code; `templates/<name>.docx` here serves the programmes that
have none. Placeholders are Jinja2 (`{{ a.full_name }}`, `{%tr for e in plan %}`): the
context's keys are listed in `handlers/submissions/documents.py`, which fills them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from services.programmes.loader import PRESETS_DIR

TEMPLATES = Path(__file__).with_name("templates")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML cannot hold (a tab and a line break stay: they become a tab and a break)."""


def template(programme_id: str, name: str, common: str) -> Path:
    """The programme's own template `<id>.<name>.docx`, else the common `<common>.docx`."""
    own = PRESETS_DIR / f"{programme_id}.{name}.docx"
    return own if own.is_file() else TEMPLATES / f"{common}.docx"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, Mapping):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def render(path: Path, context: Mapping[str, Any]) -> bytes:
    """The document of the template at `path` with `context` filled in (run it in a thread).

    Values are escaped for XML; a line break in a value is a line break in the document.
    """
    from docxtpl import DocxTemplate  # imported here: it is heavy, and only files need it

    document = DocxTemplate(str(path))
    document.render(_clean(dict(context)), autoescape=True)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
