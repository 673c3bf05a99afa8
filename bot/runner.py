"""Running the bot: publish the command menus, then long polling or the webhook until a
signal stops it; /healthz and /metrics beside them when HEALTH_LISTEN is set."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.app import App
from bot.health import start_health
from bot.scheduler import Reminders
from bot.webhook import start_webhook, stop_webhook
from handlers.ui.menu import publish_commands
from services.exports import libraries

log = logging.getLogger(__name__)

EXIT_CONFLICT = 3
CONFLICT = (
    "Telegram answered getUpdates with 409 ({reason}): another instance of the bot"
    " is polling with this token, or a webhook is set; stopping this one"
    " (run one polling instance, or several with WEBHOOK_URL)"
)


async def publish_commands_for(app: App) -> None:
    indicators = any(programme.monitoring for programme in app.programmes)
    await publish_commands(app.bot, app.i18n, app.settings.staff_chat_id, indicators)


async def _load_libraries() -> None:
    try:
        await asyncio.to_thread(libraries.load)
    except Exception:  # each file loads its library again when asked, and says what failed
        log.exception("could not load the file libraries at start-up")


class StopOnConflict(BaseRequestMiddleware):
    """A 409 to getUpdates stops polling, instead of aiogram's endless retries.

    Telegram ends the older of two overlapping getUpdates with 409: the instance that was
    polling already steps aside, with one line (`CONFLICT`) and a non-zero exit, and the
    newcomer goes on.
    """

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        self.reason: str | None = None
        self._stopping: asyncio.Task[None] | None = None

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramConflictError as error:
            if not isinstance(method, GetUpdates):
                raise
            self.reason = error.message
            self._stopping = asyncio.create_task(self._dispatcher.stop_polling())
            # No getUpdates again (it would end the other instance's poll with a 409 in
            # turn, and both would stop): wait here until stopping polling cancels the call.
            await asyncio.Event().wait()
            raise AssertionError("cancelled by stop_polling") from error


async def poll(app: App) -> str | None:
    """Long polling until a signal (None) or a 409 Conflict (Telegram's reason)."""
    conflict = StopOnConflict(app.dispatcher)
    app.bot.session.middleware(conflict)
    await app.dispatcher.start_polling(
        app.bot,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
        handle_signals=True,
        close_bot_session=False,
    )
    return conflict.reason


async def serve_webhook(app: App) -> None:
    """The webhook until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = await start_webhook(app)
    try:
        await stop.wait()
    finally:
        await stop_webhook(runner)


async def run(app: App) -> int:
    """The bot until it is stopped; the exit code (EXIT_CONFLICT after its line, last)."""
    conflict: str | None = None
    taking = TakingUpdates(app.dispatcher)
    health = None
    try:
        me = await app.bot.me()
        log.info("started as @%s (id %s)", me.username, me.id)
        await publish_commands_for(app)
        # Loaded at once, beside polling (a start is not delayed by it): the first file
        # asked for later does not hold the loop while its library is imported.
        loaded = asyncio.create_task(_load_libraries())
        if app.settings.health_address is not None:
            health = await start_health(app, taking.is_set)
        stop = asyncio.Event()
        scheduled = asyncio.create_task(Reminders(app).run(stop))
        try:
            if app.settings.webhook_url:
                await serve_webhook(app)
            else:
                conflict = await poll(app)
        finally:
            stop.set()
            await scheduled
            await loaded
    finally:
        if health is not None:
            await health.cleanup()
        await app.close()
    if conflict is None:
        return 0
    print(CONFLICT.format(reason=conflict), file=sys.stderr)
    return EXIT_CONFLICT


class TakingUpdates:
    """Whether the dispatcher runs: between its startup and its shutdown (both modes)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._running = False
        dispatcher.startup.register(self._started)
        dispatcher.shutdown.register(self._stopped)

    def is_set(self) -> bool:
        return self._running

    async def _started(self) -> None:
        self._running = True

    async def _stopped(self) -> None:
        self._running = False
