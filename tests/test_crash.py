"""A real `python -m bot` killed between the commit of a sent submission and its card."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.emulator import FakeTelegram, RateLimits
from services.domain import SubmissionStatus
from storage.db import create_engine, create_session_factory
from storage.models import Submission
from storage.uow import UnitOfWorkFactory
from tests import seed
from tests.harness import STAFF_CHAT_ID, TOKEN, BotUnderTest, FrozenClock, Person
from tests.test_command_line import _env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


async def _status(url: str, number: int) -> SubmissionStatus | None:
    engine = create_engine(url)
    try:
        async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
            found = await uow.session.get(Submission, number)
            return found.status if found else None
    finally:
        await engine.dispose()


def _cards(fake: FakeTelegram) -> list[str]:
    return [
        m.text or ""
        for m in fake.bot_messages(STAFF_CHAT_ID)
        if (m.text or "").startswith("Анонс мероприятия № 1")
    ]


def _bot_starter(
    tmp_path: Path, fake: FakeTelegram, database_url: str
) -> Callable[[], Awaitable[asyncio.subprocess.Process]]:
    """Starts a real `python -m bot run` against the fake, over the test's database."""
    env = _env(
        tmp_path,
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=fake.base_url,
        DATABASE_URL=database_url,
        STAFF_CHAT_ID=str(STAFF_CHAT_ID),
        LOG_LEVEL="WARNING",
    )

    async def start_bot() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "run"),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    return start_bot


async def test_killed_after_the_commit_the_card_arrives_once_after_restart(
    tmp_path: Path, database_url: str
) -> None:
    async with FakeTelegram(TOKEN, limits=RateLimits(private_burst=50)) as fake:
        fake.world.add_group(STAFF_CHAT_ID, "Сотрудники института")
        # The coordinator fills in an announcement up to its preview, in this process.
        clock = FrozenClock(datetime.now(UTC))
        in_process = BotUnderTest(fake, database_url, clock)
        await in_process.start()
        assert in_process.app is not None
        await seed.schools(in_process.app)
        maria = Person(in_process, fake.world.add_user(5001, "Мария"))
        await seed.coordinator(in_process.app, maria)
        when = (clock.now() + timedelta(days=60)).strftime("%d.%m.%Y 10:00")
        await maria.send("📣 Анонс мероприятия")
        for answer in ("Семинар", None, when, "Актовый зал", "Учителя района"):
            if answer is None:
                await maria.press("семинар")
            else:
                await maria.send(answer)
        await maria.press("Пропустить")
        await maria.send("Описание")
        preview = maria.last
        assert "Отправить" in str(preview.buttons())
        await in_process.stop()

        start_bot = _bot_starter(tmp_path, fake, database_url)

        process = await start_bot()
        try:
            seen = len(maria.messages())
            fake.enqueue(fake.message_update(maria.user, "/help"))  # the bot is up and idle
            await fake.wait_until(lambda: len(maria.messages()) > seen, within=30)
            await asyncio.sleep(1)
            # The first call after the commit hangs, and the process dies with the card
            # unsent; should the sender wake meanwhile, Telegram fails the card.
            fake.delay_next("editMessageReplyMarkup", 20)
            fake.fail_next("sendMessage", 502, chat_id=STAFF_CHAT_ID)
            fake.enqueue(fake.press(maria.user, preview, "Отправить"))
            for _ in range(300):
                if await _status(database_url, 1) is SubmissionStatus.SENT:
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the submission was never marked sent")
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert _cards(fake) == [], "killed before the card went out"

        process = await start_bot()
        try:
            await fake.wait_until(
                lambda: _cards(fake), within=90
            )  # a restart on a busy machine is slow
            await asyncio.sleep(1.0)  # time enough for a second copy, were one coming
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=30) == 0
        assert len(_cards(fake)) == 1


async def test_killed_in_the_middle_of_a_dialog_it_goes_on_at_the_same_step(
    tmp_path: Path, database_url: str
) -> None:
    async with FakeTelegram(TOKEN, limits=RateLimits(private_burst=50)) as fake:
        fake.world.add_group(STAFF_CHAT_ID, "Сотрудники института")
        clock = FrozenClock(datetime.now(UTC))
        in_process = BotUnderTest(fake, database_url, clock)
        await in_process.start()
        assert in_process.app is not None
        await seed.schools(in_process.app)
        maria = Person(in_process, fake.world.add_user(5001, "Мария"))
        await seed.coordinator(in_process.app, maria)
        await in_process.stop()
        start_bot = _bot_starter(tmp_path, fake, database_url)

        async def answered(update: dict[str, object]) -> str:
            seen = len(maria.messages())
            fake.enqueue(update)
            await fake.wait_until(lambda: len(maria.messages()) > seen, within=30)
            return maria.last.text or ""

        process = await start_bot()
        try:
            await answered(fake.message_update(maria.user, "📣 Анонс мероприятия"))
            asked = await answered(fake.message_update(maria.user, "Семинар «Цифровая школа»"))
            assert "Шаг 2" in asked
            kinds = maria.last
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()

        process = await start_bot()
        try:
            # The keyboard of the question asked before the kill still works ...
            asked = await answered(fake.press(maria.user, kinds, "семинар"))
            assert "Шаг 3" in asked
            when = (clock.now() + timedelta(days=60)).strftime("%d.%m.%Y 10:00")
            for answer in (when, "Актовый зал", "Учителя района"):
                await answered(fake.message_update(maria.user, answer))
            await answered(fake.press(maria.user, maria.last, "Пропустить"))
            preview = await answered(fake.message_update(maria.user, "Описание"))
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=30) == 0
        # ... and the answer given before it is kept.
        assert "Семинар «Цифровая школа»" in preview and "Актовый зал" in preview
