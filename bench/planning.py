"""Planning benchmark: one planner pass over a large deployment, timed, with the memory used.

    .venv/bin/python -m bench.planning --schools 20000 --events 200000 --outbox 1000000

Builds a temporary SQLite database (migrated), fills it with schools, a coordinator and a
mentor each, approved plans whose dated events are spread over a school year, announced
events, and an outbox already holding `--outbox` rows (mostly sent). Then times planner
passes at a day in the middle of the year: the first plans what became due, the second is
the steady state the running bot sees every few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from services.domain import Role, SubmissionKind, SubmissionStatus
from services.programmes.loader import load_presets
from services.reminders import planner
from services.reminders.planner import Moment
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.models import (
    Membership,
    Person,
    PlannedEvent,
    Reminder,
    ReminderStatus,
    School,
    Submission,
)
from storage.uow import UnitOfWorkFactory

ZONE = ZoneInfo("Europe/Moscow")
YEAR_START = date(2026, 9, 1)
CHUNK = 20_000


async def _fill(factory: UnitOfWorkFactory, schools: int, events: int, outbox: int) -> None:
    rng = random.Random(7)
    now = datetime(2026, 9, 1, tzinfo=UTC)
    async with factory() as uow:
        session = uow.session

        async def bulk(model: type, rows: list[dict[str, object]]) -> None:
            for start in range(0, len(rows), CHUNK):
                await session.execute(insert(model), rows[start : start + CHUNK])

        await bulk(School, [
            {"id": n, "name": f"Школа {n}", "name_key": f"школа {n}", "search_key": f"школа {n}",
             "district": f"Район {n % 60}", "address": "", "email": "", "phone": "",
             "created_at": now, "updated_at": now}
            for n in range(1, schools + 1)
        ])  # fmt: skip
        await bulk(Person, [
            {"id": n, "telegram_id": 10_000_000 + n, "full_name": f"Человек {n}", "position": "",
             "contact": "", "consent_at": now, "unreachable": False, "created_at": now}
            for n in range(1, 2 * schools + 1)
        ])  # fmt: skip
        await bulk(Membership, [
            {"person_id": n, "school_id": (n - 1) % schools + 1,
             "role": Role.COORDINATOR if n <= schools else Role.MENTOR, "created_at": now}
            for n in range(1, 2 * schools + 1)
        ])  # fmt: skip
        await bulk(Submission, [
            {"id": n, "kind": SubmissionKind.PLAN, "variant": "", "programme": "krasnodar-digital",
             "school_id": n, "author_id": n, "status": SubmissionStatus.APPROVED, "version": 1,
             "values": "{}", "context": "{}", "late": False, "late_reason": "",
             "created_at": now, "updated_at": now, "claimed_by_name": "", "decided_by_name": "",
             "comment": ""}
            for n in range(1, schools + 1)
        ])  # fmt: skip
        planned = events // 2
        await bulk(PlannedEvent, [
            {"school_id": (n % schools) + 1, "plan_id": (n % schools) + 1, "title": f"Событие {n}",
             "form": "семинар", "dates": "", "event_on": YEAR_START + timedelta(days=rng.randrange(365))}
            for n in range(planned)
        ])  # fmt: skip
        await bulk(Submission, [
            {"kind": SubmissionKind.ANNOUNCEMENT, "variant": "", "programme": "krasnodar-digital",
             "school_id": (n % schools) + 1, "author_id": (n % schools) + 1,
             "status": SubmissionStatus.APPROVED, "version": 1,
             "values": json.dumps({"title": f"Анонс {n}"}), "context": "{}", "late": False,
             "late_reason": "", "event_at": now + timedelta(days=rng.randrange(365), hours=7),
             "sent_at": now, "school_year": 2026, "created_at": now, "updated_at": now,
             "claimed_by_name": "", "decided_by_name": "", "comment": ""}
            for n in range(events - planned)
        ])  # fmt: skip
        await bulk(Reminder, [
            {"key": f"old:{n}", "rule": "event_for_mentor", "subject": f"submission:{n}",
             "chat_id": 10_000_000 + (n % schools) + 1, "mandatory": False, "payload": "{}",
             "due_at": now + timedelta(minutes=n % 100_000),
             "status": ReminderStatus.SENT if n % 50 else ReminderStatus.CANCELLED,
             "attempts": 0, "last_error": "", "created_at": now}
            for n in range(outbox)
        ])  # fmt: skip
        await uow.commit()


async def main(schools: int, events: int, outbox: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        factory = UnitOfWorkFactory(create_session_factory(engine))
        started = time.perf_counter()
        await _fill(factory, schools, events, outbox)
        print(
            f"filled: {schools} schools, {events} events, {outbox} outbox rows in {time.perf_counter() - started:.1f} s"
        )
        await engine.dispose()
        # The passes run in a fresh process, as in the bot: the filling's memory is not theirs.
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.planning", "--passes", url
        )
        if await child.wait():
            raise SystemExit("the planning process failed")


def _peak_megabytes() -> float:
    """VmHWM: the peak resident size of this program (unlike ru_maxrss, not inherited via exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


async def passes(url: str) -> None:
    programmes = load_presets(["krasnodar-digital"])
    engine = create_engine(url)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    moment = Moment(datetime(2026, 12, 7, 7, 30, tzinfo=UTC), ZONE, 10)
    for label in ("first pass", "second pass (steady state)", "third pass"):
        started = time.perf_counter()
        async with factory() as uow:
            report = await planner.plan_pass(uow, programmes, moment, -1001)
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.3f} s; wanted {report.wanted}, "
            f"planned {report.planned}, cancelled {report.cancelled}"
        )
    print(f"peak memory of the planning process: {_peak_megabytes():.0f} MB")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--outbox", type=int, default=1_000_000)
    parser.add_argument(
        "--passes", metavar="DATABASE_URL", help="only time passes on that database"
    )
    arguments = parser.parse_args()
    if arguments.passes:
        asyncio.run(passes(arguments.passes))
    else:
        asyncio.run(main(arguments.schools, arguments.events, arguments.outbox))
