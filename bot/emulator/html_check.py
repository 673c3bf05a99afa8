"""Telegram-HTML parsing that mirrors the Bot API (tdlib's ``parse_html``).

The parser returns the plain text and the message entities Telegram would
produce, or raises :class:`ParseError` with Telegram's wording.  It is
deliberately a little stricter than Telegram in one place: an ``&`` that does
not start a known entity is rejected (Telegram keeps it literally), because in
bot code it almost always means a forgotten ``html.escape``.
"""

import re
from dataclasses import dataclass, field
from typing import Any

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


class ParseError(ValueError):
    """Invalid Telegram HTML; ``str(err)`` is the Bot API description minus "Bad Request: "."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"can't parse entities: {reason}")


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    offset: int
    attrs: dict[str, str]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """Decode the character reference at ``index``; return (char, next index) or None."""
    match = _ENTITY_RE.match(source, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def error_at(self, reason: str, index: int) -> ParseError:
        return ParseError(f"{reason} at byte offset {_byte_offset(self.src, index)}")

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def skip_spaces(self) -> None:
        while not self.at_end() and self.src[self.pos].isspace():
            self.pos += 1

    def parse(self) -> ParsedText:
        src = self.src
        while not self.at_end():
            char = src[self.pos]
            if char == "&":
                decoded = _decode_entity(src, self.pos)
                if decoded is None:
                    raise self.error_at('Unescaped "&"', self.pos)
                text, self.pos = decoded
                self.emit(text)
            elif char == "<":
                if src.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            name = self.stack[-1].name
            raise ParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def start_tag(self) -> None:
        src, begin = self.src, self.pos
        self.pos += 1
        while not self.at_end() and not src[self.pos].isspace() and src[self.pos] != ">":
            self.pos += 1
        if self.at_end():
            raise self.error_at("Unclosed start tag", begin)
        name = src[begin + 1 : self.pos].lower()
        if name not in _ENTITY_TYPES:
            raise self.error_at(f'Unsupported start tag "{name}"', begin)
        attrs = self.attributes(name, begin)
        self.pos += 1  # the closing ">"
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.error_at('Tag "span" must have class "tg-spoiler"', begin)
        if name == "a" and not attrs.get("href"):
            raise self.error_at('Tag "a" must have non-empty attribute "href"', begin)
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise self.error_at('Tag "tg-emoji" must have attribute "emoji-id"', begin)
        self.stack.append(_OpenTag(name, self.offset, attrs))

    def attributes(self, tag: str, begin: int) -> dict[str, str]:
        src = self.src
        attrs: dict[str, str] = {}
        while True:
            self.skip_spaces()
            if self.at_end():
                raise self.error_at("Unclosed start tag", begin)
            if src[self.pos] == ">":
                return attrs
            name_begin = self.pos
            while not self.at_end() and not src[self.pos].isspace() and src[self.pos] not in "=>":
                self.pos += 1
            name = src[name_begin : self.pos].lower()
            self.skip_spaces()
            if self.at_end():
                raise self.error_at("Unclosed start tag", begin)
            if src[self.pos] != "=":
                if tag == "blockquote" and name == "expandable":
                    attrs[name] = ""
                    continue
                raise self.error_at(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}"', begin
                )
            self.pos += 1
            self.skip_spaces()
            if self.at_end():
                raise self.error_at("Unclosed start tag", begin)
            attrs[name] = self.attribute_value(begin)

    def attribute_value(self, begin: int) -> str:
        src = self.src
        quote = src[self.pos]
        if quote not in "'\"":
            token_begin = self.pos
            while not self.at_end() and (src[self.pos].isalnum() or src[self.pos] in ".-"):
                self.pos += 1
            if self.at_end():
                raise self.error_at("Unclosed start tag", begin)
            if not src[self.pos].isspace() and src[self.pos] != ">":
                raise self.error_at("Unexpected end of name token", token_begin)
            return src[token_begin : self.pos].lower()
        self.pos += 1
        value: list[str] = []
        while not self.at_end() and src[self.pos] != quote:
            decoded = _decode_entity(src, self.pos) if src[self.pos] == "&" else None
            if decoded is None:
                value.append(src[self.pos])
                self.pos += 1
            else:
                value.append(decoded[0])
                self.pos = decoded[1]
        if self.at_end():
            raise self.error_at("Unclosed start tag", begin)
        self.pos += 1
        return "".join(value)

    def end_tag(self) -> None:
        src, begin = self.src, self.pos
        if not self.stack:
            raise self.error_at("Unexpected end tag", begin)
        self.pos += 2
        name_begin = self.pos
        while not self.at_end() and not src[self.pos].isspace() and src[self.pos] != ">":
            self.pos += 1
        name = src[name_begin : self.pos].lower()
        self.skip_spaces()
        if self.at_end() or src[self.pos] != ">":
            raise self.error_at("Unclosed end tag", begin)
        self.pos += 1
        tag = self.stack.pop()
        if name and name != tag.name:
            raise ParseError(
                f"Unmatched end tag at byte offset {_byte_offset(src, begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            language = tag.attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].attrs["language"] = language.removeprefix("language-")
        if length == 0:
            return
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPES[tag.name],
            "offset": tag.offset,
            "length": length,
        }
        if tag.name == "a":
            entity["url"] = tag.attrs["href"]
        elif tag.name == "pre" and tag.attrs.get("language"):
            entity["language"] = tag.attrs["language"]
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise :class:`ParseError`."""
    return _Parser(source).parse()
