"""Fan-out benchmark: N due reminders to N people through the fake Bot API with real limits.

    .venv/bin/python -m bench.fanout --recipients 10000
    .venv/bin/python -m bench.fanout --recipients 2000 --kill-at 500

The parent process runs the fake server (bot/emulator, default RateLimits) and a temp
SQLite database; the sender runs in a child process (`--child`) over HTTP, as in production.
With `--kill-at N` the first child is SIGKILLed once N messages have arrived, and a second
child (whose recover_stale treats the dead one's claims as stale) finishes the job.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bench import databases
from bot.app import create_i18n
from bot.config import Settings
from bot.delivery import LEASE, Sender, create_sender_bot
from bot.emulator import FakeTelegram, RateLimits
from bot.leases import Leases
from handlers.outgoing import Outgoing
from handlers.reminders.texts import make_renderer
from services import outbox
from services.outbox import Planned
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory

TOKEN = "123456789:BENCH-token"
FIRST_USER = 10_000_000
KINDS: tuple[tuple[str, dict[str, str]], ...] = (
    ("report_overdue", {"closes": "2027-07-10"}),
    ("report_open", {"opens": "2027-06-20", "closes": "2027-07-10"}),
    (
        "event_tomorrow",
        {"title": "Семинар", "school": "Гимназия № 5", "at": "2027-06-21T07:00:00+00:00"},
    ),
)
"""Real reminder rules with their payloads: each row is rendered from its template."""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument(
        "--per-person",
        type=int,
        default=1,
        choices=range(1, len(KINDS) + 1),
        metavar="K",
        help="reminders due to each person at once (1-3): the per-chat limit at work",
    )
    parser.add_argument("--kill-at", type=int, default=None, metavar="N")
    parser.add_argument(
        "--stale-after",
        type=float,
        default=0.0,
        help="seconds after which the restarted sender takes claims for a dead sender's",
    )
    parser.add_argument("--lease-ttl", type=float, default=5.0, help="seconds")
    databases.add_option(parser)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--owner", default="bench", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        logging.basicConfig(level=logging.WARNING, format="child %(process)d: %(message)s")
        asyncio.run(child(args))
        return 0
    with databases.database(args.postgres) as url:
        asyncio.run(parent(args, url))
    return 0


# ------------------------------------------------------------------ the sender process


async def child(args: argparse.Namespace) -> None:
    """Run the sender until nothing is planned or claimed any more."""
    engine = create_engine(args.database_url)
    uow_factory = UnitOfWorkFactory(create_session_factory(engine))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=TOKEN,
        bot_api_base_url=args.api_url,
        database_url=args.database_url,
    )
    bot = create_sender_bot(settings)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    i18n = create_i18n()
    outgoing = Outgoing(i18n, {}, make_renderer(i18n, ZoneInfo("Europe/Moscow")), None)
    sender = Sender(bot, uow_factory, outgoing, args.owner, clock)
    leases = Leases(uow_factory, args.owner, clock, ttl=timedelta(seconds=args.lease_ttl))
    stop = asyncio.Event()

    async def stop_when_done() -> None:
        while True:
            await asyncio.sleep(0.5)
            async with uow_factory() as uow:
                counts = await outbox.stats(uow)
            if counts["planned"] == 0 and counts["claimed"] == 0:
                stop.set()
                return

    watcher = asyncio.create_task(stop_when_done())
    keeper = asyncio.create_task(leases.keep([LEASE], stop))
    try:
        await sender.run(stop, 0.2, leases, stale_after=timedelta(seconds=args.stale_after))
    finally:
        watcher.cancel()
        await keeper
        await bot.session.close()
        await engine.dispose()


# ------------------------------------------------------------------ the parent


async def parent(args: argparse.Namespace, url: str) -> None:
    fake = FakeTelegram(TOKEN, limits=RateLimits())
    await fake.start()
    engine = create_engine(url)
    uow_factory = UnitOfWorkFactory(create_session_factory(engine))
    try:
        chats = range(FIRST_USER, FIRST_USER + args.recipients)
        for chat_id in chats:
            fake.world.add_user(chat_id, f"User {chat_id}", started=True)
        due = datetime.now(UTC) - timedelta(minutes=1)
        async with uow_factory() as uow:
            planned = await outbox.plan(
                uow,
                [
                    Planned(
                        f"{rule}:{chat_id}", rule, f"school:{chat_id}", chat_id, due, True, payload
                    )
                    for chat_id in chats
                    for rule, payload in KINDS[: args.per_person]
                ],
            )
        print(f"planned {planned} reminders to {args.recipients} chats")

        in_flight: int | None = None
        first = await spawn(args, url, fake.base_url, "bench-1", args.stale_after)
        if args.kill_at is None:
            await first.wait()
        else:
            await fake.wait_until(
                lambda: delivered(fake) >= args.kill_at or first.returncode is not None,
                within=24 * 3600,
            )
            os.kill(first.pid, signal.SIGKILL)
            await first.wait()
            async with uow_factory() as uow:
                in_flight = (await outbox.stats(uow))["claimed"]
            print(f"killed the sender after {delivered(fake)} messages; {in_flight} claimed")
            second = await spawn(args, url, fake.base_url, "bench-2", args.stale_after)
            await second.wait()
        async with uow_factory() as uow:
            counts = await outbox.stats(uow)
        report(fake, planned, counts, in_flight)
    finally:
        await engine.dispose()
        await fake.stop()


async def spawn(
    args: argparse.Namespace, url: str, api_url: str, owner: str, stale_after: float
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fanout",
        "--child",
        f"--database-url={url}",
        f"--api-url={api_url}",
        f"--owner={owner}",
        f"--stale-after={stale_after}",
        f"--lease-ttl={args.lease_ttl}",
    )


def delivered(fake: FakeTelegram) -> int:
    return sum(1 for call in fake.calls if call.method == "sendMessage" and call.status == 200)


def report(fake: FakeTelegram, planned: int, counts: dict[str, int], in_flight: int | None) -> None:
    sends = fake.calls_of("sendMessage")
    ok = [call for call in sends if call.status == 200]
    per_message = Counter((call.params["chat_id"], call.params["text"]) for call in ok)
    span = ok[-1].at - ok[0].at if len(ok) > 1 else 0.0
    print(f"delivered            {len(ok)} messages in {span:.1f} s")
    if in_flight is None and span:
        print(f"rate                 {(len(ok) - 1) / span:.2f} messages/s")
    print(f"lost                 {planned - len(per_message)}")
    print(f"duplicates           {sum(n - 1 for n in per_message.values())}")
    if in_flight is not None:
        print(f"in flight at kill    {in_flight}")
    print(f"calls in retry_after {len(fake.retry_after_violations)}")
    print(f"429 responses        {sum(1 for call in sends if call.status == 429)}")
    times: dict[str, list[float]] = {}
    for call in ok:
        times.setdefault(call.params["chat_id"], []).append(call.at)
    gaps = [b - a for at in times.values() for a, b in itertools.pairwise(sorted(at))]
    if gaps:
        print(f"closest two to a chat {min(gaps):.2f} s apart")
    print(f"outbox               {counts}")


if __name__ == "__main__":
    raise SystemExit(main())
