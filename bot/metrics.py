"""Prometheus metrics of one bot process (`/metrics`, see bot/health.py).

Counted as things happen: updates by type, the time their handling took, the ones that
failed, what the sender made of outbox rows, Telegram's 429s. Read at each scrape from the
database: the outbox by status and its oldest due row, as every instance sees the same.
Each app has a registry of its own (the tests build many apps in one process).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import ErrorEvent, TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.updates = Counter(
            "coordbot_updates", "Updates handled, by type", ["type"], registry=registry
        )
        self.latency = Histogram(
            "coordbot_update_seconds",
            "Time from taking an update on to the end of its handling",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "coordbot_update_errors", "Updates whose handler raised", ["type"], registry=registry
        )
        self.deliveries = Counter(
            "coordbot_outbox_deliveries",
            "Outbox rows the sender settled, by outcome (sent, unreachable, failed, …)",
            ["outcome"],
            registry=registry,
        )
        self.floods = Counter(
            "coordbot_flood_waits",
            "429 Too Many Requests answered to the sender",
            registry=registry,
        )
        self.outbox = Gauge(
            "coordbot_outbox_rows",
            "Outbox rows by status, at the scrape",
            ["status"],
            registry=registry,
        )
        self.oldest_due = Gauge(
            "coordbot_outbox_oldest_due_seconds",
            "How long the oldest due, unsent outbox row has been due (0: none)",
            registry=registry,
        )
        self.planner_pass = Gauge(
            "coordbot_planner_last_pass_timestamp_seconds",
            "When this process last ran the reminder planner (Unix time; 0: never)",
            registry=registry,
        )
        self.last_planner_pass: datetime | None = None

    def planned(self, at: datetime) -> None:
        """This process ran a planner pass at `at`."""
        self.last_planner_pass = at
        self.planner_pass.set(at.timestamp())


class UpdateMetrics(BaseMiddleware):
    """Counts each update by type and times it (an outer middleware of the update)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            self._metrics.latency.observe(time.perf_counter() - started)
            self._metrics.updates.labels(kind).inc()


class ErrorMetrics(BaseMiddleware):
    """Counts the updates that reached the error handler (an outer middleware of errors)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, ErrorEvent):
            self._metrics.errors.labels(event.update.event_type).inc()
        return await handler(event, data)
