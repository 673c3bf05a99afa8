"""The sender: drains the reminders outbox into Telegram within Telegram's flood limits.

The sender alone decides about waits: its bot has no retry middleware. A 429 pauses every
send until its retry_after has passed; 5xx and timeouts put the row back in the outbox
with a growing delay; a blocked user is marked unreachable and never retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from aiolimiter import AsyncLimiter

from bot.app import create_bare_bot
from bot.config import Settings
from services import languages, outbox, people
from storage.models import Reminder
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

LEASE = "sender"


@dataclass(frozen=True)
class Outgoing:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None


Render = Callable[[Reminder, str], Awaitable[Outgoing | None]]
"""Text of a reminder in a language; None when it no longer applies."""
Mark = Callable[[UnitOfWork, int, str, str], Awaitable[bool]]
"""An outbox transition with a reason: mark_failed, mark_unreachable, mark_cancelled."""


@dataclass(frozen=True)
class Limits:
    """Telegram's limits and how the sender works within them.

    Each limit is a leaky bucket without a burst, running at `headroom` of the limit: Telegram
    (and the fake server) count sends in sliding windows, and a burst or a bit of network
    jitter would put one message too many into a window.
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
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=5)
    """First retry delay after a 5xx or a timeout; doubled for every further attempt."""
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


