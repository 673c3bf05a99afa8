"""The clock of the reminders: APScheduler runs the planner, a task drains the outbox.

APScheduler keeps no state of ours (its default memory job store; the jobs are derived from
the database each start): the outbox rows are the facts. The planner and the sender each run
under a lease in the database, so two processes never plan or send the same thing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.delivery import Outgoing, Sender, create_sender_bot
from handlers.reminder_texts import make_renderer
from services import outbox, reminders
from services.reminders import Moment, PassReport
from storage.models import Reminder

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=5)
PLANNER_LEASE = "planner"
SEND_EVERY_SECONDS = 10.0


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Reminders:
    def __init__(self, app: App, owner: str | None = None) -> None:
        self._app = app
        self.owner = owner or owner_name()
        renderer = make_renderer(app.i18n, app.settings.zone)

        async def render(reminder: Reminder, language: str) -> Outgoing:
            text, markup = await renderer(reminder, language)
            return Outgoing(text, markup)

        self._sender_bot = create_sender_bot(app.settings)
        self.sender = Sender(self._sender_bot, app.uow_factory, render, self.owner, app.clock.now)

    def moment(self) -> Moment:
        return Moment(
            self._app.clock.now(), self._app.settings.zone, self._app.settings.reminder_hour
        )

    async def plan(self) -> PassReport | None:
        """One planner pass, if this process holds the planner lease."""
        app = self._app
        async with app.uow_factory() as uow:
            lease_ttl = PLAN_EVERY * 2
            if not await outbox.acquire_lease(
                uow, PLANNER_LEASE, self.owner, app.clock.now(), lease_ttl
            ):
                return None
            report = await reminders.plan_pass(
                uow, app.programmes, self.moment(), app.settings.staff_chat_id
            )
        if report.planned or report.cancelled:
            log.info("planner: %s", report)
        return report

    async def run(self, stop: asyncio.Event) -> None:
        """Plan every few minutes (and at once), send continuously, until `stop`."""
        scheduler = AsyncIOScheduler(timezone=self._app.settings.zone)
        scheduler.add_job(
            self.plan,
            IntervalTrigger(seconds=PLAN_EVERY.total_seconds(), timezone=self._app.settings.zone),
            id="planner",
            # A pass late by minutes (a busy loop, a suspended machine) still runs once,
            # not never (APScheduler's default grace is 1 s) and not several times.
            misfire_grace_time=int(PLAN_EVERY.total_seconds()),
            coalesce=True,
            max_instances=1,
            next_run_time=None,
        )
        scheduler.start()
        try:
            await self.plan()
            await self.sender.run(stop, SEND_EVERY_SECONDS)
        finally:
            scheduler.shutdown(wait=False)
            await self._sender_bot.session.close()

    async def close(self) -> None:
        await self._sender_bot.session.close()
