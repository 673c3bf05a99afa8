"""Names in running text: a school's own quotes are not wrapped in a second pair."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

QUOTES = '«»"“”„'


def quoted(name: str) -> str:
    """«Лицей № 2», but МБОУ «СОШ № 5» as it is: it already carries its quotes."""
    if any(mark in name for mark in QUOTES):
        return name
    return _("«{name}»").format(name=name)


def inline(title: str) -> str:
    """A kind's title inside a sentence: «Заявка» → «заявка», but «ИКТ-проект» stays."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title