@dataclass(frozen=True)
class _ChatGate:
    limiter: AsyncLimiter
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
        render: Render,
        owner: str,
        clock: Callable[[], datetime],
        limits: Limits | None = None,
    ) -> None:
        self._bot = bot
        self._uow = uow_factory
        self._render = render
        self._owner = owner
        self._clock = clock
        self._limits = limits = limits or Limits()
        self._global = self._bucket(limits.global_per_second, 1.0)
        self._chats: OrderedDict[int, _ChatGate] = OrderedDict()
        self._paused_until = 0.0
        """Event-loop time before which no send call is made (after a 429)."""

    def _bucket(self, count: float, period: float) -> AsyncLimiter:
        return AsyncLimiter(1, period / (count * self._limits.headroom))

    def _chat_gate(self, chat_id: int) -> _ChatGate:
        gate = self._chats.get(chat_id)
        if gate is None:
            limiter = (
                self._bucket(self._limits.private_per_second, 1.0)
                if chat_id > 0
                else self._bucket(self._limits.group_per_minute, 60.0)
            )
            gate = self._chats[chat_id] = _ChatGate(limiter, asyncio.Lock())
            if len(self._chats) > self._limits.chat_limiters:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return gate

    # ------------------------------------------------------------------ loop

    async def run(
        self,
        stop: asyncio.Event,
        interval: float,
        *,
        lease_ttl: timedelta = timedelta(seconds=60),
        stale_after: timedelta = timedelta(minutes=10),
    ) -> None:
        """Drain every `interval` seconds while holding the lease, until `stop` is set.

        `stale_after` must exceed the longest a row stays claimed here (per-chat waits
        within a batch, 429 waits); rows claimed longer are taken for a dead sender's.
        """
        try:
            while not stop.is_set():
                if await self._hold_lease(lease_ttl):
                    async with self._uow() as uow:
                        recovered = await outbox.recover_stale(uow, self._clock(), stale_after)
                    if recovered:
                        log.warning("recovered %d reminders claimed by a dead sender", recovered)
                    halt = asyncio.Event()
                    keeper = asyncio.create_task(self._keep_lease(stop, halt, lease_ttl))
                    try:
                        report = await self.drain(halt=halt)
                    finally:
                        keeper.cancel()
                        await asyncio.gather(keeper, return_exceptions=True)
                    if report.total:
                        log.info("reminders: %s", report)
                else:
                    log.debug("another sender holds the lease")
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)
        finally:
            async with self._uow() as uow:
                await outbox.release_lease(uow, LEASE, self._owner)

    async def _hold_lease(self, ttl: timedelta) -> bool:
        async with self._uow() as uow:
            return await outbox.acquire_lease(uow, LEASE, self._owner, self._clock(), ttl)

    async def _keep_lease(self, stop: asyncio.Event, halt: asyncio.Event, ttl: timedelta) -> None:
        """Renew the lease during a long drain; halt the drain on stop or when it is lost."""
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), ttl.total_seconds() / 3)
            if stop.is_set() or not await self._hold_lease(ttl):
                if not stop.is_set():
                    log.error("lost the sender lease: stopping this drain")
                halt.set()
                return

    # ----------------------------------------------------------------- drain

    async def drain(
        self, now: datetime | None = None, halt: asyncio.Event | None = None
    ) -> DrainReport:
        """Send what is due (at `now`, else the clock's time) until nothing is, or `halt`.

        Rows are claimed in batches and sent concurrently; the next batch is claimed once
        half of the current one is done, so a slow chat does not stall the rest.
        """
        report = DrainReport()
        size = self._limits.batch_size
        running: set[asyncio.Task[Outcome]] = set()
        exhausted = False
        try:
            while True:
                halted = halt is not None and halt.is_set()
                if not (exhausted or halted) and len(running) <= size // 2:
                    wanted = size - len(running)
                    async with self._uow() as uow:
                        rows = await outbox.claim_due(
                            uow, self._owner, now or self._clock(), wanted
                        )
                    exhausted = len(rows) < wanted
                    running.update(asyncio.create_task(self._deliver(row, now)) for row in rows)
                if not running:
                    return report
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    report.add(task.result())
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _deliver(self, row: Reminder, now: datetime | None) -> Outcome:
        try:
            return await self._deliver_row(row, now)
        except Exception:
            log.exception("reminder %d to %d: left claimed", row.id, row.chat_id)
            return Outcome.ERROR

    async def _deliver_row(self, row: Reminder, now: datetime | None) -> Outcome:
        async with self._uow() as uow:
            settings = await uow.settings.get(row.chat_id)
        if settings is not None and settings.muted and not row.mandatory:
            await self._settle(outbox.mark_cancelled, row, "muted")
            return Outcome.SKIPPED_MUTED
        try:
            outgoing = await self._render(row, languages.effective(settings))
        except Exception as error:
            log.exception("reminder %d: rendering failed", row.id)
            return await self._retry_later(row, now, f"render: {error!r}")
        if outgoing is None:
            await self._settle(outbox.mark_cancelled, row, "no longer applies")
            return Outcome.CANCELLED

        for _ in range(self._limits.flood_waits + 1):
            await self._wait_turn(row.chat_id)
            try:
                await self._bot.send_message(
                    row.chat_id, outgoing.text, reply_markup=outgoing.reply_markup
                )
            except TelegramRetryAfter as error:
                self._pause(error.retry_after)
                log.warning(
                    "reminder %d to %d: 429, pausing all sends for %d s",
                    row.id,
                    row.chat_id,
                    error.retry_after,
                )
                continue
            except (TelegramServerError, TelegramNetworkError) as error:
                return await self._retry_later(row, now, f"{type(error).__name__}: {error}")
            except TelegramForbiddenError as error:
                return await self._forbidden(row, error)
            except TelegramAPIError as error:
                log.warning("reminder %d to %d failed: %s", row.id, row.chat_id, error.message)
                await self._settle(outbox.mark_failed, row, error.message)
                return Outcome.FAILED
            async with self._uow() as uow:
                if not await outbox.mark_sent(uow, row.id, self._owner, now or self._clock()):
                    log.warning("reminder %d was sent but was no longer ours", row.id)
            return Outcome.SENT

        resume_in = self._paused_until - asyncio.get_running_loop().time()
        due_at = (now or self._clock()) + timedelta(seconds=max(resume_in, 0.0))
        async with self._uow() as uow:
            await outbox.mark_retry(uow, row.id, self._owner, due_at, "429 too many times")
        return Outcome.RETRIED

    async def _wait_turn(self, chat_id: int) -> None:
        """Return when a message to the chat may go out now: limits and any 429 pause allow it.

        The chat's limiter is taken last, right before the send, so that a wait in the global
        queue cannot shrink the gap between two messages to one chat; it is only checked
        before the global wait, and one task per chat at a time (the gate's lock) waits, so
        that global slots are not spent on a chat that is not ready. A pause that began
        meanwhile sends the task round again: when a pause ends the waiting tasks go out at
        the limiters' pace, not all at once.
        """
        loop = asyncio.get_running_loop()
        gate = self._chat_gate(chat_id)
        async with gate.lock:
            while True:
                pause = self._paused_until - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                    continue
                if not gate.limiter.has_capacity():
                    await asyncio.sleep(gate.limiter.time_period / 10)
                    continue
                await self._global.acquire()
                if loop.time() >= self._paused_until and gate.limiter.has_capacity():
                    await gate.limiter.acquire()  # has capacity: returns at once
                    return

    def _pause(self, seconds: float) -> None:
        resume = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, resume)

    async def _retry_later(self, row: Reminder, now: datetime | None, error: str) -> Outcome:
        attempt = row.attempts + 1
        if attempt >= self._limits.max_attempts:
            log.warning(
                "reminder %d to %d failed after %d attempts: %s",
                row.id,
                row.chat_id,
                attempt,
                error,
            )
            await self._settle(outbox.mark_failed, row, error)
            return Outcome.FAILED
        delay = self._limits.backoff * 2 ** (attempt - 1)
        log.warning("reminder %d to %d: %s, retrying in %s", row.id, row.chat_id, error, delay)
        async with self._uow() as uow:
            await outbox.mark_retry(uow, row.id, self._owner, (now or self._clock()) + delay, error)
        return Outcome.RETRIED

    async def _forbidden(self, row: Reminder, error: TelegramForbiddenError) -> Outcome:
        log.warning("reminder %d to %d: %s", row.id, row.chat_id, error.message)
        if row.chat_id < 0:  # the bot was removed from the group: nobody to mark
            await self._settle(outbox.mark_failed, row, error.message)
            return Outcome.FAILED
        await self._settle(outbox.mark_unreachable, row, error.message)
        async with self._uow() as uow:
            await people.mark_unreachable(uow, row.chat_id)
        return Outcome.UNREACHABLE

    async def _settle(self, mark: Mark, row: Reminder, reason: str) -> None:
        async with self._uow() as uow:
            await mark(uow, row.id, self._owner, reason)
