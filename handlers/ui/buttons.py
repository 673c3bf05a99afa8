"""Phone-sized buttons: a long option is listed in full in the message, short on its button."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

BUTTON_MAX = 30
"""Characters a button shows on a phone without cutting the label."""


@dataclass(frozen=True)
class Labelled:
    """Options as buttons show them, and what the message above them says."""

    labels: list[str]
    """One per option, in order, each at most the room it was given."""
    listing: str
    """The options numbered in full, or "" when every option fits on its button as it is."""


def labelled(options: Sequence[str], room: int = BUTTON_MAX) -> Labelled:
    """Options as they are when all fit; else numbered, the number starting each button."""
    if all(len(option) <= room for option in options):
        return Labelled(list(options), "")
    numbered = [f"{n}. {option}" for n, option in enumerate(options, start=1)]
    return Labelled([shorten(line, room) for line in numbered], "\n".join(numbered))


def shorten(text: str, limit: int = BUTTON_MAX) -> str:
    """Cut at the end of a word when that loses little, else mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] != " " and space >= limit - 10:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"


def with_listing(text: str, listing: str) -> str:
    """The message (Telegram HTML) with the options' full wording, escaped, under it."""
    return f"{text}\n\n{html.escape(listing, quote=False)}" if listing else text
