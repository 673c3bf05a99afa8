"""An approved announcement published in the channel carries its event as an ICS file (an
outbox row of its own, delivered right after the publication)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import BufferedInputFile

from handlers.exports import words
from services.exports import calendars, streaming
from storage.models import Submission


async def domain(bot: Bot) -> str:
    """The UIDs' domain: the bot's own name, the same for every file of this bot."""
    me = await bot.me()
    return f"{me.username}.t.me" if me.username else calendars.DOMAIN


async def event_file(bot: Bot, submission: Submission, zone: ZoneInfo) -> BufferedInputFile | None:
    """The announcement's event as an ICS document; None when it has no date."""
    if submission.event_at is None:
        return None
    content = await streaming.in_thread(
        calendars.event_file, submission, zone, await domain(bot), words.calendar()
    )
    if content is None:
        return None
    name = words.event_file(submission.event_at.astimezone(zone).date())
    return BufferedInputFile(content, filename=name)
