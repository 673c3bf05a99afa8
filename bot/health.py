"""/healthz and /metrics on HEALTH_LISTEN, in polling and in webhook mode.

/healthz answers 200 when the database answers and the bot is taking updates, else 503,
with the facts as JSON: the outbox backlog, how long its oldest due row has waited, and
when this process last ran the planner. /metrics is the Prometheus text format.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.app import App

log = logging.getLogger(__name__)

DATABASE_WITHIN = 3.0
"""Seconds the database has to answer before the bot counts as unhealthy."""


class Health:
    def __init__(self, app: App, running: Callable[[], bool]) -> None:
        self._app = app
        self._running = running

    async def facts(self) -> dict[str, Any]:
        """What /healthz reports; `healthy` is the verdict."""
        app = self._app
        now = app.clock.now()
        facts: dict[str, Any] = {"taking_updates": self._running()}
        try:
            statuses, oldest = await asyncio.wait_for(self._outbox(now), DATABASE_WITHIN)
        except Exception as error:  # any failure to reach it is the answer
            log.warning("healthz: the database does not answer: %r", error)
            facts["database"] = f"unreachable: {type(error).__name__}"
            facts["healthy"] = False
            return facts
        facts["database"] = "ok"
        facts["outbox"] = statuses
        facts["oldest_due_seconds"] = _seconds_since(oldest, now)
        last_pass = app.metrics.last_planner_pass
        facts["planner_pass_seconds_ago"] = (
            None if last_pass is None else _seconds_since(last_pass, now)
        )
        facts["healthy"] = facts["taking_updates"]
        return facts

    async def _outbox(self, now: datetime) -> tuple[dict[str, int], datetime | None]:
        async with self._app.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        async with self._app.uow_factory() as uow:
            statuses, oldest = await uow.outbox.depth(now)
        metrics = self._app.metrics
        for status, count in statuses.items():
            metrics.outbox.labels(status).set(count)
        metrics.oldest_due.set(_seconds_since(oldest, now))
        return statuses, oldest

    async def healthz(self, request: web.Request) -> web.Response:
        facts = await self.facts()
        return web.json_response(facts, status=200 if facts["healthy"] else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(self._outbox(self._app.clock.now()), DATABASE_WITHIN)
        except Exception as error:  # the counters are worth serving without the outbox
            log.warning("metrics: the outbox could not be read: %r", error)
        body = generate_latest(self._app.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max(0.0, round((now - moment).total_seconds(), 1))


async def start_health(app: App, running: Callable[[], bool]) -> web.AppRunner:
    """Serve /healthz and /metrics on HEALTH_LISTEN; stop with `runner.cleanup()`."""
    address = app.settings.health_address
    assert address is not None
    health = Health(app, running)
    server = web.Application()
    server.router.add_get("/healthz", health.healthz)
    server.router.add_get("/metrics", health.metrics)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, *address).start()
    log.info("health: /healthz and /metrics on %s:%s", *address)
    return runner
