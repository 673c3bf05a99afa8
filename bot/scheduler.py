"""The clock of the reminders: APScheduler runs the planner, a task drains the outbox.

APScheduler keeps no state of ours (its default memory job store; the jobs are derived from
the database each start): the outbox rows are the facts. The planner and the sender each run
under a lease in the database, so two processes never plan or send the same thing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.delivery import LEASE as SENDER_LEASE
from services.reminders import planner
from services.reminders.planner import Moment, PassReport
from services.workdays import WorkingCalendar
from storage import updates

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=5)
PLANNER_LEASE = "planner"
SEND_EVERY_SECONDS = 10.0
"""The sender looks at the outbox this often; a new card or notice wakes it at once."""


class Reminders:
    def __init__(self, app: App) -> None:
        self._app = app

    def moment(self) -> Moment:
        settings = self._app.settings
        workdays = WorkingCalendar(settings.extra_days_off, settings.extra_working_days)
        return Moment(self._app.clock.now(), settings.zone, settings.reminder_hour, workdays)

    async def plan(self) -> PassReport | None:
        """One planner pass, if this process holds (or can take) the planner lease."""
        app = self._app
        if not await app.leases.take(PLANNER_LEASE):
            return None
        async with app.uow_factory() as uow:
            report = await planner.plan_pass(
                uow, app.programmes, self.moment(), app.settings.staff_chat_id
            )
        if report.planned or report.cancelled:
            log.info("planner: %s", report)
            app.sender.kick.set()
        async with app.engine.connect() as connection:
            await updates.forget_seen(connection, app.clock.now())
        app.metrics.planned(app.clock.now())
        return report

    async def run(self, stop: asyncio.Event) -> None:
        """Plan every few minutes (and at once), send continuously, until `stop`.

        The planner's and the sender's leases are held all along, renewed by a heartbeat
        and given back on the way out, so a command run right after the bot stops finds
        them free, and a bot started after a crash takes over within a minute.
        """
        app = self._app
        for name in (PLANNER_LEASE, SENDER_LEASE):
            await app.leases.take(name)
        keeper = asyncio.create_task(app.leases.keep([PLANNER_LEASE, SENDER_LEASE], stop))
        scheduler = AsyncIOScheduler(timezone=app.settings.zone)
        scheduler.add_job(
            self.plan,
            IntervalTrigger(seconds=PLAN_EVERY.total_seconds(), timezone=app.settings.zone),
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
            try:
                await self.plan()
            except Exception:  # as a scheduled pass would be: logged, and the next one runs
                log.exception("planner: the first pass failed")
            await app.sender.run(stop, SEND_EVERY_SECONDS, app.leases)
        finally:
            scheduler.shutdown(wait=False)
            stop.set()
            await keeper
