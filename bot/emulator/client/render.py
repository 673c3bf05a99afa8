"""A message's text and entities as the HTML a Telegram client shows (escaped, nested tags).

Telegram keeps a message as plain text plus entities (offsets in UTF-16 code units); a client
draws bold, italics, links, code, spoilers and quotes from them, and finds links, e-mail
addresses and /commands in the plain text itself. This does the same for the demo's page.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SAFE_LINK = re.compile(r"(https?|tg|mailto):", re.IGNORECASE)
FOUND = (
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]»]")),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Zа-яА-Я]{2,}\b")),
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])"),
    ),
)
"""What a client links in plain text by itself (as Telegram's: a command is not linked
inside a word, a path or a tag such as ``</b>``)."""
FORMATS = frozenset(
    {"bold", "italic", "underline", "strikethrough", "spoiler", "blockquote"}
    | {"expandable_blockquote", "custom_emoji"}
)
"""Entities that may contain a found link; any other one (code, a link) hides it."""
BLOCKS = frozenset({"blockquote", "expandable_blockquote", "pre"})
SIMPLE_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler" title="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ('<blockquote class="expandable">', "</blockquote>"),
    "mention": ('<span class="mention">', "</span>"),
    "hashtag": ('<span class="hashtag">', "</span>"),
    "cashtag": ('<span class="hashtag">', "</span>"),
}


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    entity: dict[str, Any]


def to_html(text: str | None, entities: Sequence[dict[str, Any]] = ()) -> str:
    """Escaped HTML of ``text`` with its entities, and the links a client finds itself."""
    if not text:
        return ""
    units = _unit_index(text)
    spans = [
        _Span(units.get(e["offset"], len(text)), units.get(e["offset"] + e["length"], len(text)), e)
        for e in entities
        if e.get("length", 0) > 0
    ]
    spans += _found(text, spans)
    spans.sort(key=lambda s: (s.start, -s.end))
    return _render(text, 0, len(text), spans)


def _unit_index(text: str) -> dict[int, int]:
    """UTF-16 offset -> index in ``text``, for every character boundary."""
    index: dict[int, int] = {}
    unit = 0
    for position, char in enumerate(text):
        index[unit] = position
        unit += 2 if ord(char) > 0xFFFF else 1
    index[unit] = len(text)
    return index


def _found(text: str, spans: list[_Span]) -> list[_Span]:
    found: list[_Span] = []
    for kind, pattern in FOUND:
        for match in pattern.finditer(text):
            start, end = match.span()
            if all(_compatible(start, end, s) for s in spans + found):
                found.append(_Span(start, end, {"type": kind}))
    return found


def _compatible(start: int, end: int, span: _Span) -> bool:
    if end <= span.start or start >= span.end:
        return True
    inside = span.start <= start and end <= span.end
    return inside and span.entity["type"] in FORMATS


def _render(text: str, start: int, end: int, spans: list[_Span]) -> str:
    out: list[str] = []
    cursor = start
    index = 0
    while index < len(spans):
        span = spans[index]
        if span.start < cursor:  # overlaps what was drawn: Telegram's own never do
            index += 1
            continue
        inner_end = min(span.end, end)
        children = [s for s in spans[index + 1 :] if s.start < inner_end]
        out.append(html.escape(text[cursor : span.start]))
        inner = _render(text, span.start, inner_end, children)
        out.append(_wrap(span.entity, text[span.start : inner_end], inner))
        cursor = inner_end
        if _ends_a_block(span, text, cursor, end, spans[index + 1 + len(children) :]):
            cursor += 1  # the line break after a quote or a code block is the block's own
        index += 1 + len(children)
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def _ends_a_block(span: _Span, text: str, cursor: int, end: int, rest: list[_Span]) -> bool:
    if span.entity["type"] not in BLOCKS or cursor >= end or text[cursor] != "\n":
        return False
    return all(s.start > cursor for s in rest)


def _wrap(entity: dict[str, Any], plain: str, inner: str) -> str:
    kind = entity["type"]
    if kind in SIMPLE_TAGS:
        opening, closing = SIMPLE_TAGS[kind]
        return f"{opening}{inner}{closing}"
    if kind == "pre":
        language = html.escape(entity.get("language", ""), quote=True)
        return f'<pre data-language="{language}">{inner}</pre>'
    if kind in ("url", "text_link"):
        return _link(entity.get("url") or plain, inner)
    if kind == "email":
        return _link(f"mailto:{plain}", inner)
    if kind == "bot_command":
        command = html.escape(plain.split("@")[0], quote=True)
        return f'<a class="command" href="#" data-command="{command}">{inner}</a>'
    return inner


def _link(url: str, inner: str) -> str:
    if not SAFE_LINK.match(url):
        url = f"http://{url}"
    address = html.escape(url, quote=True)
    return f'<a href="{address}" target="_blank" rel="noopener noreferrer">{inner}</a>'
