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
from collections import OrderedDict, deque
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
from aiolimiter import AsyncLimiter

from bot.config import Settings
from bot.leases import Leases
from bot.telegram import create_bare_bot
from handlers.outgoing import Delivered
from services import languages, outbox, people
from services.outbox import Planned
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


@dataclass(frozen=True)
class Limits:
    """Telegram's limits and how the sender works within them.

    Private chats and the global rate are leaky buckets without a burst, running at
    `headroom` of the limit: Telegram (and the fake server) count sends in sliding windows,
    and a burst or a bit of network jitter would put one message too many into a window.
    Groups are a sliding window of their own (20 a minute): a few cards at once go out at
    once, and the twenty-first waits for the first to leave the window.
    """

    global_per_second: float = 30.0
    private_per_second: float = 1.0
    group_per_minute: float = 20.0
    headroom: float = 0.95
    batch_size: int = 50
    """Rows claimed at a time, and the most in flight at once."""
    chat_limiters: int = 4096
    """Per-chat limiters kept; the least recently used is dropped. Far above the chats used
    within one per-chat period at the global rate plus the batch, so a dropped one is idle."""
    max_attempts: int = 12
    backoff: timedelta = timedelta(seconds=5)
    """First retry delay after a 5xx, a timeout or a broken answer; doubled every attempt."""
    max_backoff: timedelta = timedelta(minutes=10)
    """The longest delay between attempts: with 12 attempts a row is given up after about
    fifty minutes of failures, so a network outage of a few minutes loses nothing."""
    flood_waits: int = 3
    """429s one row waits out while claimed; after that it goes back to the outbox."""


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


class _Window:
    """At most `limit` sends in any `period` seconds (a group's limit, like Telegram's)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = max(limit, 1)
        self.period = period
        self._sent: deque[float] = deque()

    def wait(self, now: float, weight: int) -> float:
        """Seconds until `weight` more sends fit (an album counts each of its items)."""
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()
        over = len(self._sent) + min(weight, self.limit) - self.limit
        return 0.0 if over <= 0 else self._sent[over - 1] + self.period - now

    def take(self, now: float, weight: int) -> None:
        self._sent.extend([now] * min(weight, self.limit))


@dataclass(frozen=True)
class _ChatGate:
    limiter: AsyncLimiter | _Window
    lock: asyncio.Lock
    """Held by the one task of the chat that is waiting for its turn."""


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
    ) -> None:
        self.bot = bot
        self._uow = uow_factory
        self._deliverer = deliverer
        self.owner = owner
        self._clock = clock
        self.limits = limits = limits or Limits()
        self._global = self._bucket(limits.global_per_second, 1.0)
        self._chats: OrderedDict[int, _ChatGate] = OrderedDict()
        self._paused_until = 0.0
        """Event-loop time before which no send call is made (after a 429)."""
        self.kick = asyncio.Event()
        """Set when new rows were written: the running loop drains at once, not at its tick."""

    def _bucket(self, count: float, period: float) -> AsyncLimiter:
        return AsyncLimiter(1, period / (count * self.limits.headroom))

    def _chat_gate(self, chat_id: int) -> _ChatGate:
        gate = self._chats.get(chat_id)
        if gate is None:
            limiter: AsyncLimiter | _Window = (
                self._bucket(self.limits.private_per_second, 1.0)
                if chat_id > 0
                else _Window(int(self.limits.group_per_minute * self.limits.headroom), 60.0)
            )
            gate = self._chats[chat_id] = _ChatGate(limiter, asyncio.Lock())
            if len(self._chats) > self.limits.chat_limiters:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return gate

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
            else:
                log.debug("another process holds the sender lease")
            with suppress(TimeoutError):
                await asyncio.wait_for(_either(stop, self.kick), interval)

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
            return await self._deliver_row(row, now)
        except Exception:
            log.exception("outbox row %d to %d: left claimed", row.id, row.chat_id)
            return Outcome.ERROR

    async def _deliver_row(self, row: Reminder, now: datetime | None) -> Outcome:
        async with self._uow() as uow:
            settings = await uow.settings.get(row.chat_id)
        if settings is not None and settings.muted and not row.mandatory:
            await self._settle(outbox.mark_cancelled, row, "muted")
            return Outcome.SKIPPED_MUTED
        language = languages.effective(settings)
        weight = int(json.loads(row.payload).get("weight", 1))

        for _ in range(self.limits.flood_waits + 1):
            await self._wait_turn(row.chat_id, weight)
            try:
                delivered = await self._deliverer.deliver(self.bot, row, language)
            except TelegramRetryAfter as error:
                self._pause(error.retry_after)
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

        resume_in = self._paused_until - asyncio.get_running_loop().time()
        due_at = (now or self._clock()) + timedelta(seconds=max(resume_in, 0.0))
        async with self._uow() as uow:
            await outbox.mark_retry(uow, row.id, self.owner, due_at, "429 too many times")
        return Outcome.RETRIED

    async def _wait_turn(self, chat_id: int, weight: int = 1) -> None:
        """Return when a message to the chat may go out now: limits and any 429 pause allow it.

        The chat's limiter is taken last, right before the send, so that a wait in the global
        queue cannot shrink the gap between two messages to one chat; it is only checked
        before the global wait, and one task per chat at a time (the gate's lock) waits, so
        that global slots are not spent on a chat that is not ready. A pause that began
        meanwhile sends the task round again: when a pause ends the waiting tasks go out at
        the limiters' pace, not all at once. `weight`: an album counts each of its items.
        """
        loop = asyncio.get_running_loop()
        gate = self._chat_gate(chat_id)
        async with gate.lock:
            while True:
                pause = self._paused_until - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                    continue
                wait = self._chat_wait(gate, loop.time(), weight)
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                for _ in range(weight):
                    await self._global.acquire()
                if loop.time() >= self._paused_until and not self._chat_wait(
                    gate, loop.time(), weight
                ):
                    if isinstance(gate.limiter, _Window):
                        gate.limiter.take(loop.time(), weight)
                    else:
                        await gate.limiter.acquire()  # has capacity: returns at once
                    return

    @staticmethod
    def _chat_wait(gate: _ChatGate, now: float, weight: int) -> float:
        limiter = gate.limiter
        if isinstance(limiter, _Window):
            return limiter.wait(now, weight)
        return 0.0 if limiter.has_capacity() else limiter.time_period / 10

    def _pause(self, seconds: float) -> None:
        resume = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, resume)

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
            await people.mark_unreachable(uow, row.chat_id)
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
