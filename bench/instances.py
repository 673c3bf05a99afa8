"""Webhook instances on PostgreSQL: the closed loop of bench/throughput.py, with the updates
POSTed to 1 and then 3 instances of the bot, side by side with the echo baseline.

    make locales                                              # the instances need them
    .venv/bin/python -m bench.instances                       # 1 and 3 instances
    .venv/bin/python -m bench.instances --instances 1 2 3 --coordinators 60

One throwaway PostgreSQL cluster (tests/postgres.py); each count of instances gets a fresh
database and a fresh fake Bot API (flood limits off). Each instance is `python -m bot run`
in webhook mode (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN on its own port), the whole bot
as in production: migrations at start, planner and sender beside the webhook. The parent
stands for Telegram and the load balancer in front of the instances: it POSTs each update
with the secret token to the next instance in turn (round-robin over all updates, so one
person's consecutive updates reach different instances), and a copy of every
`--copy-every`-th update to the instance after, as Telegram redelivers an update whose
answer was slow.

Measured for each count, in the same run, once the instances are idle: updates/s and
p50/p95 latency (from the POST to the bot's answer reaching the fake); CPU ms per update
summed over the instances, and apart the PostgreSQL cluster's and this process's (the fake
and the balancer). Checked: lost answers (no answer within `ANSWER_WITHIN`), duplicated
answers (bot messages beyond one per update: each step of the walk gets exactly one), and
that each walker's announcement draft exists once in the database, with the walk's last
answer. The exit code is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench import throughput
from bench.throughput import AGAIN, Child, Driver, Figures, Person, Step, walk
from bot.emulator import FakeTelegram, RateLimits, SentMessage
from bot.emulator.webhook import SECRET_HEADER
from storage import migrate
from tests import postgres

SECRET = "bench-webhook-secret"
ANSWER_WITHIN = 30.0
"""Seconds without an answer after which an update counts as lost."""
SETTLED = 0.03
"""CPU seconds per second of an instance doing nothing: once each is below, the loop starts
(at start-up an instance imports the file libraries in a thread, for seconds of CPU)."""
LAST_ANSWER = "Как вести цифровой урок"
"""The walk's last answer: each walker's draft must hold it."""


class LostAnswerError(Exception):
    """An update got no answer: the rest of that person's walk needs it."""


class Balancer(Driver):
    """Telegram and a round-robin load balancer: each update to the next instance."""

    def __init__(self, fake: FakeTelegram, urls: list[str], copy_every: int) -> None:
        super().__init__(fake)
        self.urls = urls
        self._turn = itertools.count()
        self._copy_every = copy_every
        self._session = aiohttp.ClientSession()
        self.answers: Counter[int] = Counter()
        """Bot messages per chat."""
        self.sent: Counter[int] = Counter()
        """Updates per person, copies not counted."""
        self.copies = 0
        self.lost = 0

    def _arrived(self, message: SentMessage) -> None:
        self.answers[message.chat_id] += 1
        super()._arrived(message)

    async def post(self, update: dict[str, Any], url: str) -> None:
        headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
        async with self._session.post(url, data=json.dumps(update), headers=headers) as answer:
            await answer.read()
            if answer.status != 200:
                raise AssertionError(f"{url} answered {answer.status}")

    async def send(self, update: dict[str, Any]) -> None:
        turn = next(self._turn)
        await self.post(update, self.urls[turn % len(self.urls)])
        self.sent[_person_of(update)] += 1
        if self._copy_every and turn % self._copy_every == self._copy_every - 1:
            self.copies += 1
            await self.post(update, self.urls[(turn + 1) % len(self.urls)])

    async def act(self, person: Person, step: Step, due: float | None = None) -> None:
        try:
            await asyncio.wait_for(super().act(person, step, due), ANSWER_WITHIN)
        except TimeoutError:
            self.lost += 1
            raise LostAnswerError from None

    async def close(self) -> None:
        await self._session.close()


