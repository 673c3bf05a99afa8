"""Sending a built file: a document with a Russian file name, after «Готовлю файл…» when slow.

An export that will take a while (known before it starts: many rows) says so at once and
the notice goes away when the file arrives. The file is built off the event loop (see
`services.exports.streaming`), so everyone else is answered meanwhile. The notice is sent
before the building starts: the update's database session is never used by two at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)

SLOW_ROWS = 5_000
"""Exports of more rows than this show «Готовлю файл…» first."""


@dataclass(frozen=True)
class Built:
    content: bytes
    name: str
    caption: str = ""


async def send_file(
    message: Message,
    build: Callable[[], Awaitable[Built]],
    *,
    slow: bool = False,
    reply: bool = False,
) -> Message:
    """Build the file and send it to the chat of `message` (as a reply to it with `reply`)."""
    notice = await message.answer(_("Готовлю файл…")) if slow else None
    try:
        built = await build()
    except Exception:
        if notice is not None:
            await _quietly(
                notice.edit_text(_("Не удалось подготовить файл. Попробуйте ещё раз позже."))
            )
        raise
    document = BufferedInputFile(built.content, filename=built.name)
    caption = built.caption or None
    if reply:
        sent = await message.reply_document(document, caption=caption)
    else:
        sent = await message.answer_document(document, caption=caption)
    if notice is not None:
        await _quietly(notice.delete())
    return sent


async def _quietly(call: Awaitable[object]) -> None:
    """A notice's fate matters less than the file: a failure to change it is only logged."""
    try:
        await call
    except TelegramAPIError:
        log.warning("could not change the «Готовлю файл…» notice", exc_info=True)


def slow(rows: int) -> bool:
    return rows > SLOW_ROWS
