"""Throughput benchmark: coordinators walking through the announcement dialog at once.

    .venv/bin/python -m bench.throughput                 # 3 repetitions, the defaults below
    .venv/bin/python -m bench.throughput --coordinators 50 --walks 4 --repeat 1

The parent process runs the fake Bot API server (bot/emulator) with its flood limits
switched off for this measurement only, and drives simulated people: it puts their messages
and button presses into the fake's getUpdates queue and reads what the bot answered. The bot
under test runs in a child process and polls the fake over HTTP, as in production: the real
dispatcher, middlewares, handlers and a SQLite database. A bare aiogram echo bot (one
handler: it answers each message with its text) runs on the same fake as the baseline.

Measured for each, in the same run:
- closed loop: every person sends their next update as soon as the answer to the previous
  one arrives; updates/s, and the latency from an update entering the queue to the bot's
  answer reaching the fake (p50, p95);
- CPU ms per update: the child's CPU time (user + system) over the updates it handled;
- open loop (coordbot): updates offered at a fixed rate whatever the answers; latency is
  counted from the moment an update was due (so a queue that builds up shows);
- burst (coordbot): 200 coordinators press «📂 Мои документы» in one moment; seconds until the
  last one is answered;
- SQL statements, transactions and commits per dialog step (coordbot), counted in the child
  by SQLAlchemy events and attributed to the update that ran them.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import databases
from bot.emulator import FakeTelegram, RateLimits, SentMessage, User

TOKEN = "123456789:BENCH-token"
STAFF_CHAT_ID = -1001000000001
FIRST_USER = 20_000_000
BURST = 200
MENU = "📣 Анонс мероприятия"
MINE = "📂 Мои документы"


# ------------------------------------------------------------------ the walk


@dataclass(frozen=True)
class Step:
    """One thing a coordinator does: type `text`, or press the button labelled `press`."""

    text: str | None = None
    press: str | None = None
    dialog: bool = True
    """A step inside the form (what "a dialog step" means in the figures)."""


def walk(event_day: str) -> list[Step]:
    """The announcement from the menu to its preview, then «Отмена» (the draft stays)."""
    return [
        Step(text=MENU, dialog=False),
        Step(text="Семинар «Цифровая школа»"),
        Step(press="семинар"),
        Step(text=f"{event_day} 10:00"),
        Step(text="Актовый зал"),
        Step(text="Учителя района"),
        Step(press="Пропустить"),
        Step(text="Как вести цифровой урок"),
        Step(press="Отмена", dialog=False),
    ]


AGAIN = Step(press="Начать заново", dialog=False)
"""The second walk finds the draft of the first: start it over."""


# ------------------------------------------------------------------ people at their phones


@dataclass
class Person:
    user: User
    steps: list[Step]
    latencies: list[float] = field(default_factory=list)


class Driver:
    """Feeds people's updates into the fake and waits for the bot's answers."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.dialog_updates: set[str] = set()
        """Ids of the updates that answered a form's question."""
        self._waiting: dict[int, asyncio.Event] = {}
        fake.on_bot_message = self._arrived

    def _arrived(self, message: SentMessage) -> None:
        if (event := self._waiting.get(message.chat_id)) is not None:
            event.set()

    def update_for(self, person: Person, step: Step) -> dict[str, Any]:
        if step.text is not None:
            return self.fake.message_update(person.user, step.text)
        assert step.press is not None
        message = _newest_with(self.fake.bot_messages(person.user.id), step.press)
        return self.fake.press(person.user, message, step.press)

    async def act(self, person: Person, step: Step, due: float | None = None) -> None:
        """Send the step and wait for the answer; latency counts from `due` if given."""
        start = due if due is not None else time.monotonic()
        update = self.update_for(person, step)
        if step.dialog:
            self.dialog_updates.add(str(update["update_id"]))
        answered = self._waiting[person.user.id] = asyncio.Event()
        await self.send(update)
        await answered.wait()
        person.latencies.append(time.monotonic() - start)

    async def send(self, update: dict[str, Any]) -> None:
        """Hand `update` to the bot: here into the getUpdates queue it polls."""
        self.fake.enqueue(update)

    async def all_answered(self, people: Sequence[Person], update: str) -> None:
        """Everyone sends `update` at once; returns when each has an answer."""
        events = [asyncio.Event() for _ in people]
        for person, event in zip(people, events, strict=True):
            self._waiting[person.user.id] = event
        self.fake.enqueue(*(self.fake.message_update(p.user, update) for p in people))
        await asyncio.gather(*(event.wait() for event in events))


