"""Webhook mode: Telegram POSTs updates to WEBHOOK_URL, the reverse proxy passes them here.

aiogram's request handler answers each request at once and handles the update after, so a
slow handler never makes Telegram deliver an update again; when it does all the same (a
network hiccup), `UpdateScope` finds the update_id already taken on and drops the copy. The
secret token is checked on every request: one without it, or with another, gets 401.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import App
from storage import updates

log = logging.getLogger(__name__)

FINISH_WITHIN = 30.0
"""Seconds a stopping instance gives the updates it has already answered with 200."""


class RecordingRequestHandler(SimpleRequestHandler):
    """Records each update (and whose it is) before answering Telegram, then handles it.

    The record is what orders one person's updates across instances: an update that reaches
    its instance later, but handling sooner, waits for the earlier one (`storage.updates`).
    A copy of an update already recorded is answered and dropped here.
    """

    def __init__(self, app: App, secret: str) -> None:
        super().__init__(app.dispatcher, app.bot, secret_token=secret)
        self._app = app

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        raw = await request.json(loads=bot.session.json_loads)
        update = Update.model_validate(raw, context={"bot": bot})
        user = UserContextMiddleware.resolve_event_context(update).user
        fresh = True  # on SQLite the dispatcher's scope drops a copy (one process)
        if updates.shared(self._app.engine):
            async with self._app.engine.connect() as connection:
                fresh = await updates.received(
                    connection, update.update_id, user.id if user else None, self._app.clock.now()
                )
        if fresh:
            task = asyncio.create_task(self._background_feed_update(bot=bot, update=raw))
            self._background_feed_update_tasks.add(task)
            task.add_done_callback(self._background_feed_update_tasks.discard)
        else:
            log.info("update %s came again: it was received before", update.update_id)
        return web.json_response({}, dumps=bot.session.json_dumps)


HANDLER = web.AppKey("coordbot_webhook_handler", RecordingRequestHandler)


async def start_webhook(app: App) -> web.AppRunner:
    """Serve the webhook on WEBHOOK_LISTEN, then tell Telegram where it is (setWebhook).

    Every instance sets the same webhook: the call is idempotent, and whichever instance
    starts last leaves it as it was. Stop with `stop_webhook(runner)`.
    """
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    server = web.Application()
    handler = RecordingRequestHandler(app, secret)
    handler.register(server, path=urlsplit(settings.webhook_url).path or "/")
    server[HANDLER] = handler
    setup_application(server, app.dispatcher, bot=app.bot)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    host, port = settings.webhook_address
    await web.TCPSite(runner, host, port).start()
    await app.bot.set_webhook(
        settings.webhook_url,
        secret_token=secret,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )
    log.info("webhook: listening on %s:%s for %s", host, port, settings.webhook_url)
    return runner


async def stop_webhook(runner: web.AppRunner, within: float = FINISH_WITHIN) -> None:
    """Take no more requests, let the updates already answered finish, then close.

    Telegram got a 200 for each of them and will not send them again: closing at once would
    lose them (and, on PostgreSQL, leave them unhandled for the person's next update to wait
    for).
    """
    for site in list(runner.sites):
        await site.stop()
    pending = set(runner.app[HANDLER]._background_feed_update_tasks)
    if pending:
        _done, late = await asyncio.wait(pending, timeout=within)
        if late:
            log.warning("webhook: stopping with %d updates still being handled", len(late))
    await runner.cleanup()
