"""Jinja2 templates (autoescape on) for anything longer than a line, translated with gettext."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from handlers.ui.names import inline, quoted

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment(html: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        auto_reload=False,  # templates change with a release, not while the bot runs
        autoescape=select_autoescape(default=html, default_for_string=html),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.filters["local"] = local_time
    environment.filters["fromiso"] = datetime.fromisoformat
    environment.filters["quoted"] = quoted
    environment.filters["inline"] = inline
    return environment


def local_time(moment: datetime, zone: ZoneInfo, fmt: str = "%d.%m.%Y %H:%M") -> str:
    return moment.astimezone(zone).strftime(fmt)


_HTML = _environment(html=True)
_PLAIN = _environment(html=False)


def render(template: str, **context: Any) -> str:
    """Telegram HTML: everything interpolated is escaped."""
    return _HTML.get_template(template).render(**context).strip()


def render_plain(template: str, **context: Any) -> str:
    """Plain text for the terminal (command line tools)."""
    return _PLAIN.get_template(template).render(**context).strip()
