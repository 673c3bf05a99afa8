"""Pacing sends within Telegram's flood limits: 30 a second in all, about one a second per
private chat, 20 a minute per group, and a pause for everyone after a 429."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import timedelta

from aiolimiter import AsyncLimiter


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


class Pacer:
    """Tells each send when it may go out; one per process, shared by every send."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._global = self._bucket(limits.global_per_second, 1.0)
        self._chats: OrderedDict[int, _ChatGate] = OrderedDict()
        self._paused_until = 0.0
        """Event-loop time before which no send call is made (after a 429)."""

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

    async def turn(self, chat_id: int, weight: int = 1) -> None:
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

    def pause(self, seconds: float) -> None:
        resume = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, resume)

    def paused_for(self) -> float:
        """Seconds until sending may resume after a 429 (0 when it may now)."""
        return max(self._paused_until - asyncio.get_running_loop().time(), 0.0)
