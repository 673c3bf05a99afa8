"""The sender: drains the outbox into Telegram within Telegram's flood limits.

The outbox holds every message that carries a state change (cards, notices, publications)
and the reminders. The sender alone decides about waits: its bot has no retry middleware.
A 429 pauses every send until its retry_after has passed; 5xx, timeouts, a dropped
connection and a malformed answer put the row back in the outbox with a growing delay; a
blocked user is marked unreachable and never retried; a request Telegram refuses fails the
row at once. Rows of one chat are claimed one at a time, in order (see `claim_due`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.config import Settings
from bot.leases import Leases
from bot.metrics import Metrics
from bot.pacing import Limits, Pacer
from bot.telegram import create_bare_bot
from handlers.outgoing import Delivered
from services import outbox
from services.outbox import Planned
from services.people import languages, reachability
from storage.models import Reminder
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

LEASE = "sender"


class Deliverer(Protocol):
    async def deliver(self, bot: Bot, row: Reminder, language: str) -> Delivered | None:
        """Make the row's one Telegram call; None when it no longer applies."""

    async def undelivered(self, row: Reminder, now: datetime) -> list[Planned]:
        """What to write to the outbox when the row is given up for good."""


Mark = Callable[[UnitOfWork, int, str, str], Awaitable[bool]]
"""An outbox transition with a reason: mark_failed, mark_unreachable, mark_cancelled."""


class Outcome(StrEnum):
    SENT = "sent"
    RETRIED = "retried"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    SKIPPED_MUTED = "skipped_muted"
    CANCELLED = "cancelled"
    ERROR = "error"
    """Something other than Telegram failed (the database); the row stays claimed."""


@dataclass
class DrainReport:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome] += 1

    @property
    def sent(self) -> int:
        return self.counts[Outcome.SENT]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        return ", ".join(f"{outcome.value} {count}" for outcome, count in self.counts.items())


def create_sender_bot(settings: Settings) -> Bot:
    """The bot of the sender: same server as the app's bot, without RetryMiddleware."""
    return create_bare_bot(settings)