def _newest_with(messages: Sequence[SentMessage], label: str) -> SentMessage:
    for message in reversed(messages):
        if message.inline_keyboard and any(
            label in button.text for row in message.buttons() for button in row
        ):
            return message
    raise AssertionError(f"no button {label!r}; last: {messages[-1].text!r}")


# ------------------------------------------------------------------ children


def _settings_env(api_url: str, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=api_url,
        DATABASE_URL=database_url,
        STAFF_CHAT_ID=str(STAFF_CHAT_ID),
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
    )
    return env


async def _child_coordbot(args: argparse.Namespace) -> None:
    """The bot under test: dispatcher polling, SQL counted per update; no planner or sender
    (nothing here writes to the outbox: the walks end before sending)."""
    from contextvars import ContextVar

    from aiogram import BaseMiddleware
    from sqlalchemy import event

    from bot.app import create_app
    from bot.config import Settings
    from services.programmes.loader import load_presets

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    app = create_app(settings, load_presets(settings.programme))
    current: ContextVar[str] = ContextVar("bench_update", default="")
    statements: dict[str, int] = {}
    commits: dict[str, int] = {}
    transactions: dict[str, int] = {}

    def on_begin(*_: object) -> None:
        key = current.get()
        transactions[key] = transactions.get(key, 0) + 1

    def on_statement(*_: object) -> None:
        key = current.get()
        statements[key] = statements.get(key, 0) + 1

    def on_commit(*_: object) -> None:
        key = current.get()
        commits[key] = commits.get(key, 0) + 1

    event.listen(app.engine.sync_engine, "before_cursor_execute", on_statement)
    event.listen(app.engine.sync_engine, "commit", on_commit)
    event.listen(app.engine.sync_engine, "begin", on_begin)

    class Tag(BaseMiddleware):
        async def __call__(self, handler: Any, update: Any, data: dict[str, Any]) -> Any:
            current.set(str(update.update_id))
            return await handler(update, data)

    app.dispatcher.update.outer_middleware._middlewares.insert(0, Tag())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    polling = asyncio.create_task(
        app.dispatcher.start_polling(app.bot, handle_signals=False, polling_timeout=1)
    )
    profile = cProfile.Profile() if args.profile else None
    if profile is not None:
        profile.enable()
    await stop.wait()
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile)
    await app.dispatcher.stop_polling()
    await polling
    await app.close()
    counted = {"statements": statements, "commits": commits, "transactions": transactions}
    print(json.dumps(counted), flush=True)


async def _child_echo(args: argparse.Namespace) -> None:
    """The baseline: a bare aiogram bot that answers every message with its own text."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(args.api_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    await stop.wait()
    await dispatcher.stop_polling()
    await polling
    await bot.session.close()
    print(json.dumps({}), flush=True)


@dataclass
class Child:
    process: asyncio.subprocess.Process

    def cpu(self) -> float:
        """CPU seconds (user + system) the child has used so far, from /proc (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def finish(self) -> dict[str, Any]:
        """Stop it; what it printed."""
        self.process.send_signal(signal.SIGTERM)
        out, _ = await self.process.communicate()
        parsed: dict[str, Any] = json.loads(out.decode().strip() or "{}")
        return parsed


async def spawn(kind: str, api_url: str, database_url: str, profile: str | None = None) -> Child:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.throughput",
        f"--child={kind}",
        f"--api-url={api_url}",
        *([f"--profile={profile}"] if profile and kind == "coordbot" else []),
        env=_settings_env(api_url, database_url),
        stdout=asyncio.subprocess.PIPE,
    )
    _spawned.append(process)
    return Child(process)


