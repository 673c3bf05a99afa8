"""Operations: /healthz and /metrics beside the bot, JSON log lines."""

from __future__ import annotations

import json
import logging
import socket
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from bot.health import start_health
from bot.logs import JsonFormatter
from services import outbox
from storage.db import create_engine
from tests.harness import BotUnderTest, Person
from tests.test_delivery import planned


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def health(bot: BotUnderTest) -> AsyncIterator[str]:
    """/healthz and /metrics of the bot under test: their base URL."""
    assert bot.app is not None
    port = _free_port()
    bot.app.settings = bot.app.settings.model_copy(update={"health_listen": f"127.0.0.1:{port}"})
    runner = await start_health(bot.app, lambda: True)
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def _a_reminder_due_for(bot: BotUnderTest, minutes: int) -> None:
    assert bot.app is not None
    async with bot.app.uow_factory() as uow:
        due = bot.clock.now() - timedelta(minutes=minutes)
        await outbox.plan(uow, [planned("due-row", 1000, due)])


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status, await answer.text()


async def test_healthz_is_200_with_the_facts_and_503_when_the_database_is_gone(
    bot: BotUnderTest, health: str, coordinator: Person
) -> None:
    assert bot.app is not None
    await _a_reminder_due_for(bot, minutes=2)
    status, body = await _get(f"{health}/healthz")
    facts = json.loads(body)
    assert status == 200, facts
    assert facts["database"] == "ok" and facts["healthy"] is True
    assert facts["outbox"].get("planned") == 1 and facts["oldest_due_seconds"] == 120
    assert facts["planner_pass_seconds_ago"] is None  # no planner in this process yet

    working = bot.app.engine
    bot.app.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        status, body = await _get(f"{health}/healthz")
    finally:
        await bot.app.engine.dispose()
        bot.app.engine = working
    facts = json.loads(body)
    assert status == 503 and facts["healthy"] is False
    assert facts["database"].startswith("unreachable")


async def test_metrics_count_updates_by_type_and_show_the_outbox(
    bot: BotUnderTest, health: str, coordinator: Person
) -> None:
    await coordinator.send("📣 Анонс мероприятия")
    await _a_reminder_due_for(bot, minutes=1)
    status, body = await _get(f"{health}/metrics")
    assert status == 200
    lines = body.splitlines()
    # the coordinator fixture's /start and this message
    assert 'coordbot_updates_total{type="message"} 2.0' in lines
    assert "coordbot_update_seconds_count 2.0" in lines
    assert 'coordbot_outbox_rows{status="planned"} 1.0' in lines
    assert "coordbot_outbox_oldest_due_seconds 60.0" in lines
    assert "coordbot_flood_waits_total 0.0" in lines


def test_json_log_lines_are_one_object_each() -> None:
    try:
        raise ValueError("broken «данные»")
    except ValueError:
        record = logging.LogRecord(
            "coordbot.updates",
            logging.ERROR,
            __file__,
            1,
            "update %s: %s",
            (7, "ой"),
            sys.exc_info(),
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "coordbot.updates"
    assert entry["message"] == "update 7: ой"
    assert "ValueError: broken «данные»" in entry["exception"]


async def test_healthz_is_503_while_the_bot_takes_no_updates(bot: BotUnderTest) -> None:
    assert bot.app is not None
    port = _free_port()
    bot.app.settings = bot.app.settings.model_copy(update={"health_listen": f"127.0.0.1:{port}"})
    runner = await start_health(bot.app, lambda: False)  # polling stopped, or not started yet
    try:
        status, body = await _get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await runner.cleanup()
    facts = json.loads(body)
    assert status == 503 and facts["database"] == "ok" and facts["taking_updates"] is False