def _person_of(update: dict[str, Any]) -> int:
    event = update.get("message") or update["callback_query"]
    return int(event["from"]["id"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _instance(api_url: str, database_url: str) -> tuple[Child, str]:
    """`python -m bot run` in webhook mode on a port of its own: (the child, its URL)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = throughput._settings_env(api_url, database_url)
    env.pop("HEALTH_LISTEN", None)
    env.update(WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN=f"127.0.0.1:{port}")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE
    )
    throughput._spawned.append(process)
    return Child(process), url


async def _until_up(balancer: Balancer, person: Person) -> None:
    """Each instance answers `person`'s /start (retried while it is still starting)."""
    for url in balancer.urls:
        deadline = time.monotonic() + 60
        while True:
            try:
                await balancer.post(balancer.fake.message_update(person.user, "/start"), url)
                break
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline or any(
                    process.returncode is not None for process in throughput._spawned
                ):
                    raise
                await asyncio.sleep(0.2)
    await balancer.fake.wait_until(
        lambda: balancer.answers[person.user.id] >= len(balancer.urls), within=ANSWER_WITHIN
    )


def _postgres_cpu(server: postgres.PostgresServer) -> float:
    """CPU seconds of the throwaway cluster so far: the postmaster, its live backends, and
    the backends that ended (their time is in the postmaster's cutime, cstime); 0 for a
    server not started here."""
    socket_dir = server.admin_url.query.get("host")
    pid_file = Path(str(socket_dir)) / "data" / "postmaster.pid"
    if not isinstance(socket_dir, str) or not pid_file.exists():
        return 0.0
    postmaster = int(pid_file.read_text().split()[0])
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            ticks += sum(int(value) for value in fields[11:15])
        elif parent == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


async def _settled(children: list[Child], at_most: float = 60.0) -> float:
    """Wait until the instances do nothing (or `at_most` s); their CPU s/s by then."""
    deadline = time.monotonic() + at_most
    while True:
        before = sum(child.cpu() for child in children)
        await asyncio.sleep(1.0)
        rate = sum(child.cpu() for child in children) - before
        if rate < SETTLED * len(children) or time.monotonic() > deadline:
            return rate


@dataclass
class Result:
    instances: int
    figures: Figures
    postgres_cpu: float = 0.0
    parent_cpu: float = 0.0
    transactions: tuple[int, int] = (0, 0)
    idle_cpu: float = 0.0
    """CPU seconds per second of the instances together, doing nothing before the loop."""
    """Commits and rollbacks in the database over the closed loop (pg_stat_database)."""
    lost: int = 0
    duplicated: int = 0
    copies: int = 0
    drafts: dict[str, int] = field(default_factory=dict)


async def _measure(
    server: postgres.PostgresServer, url: str, count: int, args: argparse.Namespace
) -> Result:
    """`count` instances on the fresh database `url`."""
    await throughput._seed(url, args.coordinators + 1)
    fake = FakeTelegram(throughput.TOKEN, limits=RateLimits(enabled=False))
    api_url = await fake.start()
    fake.world.add_group(throughput.STAFF_CHAT_ID, "Сотрудники")
    balancer: Balancer | None = None
    try:
        started = [await _instance(api_url, url) for _ in range(count)]
        children = [child for child, _ in started]
        balancer = Balancer(fake, [address for _, address in started], args.copy_every)
        people = throughput._people(fake, 0, args.coordinators + 1)
        await _until_up(balancer, people[-1])
        walkers = people[:-1]
        idle = await _settled(children)
        cpu, postgres_cpu = sum(child.cpu() for child in children), _postgres_cpu(server)
        parent_cpu, transactions = time.process_time(), await _transactions(url)
        figures = await _closed_loop(balancer, walkers, args.walks)
        figures.cpu = sum(child.cpu() for child in children) - cpu
        postgres_cpu = _postgres_cpu(server) - postgres_cpu
        parent_cpu = time.process_time() - parent_cpu
        await asyncio.sleep(args.grace)  # an answer given twice would arrive by now
        commits, rollbacks = (
            a - b for a, b in zip(await _transactions(url), transactions, strict=True)
        )
        result = Result(
            count, figures, postgres_cpu, parent_cpu, (commits, rollbacks), balancer.lost
        )
        result.copies, result.idle_cpu = balancer.copies, idle
        result.duplicated = sum(
            max(0, balancer.answers[p.user.id] - balancer.sent[p.user.id]) for p in walkers
        )
        for child in children:
            await child.finish()
        result.drafts = await _drafts(url, [p.user.id for p in walkers])
        return result
    finally:
        if balancer is not None:
            await balancer.close()
        await throughput._stop_children()
        await fake.stop()


async def _closed_loop(driver: Balancer, people: list[Person], walks: int) -> Figures:
    day = (datetime.now(UTC) + timedelta(days=60)).strftime("%d.%m.%Y")

    async def one(person: Person) -> None:
        for number in range(walks):
            steps = walk(day)
            if number:
                steps.insert(1, AGAIN)
            for step in steps:
                try:
                    await driver.act(person, step)
                except LostAnswerError:
                    return

    start = time.monotonic()
    await asyncio.gather(*(one(person) for person in people))
    seconds = time.monotonic() - start
    latencies = [latency for person in people for latency in person.latencies]
    return Figures(len(latencies), seconds, 0.0, latencies)


async def _transactions(database_url: str) -> tuple[int, int]:
    """Commits and rollbacks of the database so far (the statistics lag up to a second)."""
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(database_url)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT xact_commit, xact_rollback FROM pg_stat_database"
                    " WHERE datname = current_database()"
                )
            )
        ).one()
    await engine.dispose()
    return int(row[0]), int(row[1])