_spawned: list[asyncio.subprocess.Process] = []
"""Every child started, so that a failed run leaves none polling a fake that is gone."""


# ------------------------------------------------------------------ the parent


@dataclass
class Figures:
    updates: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


async def _seed(database_url: str, count: int) -> None:
    from services.domain import Role
    from storage.db import create_engine, create_session_factory
    from storage.models import Membership, Person, School, UserSettings

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        now = datetime.now(UTC)
        for index in range(count):
            school = School(name=f"МБОУ СОШ № {index + 1}", district="Центральный")
            school.refresh_keys()
            person = Person(
                telegram_id=FIRST_USER + index,
                full_name=f"Иванова Мария {index}",
                position="Заместитель директора",
                consent_at=now,
            )
            session.add_all([school, person])
            await session.flush()
            session.add(Membership(person_id=person.id, school_id=school.id, role=Role.COORDINATOR))
            session.add(UserSettings(telegram_id=person.telegram_id))
        await session.commit()
    await engine.dispose()


async def _closed_loop(driver: Driver, people: list[Person], walks: int, day: str) -> Figures:
    async def one(person: Person) -> None:
        for number in range(walks):
            steps = walk(day)
            if number:
                steps.insert(1, AGAIN)
            for step in steps:
                await driver.act(person, step)

    start = time.monotonic()
    await asyncio.gather(*(one(person) for person in people))
    seconds = time.monotonic() - start
    latencies = [latency for person in people for latency in person.latencies]
    return Figures(len(latencies), seconds, 0.0, latencies)


async def _open_loop(driver: Driver, people: list[Person], rate: float, day: str) -> Figures:
    """Each person walks once; person i starts at i/rate and takes a step every N/rate s."""
    gap = len(people) / rate

    async def one(index: int, person: Person) -> None:
        origin = time.monotonic() + index / rate
        for number, step in enumerate(walk(day)):
            due = origin + number * gap
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            await driver.act(person, step, due=due)

    start = time.monotonic()
    await asyncio.gather(*(one(i, person) for i, person in enumerate(people)))
    latencies = [latency for person in people for latency in person.latencies]
    return Figures(len(latencies), time.monotonic() - start, 0.0, latencies)


async def _burst(driver: Driver, people: list[Person]) -> float:
    start = time.monotonic()
    await driver.all_answered(people, MINE)
    return time.monotonic() - start


async def _echo(fake: FakeTelegram, api_url: str, url: str, users: int, each: int) -> Figures:
    people = [
        Person(fake.world.add_user(FIRST_USER + 900_000 + i, f"Эхо {i}", started=True), [])
        for i in range(users)
    ]
    child = await spawn("echo", api_url, url)
    driver = Driver(fake)
    await driver.act(people[0], Step(text="разминка"))
    people[0].latencies.clear()
    start, cpu = time.monotonic(), child.cpu()

    async def one(person: Person) -> None:
        for number in range(each):
            await driver.act(person, Step(text=f"сообщение {number}"))

    await asyncio.gather(*(one(person) for person in people))
    seconds, cpu = time.monotonic() - start, child.cpu() - cpu
    await child.finish()
    latencies = [latency for person in people for latency in person.latencies]
    return Figures(len(latencies), seconds, cpu, latencies)


def _people(fake: FakeTelegram, start: int, end: int) -> list[Person]:
    """The seeded coordinators start..end-1, as Telegram users who have started the bot."""
    world = fake.world
    return [
        Person(
            world.users.get(FIRST_USER + i)
            or world.add_user(FIRST_USER + i, f"Учитель {i}", started=True),
            [],
        )
        for i in range(start, end)
    ]