class Sender:
    def __init__(
        self,
        bot: Bot,
        uow_factory: UnitOfWorkFactory,
        deliverer: Deliverer,
        owner: str,
        clock: Callable[[], datetime],
        limits: Limits | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.bot = bot
        self._metrics = metrics or Metrics()
        self._uow = uow_factory
        self._deliverer = deliverer
        self.owner = owner
        self._clock = clock
        self.limits = limits = limits or Limits()
        self._pacer = Pacer(limits)
        self.kick = asyncio.Event()
        """Set when new rows were written: the running loop drains at once, not at its tick."""

    # ------------------------------------------------------------------ loop

    async def run(
        self,
        stop: asyncio.Event,
        interval: float,
        leases: Leases,
        *,
        stale_after: timedelta = timedelta(minutes=10),
    ) -> None:
        """Drain while this process holds the sender lease: when kicked, else every `interval`.

        `stale_after` must exceed the longest a row stays claimed here (per-chat waits
        within a batch, 429 waits); rows claimed longer are taken for a dead sender's.
        """
        recovered_at: datetime | None = None
        while not stop.is_set():
            self.kick.clear()
            if leases.holds(LEASE):
                try:
                    recovered_at = await self._round(leases, recovered_at, interval, stale_after)
                except Exception:  # the database away for a moment: the next round goes on
                    log.exception("outbox: a round failed; trying again in %s s", interval)
            else:
                log.debug("another process holds the sender lease")
            with suppress(TimeoutError):
                await asyncio.wait_for(_either(stop, self.kick), interval)

    async def _round(
        self,
        leases: Leases,
        recovered_at: datetime | None,
        interval: float,
        stale_after: timedelta,
    ) -> datetime | None:
        """Take over a dead sender's rows, now and then recover stale claims, then drain."""
        if dead := leases.predecessors.pop(LEASE, None):
            async with self._uow() as uow:
                recovered = await outbox.release_claims_of(uow, dead)
            log.warning("took over %d outbox rows claimed by %s", recovered, dead)
        now = self._clock()
        if recovered_at is None or now - recovered_at >= timedelta(seconds=interval):
            async with self._uow() as uow:
                recovered = await outbox.recover_stale(uow, now, stale_after)
            recovered_at = now
            if recovered:
                log.warning("recovered %d outbox rows claimed by a dead sender", recovered)
        report = await self.drain(halt=leases.lost(LEASE))
        if report.total:
            log.info("outbox: %s", report)
        return recovered_at

    # ----------------------------------------------------------------- drain

    async def drain(
        self, now: datetime | None = None, halt: asyncio.Event | None = None
    ) -> DrainReport:
        """Send what is due (at `now`, else the clock's time) until nothing is, or `halt`.

        Rows are claimed in batches and sent concurrently; the next batch is claimed once
        half of the current one is done, so a slow chat does not stall the rest. A chat's
        next row can be claimed only once its previous one is settled, so claiming goes on
        after every finished row until a claim finds nothing.
        """
        report = DrainReport()
        size = self.limits.batch_size
        running: set[asyncio.Task[Outcome]] = set()
        exhausted = False
        try:
            while True:
                halted = halt is not None and halt.is_set()
                if not (exhausted or halted) and len(running) <= size // 2:
                    wanted = size - len(running)
                    async with self._uow() as uow:
                        rows = await outbox.claim_due(uow, self.owner, now or self._clock(), wanted)
                    exhausted = len(rows) < wanted
                    running.update(asyncio.create_task(self._deliver(row, now)) for row in rows)
                if not running:
                    return report
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    report.add(task.result())
                exhausted = False  # a settled row may have been the head of its chat's queue
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _deliver(self, row: Reminder, now: datetime | None) -> Outcome:
        try:
            outcome = await self._deliver_row(row, now)
        except Exception:
            log.exception("outbox row %d to %d: left claimed", row.id, row.chat_id)
            outcome = Outcome.ERROR
        self._metrics.deliveries.labels(outcome.value).inc()
        return outcome

    async def _deliver_row(self, row: Reminder, now: datetime | None) -> Outcome:
        async with self._uow() as uow:
            settings = await uow.settings.get(row.chat_id)
        if settings is not None and settings.muted and not row.mandatory:
            await self._settle(outbox.mark_cancelled, row, "muted")
            return Outcome.SKIPPED_MUTED
        language = languages.effective(settings)
        weight = int(json.loads(row.payload).get("weight", 1))

        for _ in range(self.limits.flood_waits + 1):
            await self._pacer.turn(row.chat_id, weight)
            try:
                delivered = await self._deliverer.deliver(self.bot, row, language)
            except TelegramRetryAfter as error:
                self._metrics.floods.inc()
                self._pacer.pause(error.retry_after)
                log.warning(
                    "outbox row %d to %d: 429, pausing all sends for %d s",
                    row.id,
                    row.chat_id,
                    error.retry_after,
                )
                continue
            except TelegramForbiddenError as error:
                return await self._forbidden(row, now, error)
            except (TelegramServerError, TelegramNetworkError) as error:
                return await self._retry_later(row, now, f"{type(error).__name__}: {error}")
            except TelegramAPIError as error:
                log.warning("outbox row %d to %d refused: %s", row.id, row.chat_id, error.message)
                await self._give_up(row, now, error.message)
                return Outcome.FAILED
            except Exception as error:  # a broken answer, a timeout, our own bug: try again
                log.warning("outbox row %d to %d: %r", row.id, row.chat_id, error, exc_info=True)
                return await self._retry_later(row, now, repr(error))
            if delivered is None:
                await self._settle(outbox.mark_cancelled, row, "no longer applies")
                return Outcome.CANCELLED
            async with self._uow() as uow:
                if not await outbox.mark_sent(
                    uow,
                    row.id,
                    self.owner,
                    now or self._clock(),
                    delivered.message_id,
                    delivered.settle,
                ):
                    log.warning("outbox row %d was sent but was no longer ours", row.id)
            return Outcome.SENT

        due_at = (now or self._clock()) + timedelta(seconds=self._pacer.paused_for())
        async with self._uow() as uow:
            await outbox.mark_retry(uow, row.id, self.owner, due_at, "429 too many times")
        return Outcome.RETRIED

    async def _retry_later(self, row: Reminder, now: datetime | None, error: str) -> Outcome:
        attempt = row.attempts + 1
        if attempt >= self.limits.max_attempts:
            log.warning(
                "outbox row %d to %d failed after %d attempts: %s",
                row.id,
                row.chat_id,
                attempt,
                error,
            )
            await self._give_up(row, now, error)
            return Outcome.FAILED
        delay = min(self.limits.backoff * 2 ** (attempt - 1), self.limits.max_backoff)
        log.warning("outbox row %d to %d: %s, retrying in %s", row.id, row.chat_id, error, delay)
        async with self._uow() as uow:
            await outbox.mark_retry(uow, row.id, self.owner, (now or self._clock()) + delay, error)
        return Outcome.RETRIED

    async def _forbidden(
        self, row: Reminder, now: datetime | None, error: TelegramForbiddenError
    ) -> Outcome:
        log.warning("outbox row %d to %d: %s", row.id, row.chat_id, error.message)
        if row.chat_id <= 0:  # the bot was removed from the group: nobody to mark
            await self._give_up(row, now, error.message)
            return Outcome.FAILED
        await self._settle(outbox.mark_unreachable, row, error.message)
        async with self._uow() as uow:
            await reachability.mark_unreachable(uow, row.chat_id)
        return Outcome.UNREACHABLE

    async def _give_up(self, row: Reminder, now: datetime | None, error: str) -> None:
        """Failed for good; with it, in one transaction, whatever must follow (a notice)."""
        following = await self._deliverer.undelivered(row, now or self._clock())

        async def then(uow: UnitOfWork) -> None:
            await outbox.add(uow, following)

        async with self._uow() as uow:
            await outbox.mark_failed(uow, row.id, self.owner, error, then)

    async def _settle(self, mark: Mark, row: Reminder, reason: str) -> None:
        async with self._uow() as uow:
            await mark(uow, row.id, self.owner, reason)


async def _either(*events: asyncio.Event) -> None:
    """Return once any of the events is set."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