async def _drafts(database_url: str, walkers: list[int]) -> dict[str, int]:
    """How many walkers have their announcement draft once, with the last answer; missing;
    more than once."""
    from sqlalchemy import select

    from storage.db import create_engine
    from storage.models import Person as Someone
    from storage.models import Submission

    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(Someone.telegram_id, Submission.values).join(
                    Submission, Submission.author_id == Someone.id
                )
            )
        ).all()
    await engine.dispose()
    drafts = Counter(telegram_id for telegram_id, _ in rows)
    complete = {telegram_id for telegram_id, values in rows if LAST_ANSWER in values}
    return {
        "once": sum(1 for w in walkers if drafts[w] == 1 and w in complete),
        "missing": sum(1 for w in walkers if drafts[w] == 0),
        "twice": sum(1 for w in walkers if drafts[w] > 1),
    }


async def _baseline(database_url: str, args: argparse.Namespace) -> Figures:
    fake = FakeTelegram(throughput.TOKEN, limits=RateLimits(enabled=False))
    api_url = await fake.start()
    try:
        return await throughput._echo(
            fake, api_url, database_url, args.coordinators, args.echo_messages
        )
    finally:
        await throughput._stop_children()
        await fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instances")
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--coordinators", type=int, default=60)
    parser.add_argument("--walks", type=int, default=2)
    parser.add_argument("--echo-messages", type=int, default=20)
    parser.add_argument(
        "--copy-every", type=int, default=20, help="a copy of every Nth update; 0: none"
    )
    parser.add_argument(
        "--grace", type=float, default=2.0, help="seconds to wait for stray answers"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with postgres.server() as server:
        with server.database() as url:
            echo = asyncio.run(_baseline(url, args))
        results = []
        for count in args.instances:
            with server.database() as url:
                migrate.upgrade(url)
                results.append(asyncio.run(_measure(server, url, count, args)))
    report(echo, results, args, load)
    failed = any(r.lost or r.duplicated or r.drafts["once"] != args.coordinators for r in results)
    return 1 if failed else 0


def report(echo: Figures, results: list[Result], args: argparse.Namespace, load: float) -> None:
    print(
        f"machine: nproc {os.cpu_count()}, load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end; fake Bot API flood limits off"
    )
    print(
        f"{args.coordinators} coordinators × {args.walks} walks, closed loop; updates round-robin "
        f"over the instances, a copy of every {args.copy_every}th to the next one"
    )
    print(f"{'echo (polling)':<16}{_figures(echo)}")
    for result in results:
        name = f"{result.instances} instance{'s' if result.instances > 1 else ''}"
        print(f"{name:<16}{_figures(result.figures)}  ratio to echo {_ratio(result.figures, echo)}")
        updates = max(result.figures.updates, 1)
        print(
            f"{'':16}cpu elsewhere: PostgreSQL server {1000 * result.postgres_cpu / updates:.2f}"
            f" ms/update, this process (fake Telegram, balancer) "
            f"{1000 * result.parent_cpu / updates:.2f} ms/update"
        )
        commits, rollbacks = result.transactions
        print(f"{'':16}idle before the loop: {1000 * result.idle_cpu:.0f} ms cpu/s, all instances")
        print(
            f"{'':16}per update: {commits / updates:.1f} commits, {rollbacks / updates:.1f}"
            " rollbacks in the database"
        )
        print(
            f"{'':16}lost {result.lost}  duplicated {result.duplicated}  copies sent "
            f"{result.copies}  drafts once {result.drafts['once']}/{args.coordinators}, "
            f"missing {result.drafts['missing']}, more than once {result.drafts['twice']}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"{last.instances} instances / {first.instances}: "
            f"{_ratio(last.figures, first.figures)} the updates/s"
        )


def _figures(figures: Figures) -> str:
    cpu = 1000 * figures.cpu / max(figures.updates, 1)
    return (
        f"{figures.rate:7.1f} updates/s  cpu {cpu:6.2f} ms/update"
        f"  p50 {figures.percentile(0.5):6.1f} ms  p95 {figures.percentile(0.95):6.1f} ms"
    )


def _ratio(figures: Figures, base: Figures) -> str:
    return f"{figures.rate / base.rate:.2f}×" if base.rate else "–"


if __name__ == "__main__":
    raise SystemExit(main())