async def _coordbot(
    fake: FakeTelegram, api_url: str, url: str, args: argparse.Namespace
) -> dict[str, Any]:
    day = (datetime.now(UTC) + timedelta(days=60)).strftime("%d.%m.%Y")
    walkers = _people(fake, 0, args.coordinators)
    child = await spawn("coordbot", api_url, url, args.profile)
    driver = Driver(fake)
    await driver.act(walkers[0], Step(text="/start", dialog=False))  # the bot is up
    walkers[0].latencies.clear()
    cpu = child.cpu()
    closed = await _closed_loop(driver, walkers, args.walks, day)
    closed.cpu = child.cpu() - cpu
    strollers = _people(fake, args.coordinators, args.coordinators + args.open_people)
    opened = await _open_loop(driver, strollers, args.rate, day)
    burst = await _burst(driver, _people(fake, 0, BURST))
    counted = await child.finish()
    statements, commits = counted.get("statements", {}), counted.get("commits", {})
    transactions = counted.get("transactions", {})
    steps = driver.dialog_updates
    return {
        "closed": closed,
        "open": opened,
        "burst": burst,
        "statements": statistics.mean(statements.get(u, 0) for u in steps),
        "commits": statistics.mean(commits.get(u, 0) for u in steps),
        "transactions": statistics.mean(transactions.get(u, 0) for u in steps),
    }


async def _run_once(args: argparse.Namespace, url: str) -> dict[str, Any]:
    fake = FakeTelegram(TOKEN, limits=RateLimits(enabled=False))
    api_url = await fake.start()
    fake.world.add_group(STAFF_CHAT_ID, "Сотрудники")
    try:
        await _seed(url, max(args.coordinators + args.open_people, BURST))
        echo = await _echo(fake, api_url, url, args.coordinators, args.echo_messages)
        return {"echo": echo, **await _coordbot(fake, api_url, url, args)}
    finally:
        await _stop_children()
        await fake.stop()


async def _stop_children() -> None:
    for process in _spawned:
        if process.returncode is None:
            process.kill()
            await process.wait()
    _spawned.clear()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput")
    parser.add_argument("--coordinators", type=int, default=50)
    parser.add_argument("--walks", type=int, default=2)
    parser.add_argument("--rate", type=float, default=50.0, help="open loop, updates/s")
    parser.add_argument("--open-people", type=int, default=200)
    parser.add_argument("--echo-messages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile", metavar="FILE", help="write a cProfile of the bot under test to FILE"
    )
    databases.add_option(parser)
    parser.add_argument("--child", choices=["coordbot", "echo"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "coordbot":
        asyncio.run(_child_coordbot(args))
        return 0
    if args.child == "echo":
        asyncio.run(_child_echo(args))
        return 0
    results = []
    for _ in range(args.repeat):
        with databases.database(args.postgres) as url:
            results.append(asyncio.run(_run_once(args, url)))
    report(results, args)
    return 0


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"machine: {os.cpu_count()} cores; fake Bot API flood limits off for this run")
    print(
        f"{args.coordinators} coordinators × {args.walks} walks (closed loop); "
        f"open loop {args.rate:g} updates/s over {args.open_people} people; burst {BURST}"
    )
    for number, result in enumerate(results, start=1):
        echo, closed, opened = result["echo"], result["closed"], result["open"]
        print(f"--- run {number}")
        print(
            f"echo     {echo.rate:7.1f} updates/s  cpu {1000 * echo.cpu / max(echo.updates, 1):6.2f} ms/update"
            f"  p50 {echo.percentile(0.5):6.1f} ms  p95 {echo.percentile(0.95):6.1f} ms"
        )
        print(
            f"coordbot {closed.rate:7.1f} updates/s  cpu {1000 * closed.cpu / max(closed.updates, 1):6.2f} ms/update"
            f"  p50 {closed.percentile(0.5):6.1f} ms  p95 {closed.percentile(0.95):6.1f} ms"
            f"  ratio {closed.rate / echo.rate if echo.rate else 0:.2f}"
        )
        print(
            f"open loop at {args.rate:g}/s: p50 {opened.percentile(0.5):6.1f} ms"
            f"  p95 {opened.percentile(0.95):6.1f} ms"
        )
        print(f"burst of {BURST}: last answer after {result['burst']:.2f} s")
        print(
            f"per dialog step: {result['statements']:.2f} SQL statements, "
            f"{result['transactions']:.2f} transactions, {result['commits']:.2f} commits"
        )


if __name__ == "__main__":
    raise SystemExit(main())
