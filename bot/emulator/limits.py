"""Telegram's flood limits as sliding windows and token buckets on an injectable clock."""

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

GLOBAL_SCOPE = "global"


@dataclass
class RateLimits:
    global_per_second: int = 30
    group_per_minute: int = 20
    private_per_second: float = 1.0
    private_burst: int = 3
    enabled: bool = True


class _Window:
    """At most ``limit`` events in any ``span`` seconds."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.events: deque[float] = deque()

    def wait(self, now: float, count: int) -> float:
        while self.events and self.events[0] <= now - self.span:
            self.events.popleft()
        needed = len(self.events) + min(count, self.limit) - self.limit
        if needed <= 0:
            return 0.0
        return self.events[needed - 1] + self.span - now

    def take(self, now: float, count: int) -> None:
        self.events.extend([now] * count)


class _Bucket:
    """A burst of ``capacity`` sends, refilled at ``rate`` per second."""

    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.updated = now

    def wait(self, now: float, count: int) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        missing = min(count, self.capacity) - self.tokens
        return max(missing, 0.0) / self.rate

    def take(self, now: float, count: int) -> None:
        self.tokens = max(self.tokens - count, 0.0)


class RateLimiter:
    """Decides whether a send may go out now.

    A media group counts each item, but never more than a scope's capacity, so
    that a 10-photo album is slow rather than impossible in a private chat.
    """

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._global = _Window(limits.global_per_second, 1.0)
        self._groups: dict[int, _Window] = {}
        self._privates: dict[int, _Bucket] = {}

    def acquire(self, chat_id: int, private: bool, count: int = 1) -> tuple[str | int, int] | None:
        """Take ``count`` slots, or take none and return (scope, retry_after seconds)."""
        if not self.limits.enabled:
            return None
        now = self.clock()
        chat_limit: _Window | _Bucket
        if private:
            chat_limit = self._privates.setdefault(
                chat_id,
                _Bucket(self.limits.private_burst, self.limits.private_per_second, now),
            )
        else:
            chat_limit = self._groups.setdefault(
                chat_id, _Window(self.limits.group_per_minute, 60.0)
            )
        for scope, limit in ((chat_id, chat_limit), (GLOBAL_SCOPE, self._global)):
            wait = limit.wait(now, count)
            if wait > 1e-9:
                return scope, max(1, math.ceil(wait - 1e-9))
        chat_limit.take(now, count)
        self._global.take(now, count)
        return None
