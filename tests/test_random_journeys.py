"""Seeded random journeys: a monkey presses what it sees and every step keeps the invariants.

The seeds are fixed, so a failure replays from its seed alone. Other seeds and lengths:
``MONKEY_SEEDS=7,8 MONKEY_STEPS=500``. ``MONKEY_COLLECT=1`` keeps going after a failure and
lists the first failure of every class at the end (the default stops at the first one).
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import AsyncIterator, Callable

import pytest

from bot.emulator import FakeTelegram, RateLimits
from tests.harness import STAFF_CHAT_ID, TOKEN, BotUnderTest, FrozenClock, Person
from tests.monkey import UPDATE_LOG, Monkey, cast

SEEDS = [int(seed) for seed in os.environ.get("MONKEY_SEEDS", "1,2,3").split(",")]
STEPS = int(os.environ.get("MONKEY_STEPS", "400"))
COLLECT = os.environ.get("MONKEY_COLLECT") == "1"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The fake of conftest without flood limits.

    The monkey packs days of use into seconds; with Telegram's per-minute limits the bot
    would spend the run waiting out 429s. The limits have tests of their own.
    """
    server = FakeTelegram(TOKEN, limits=RateLimits(enabled=False))
    await server.start()
    server.world.add_group(STAFF_CHAT_ID, "Сотрудники института")
    yield server
    await server.stop()


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed-{seed}" for seed in SEEDS])
async def test_monkey_presses_what_it_sees(
    seed: int,
    bot: BotUnderTest,
    people: Callable[..., Person],
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=UPDATE_LOG)  # which handler took each update
    rng = random.Random(seed)
    actors = await cast(bot, people, rng)
    monkey = Monkey(bot, clock, actors, rng, seed, lambda: caplog.records, collect=COLLECT)
    try:
        await monkey.run(STEPS)
    finally:
        print(monkey.report)
    if monkey.report.failures:  # only with MONKEY_COLLECT=1; else the run raised at the first
        pytest.fail(monkey.report.failure_classes(), pytrace=False)
