"""Running the bot: publish the command menus, then long polling until a signal stops it."""

from __future__ import annotations

import asyncio
import logging

from bot.app import App
from bot.scheduler import Reminders
from handlers.ui.menu import publish_commands
from services.exports import libraries

log = logging.getLogger(__name__)


async def publish_commands_for(app: App) -> None:
    indicators = any(programme.monitoring for programme in app.programmes)
    await publish_commands(app.bot, app.i18n, app.settings.staff_chat_id, indicators)


async def _load_libraries() -> None:
    try:
        await asyncio.to_thread(libraries.load)
    except Exception:  # each file loads its library again when asked, and says what failed
        log.exception("could not load the file libraries at start-up")


async def run(app: App) -> None:
    try:
        me = await app.bot.me()
        log.info("started as @%s (id %s)", me.username, me.id)
        await publish_commands_for(app)
        # Loaded at once, beside polling (a start is not delayed by it): the first file
        # asked for later does not hold the loop while its library is imported.
        loaded = asyncio.create_task(_load_libraries())
        stop = asyncio.Event()
        scheduled = asyncio.create_task(Reminders(app).run(stop))
        try:
            await app.dispatcher.start_polling(
                app.bot,
                allowed_updates=app.dispatcher.resolve_used_update_types(),
                handle_signals=True,
            )
        finally:
            stop.set()
            await scheduled
            await loaded
    finally:
        await app.close()
