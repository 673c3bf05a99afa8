"""Exports benchmark: the files staff ask for, built from a large deployment, timed.

    .venv/bin/python -m bench.exports                                   # 500 schools, 5000 submissions
    .venv/bin/python -m bench.exports --schools 20000 --submissions 200000

Fills a temporary SQLite database (migrated) with schools in 60 districts, a coordinator and
a mentor each, a platform per school (programmes in turn: a sheet each) with a network school
and its order, and submissions of every kind and status spread over a school year (a fifth
of them announcements, each with its event), two audit entries each. Then, in a fresh
process (the filling's memory is not counted), builds each file as the bot does for staff:
the registry (XLSX), every submission of the year (XLSX), the audit log (XLSX), the
calendar of the region (ICS), the statistics chart and a chart of 60 districts (PNG), an
application as the regulation's form and the council's list (DOCX).

The file libraries are loaded first, as the bot does when it starts
(`services.exports.libraries`). For each file: seconds, its size, the longest the event loop
went without running a 10 ms ticker meanwhile (what another person's button would wait), and
the process's peak resident memory so far (VmHWM: it only grows, so each line bounds the
files before it too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot.app import create_i18n
from handlers.exports import words
from services.domain import Role, SubmissionKind, SubmissionStatus
from services.exports import audit as audit_log
from services.exports import (
    calendars,
    charts,
    council,
    documents,
    libraries,
    registry,
    stats,
    streaming,
)
from services.exports import submissions as submission_export
from services.exports.charts import Bars
from services.exports.council import CouncilList, CouncilRow
from services.exports.scope import REGION
from services.exports.submissions import Period
from services.programmes.loader import load_presets
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.models import (
    AuditEntry,
    Membership,
    Person,
    Platform,
    PlatformSchool,
    PlatformStatus,
    School,
    Submission,
)
from storage.uow import UnitOfWorkFactory

ZONE = ZoneInfo("Europe/Moscow")
PROGRAMMES = ("krasnodar-digital", "omsk-internship")
YEAR_START = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2027, 6, 25, 9, 0, tzinfo=UTC)
DISTRICTS = 60
CHUNK = 20_000
TICK = 0.010
KINDS = (
    [SubmissionKind.ANNOUNCEMENT] * 4
    + [SubmissionKind.REPORT] * 2
    + [SubmissionKind.APPLICATION, SubmissionKind.PLAN, SubmissionKind.MATERIALS]
)
STATUSES = [SubmissionStatus.APPROVED] * 6 + [
    SubmissionStatus.REJECTED,
    SubmissionStatus.CHANGES_REQUESTED,
    SubmissionStatus.SENT,
]
STAFF = 9_000_001


async def _fill(factory: UnitOfWorkFactory, schools: int, count: int) -> int:
    """The deployment; returns how many announcements it holds."""
    rng = random.Random(14)
    now = YEAR_START
    announcements = 0
    async with factory() as uow:
        session = uow.session

        async def bulk(model: type, rows: list[dict[str, object]]) -> None:
            for start in range(0, len(rows), CHUNK):
                await session.execute(insert(model), rows[start : start + CHUNK])

        await bulk(School, [
            {"id": n, "name": f"МБОУ «СОШ № {n}»", "name_key": f"сош {n}", "search_key": f"сош {n}",
             "district": f"Район {n % DISTRICTS}", "address": "", "email": "", "phone": "",
             "created_at": now, "updated_at": now}
            for n in range(1, schools + 1)
        ])  # fmt: skip
        await bulk(Person, [
            {"id": n, "telegram_id": 10_000_000 + n, "full_name": f"Иванова Мария {n}",
             "position": "", "contact": "", "consent_at": now, "unreachable": False,
             "created_at": now}
            for n in range(1, 2 * schools + 1)
        ])  # fmt: skip
        await bulk(Membership, [
            {"person_id": n, "school_id": (n - 1) % schools + 1,
             "role": Role.COORDINATOR if n <= schools else Role.MENTOR, "created_at": now}
            for n in range(1, 2 * schools + 1)
        ])  # fmt: skip
        await bulk(Platform, [
            {"id": n, "programme": PROGRAMMES[n % len(PROGRAMMES)], "title": f"Тема {n}",
             "lead_school_id": n, "created_at": now}
            for n in range(1, schools + 1)
        ])  # fmt: skip
        await bulk(PlatformSchool, [
            {"platform_id": n, "school_id": school, "joined_year": None if school == n else 2026}
            for n in range(1, schools + 1)
            for school in (n, n % schools + 1)
        ])  # fmt: skip
        await bulk(PlatformStatus, [
            {"school_id": n, "programme": PROGRAMMES[n % len(PROGRAMMES)], "platform_id": n,
             "granted_on": date(2024, 11, 1) + timedelta(days=n % 300),
             "expires_on": date(2027, 11, 1) + timedelta(days=n % 300),
             "recorded_at": now}
            for n in range(1, schools + 1)
        ])  # fmt: skip
        rows: list[dict[str, object]] = []
        audit: list[dict[str, object]] = []
        for n in range(1, count + 1):
            kind, status = rng.choice(KINDS), rng.choice(STATUSES)
            school = rng.randrange(1, schools + 1)
            sent = now + timedelta(days=rng.randrange(290), minutes=rng.randrange(600))
            decided = (
                sent + timedelta(days=rng.randrange(15), hours=rng.randrange(8))
                if status is not SubmissionStatus.SENT
                else None
            )
            event = sent + timedelta(days=10 + rng.randrange(30))
            announcements += kind is SubmissionKind.ANNOUNCEMENT
            rows.append(
                {"id": n, "kind": kind, "variant": "", "programme": PROGRAMMES[school % 2],
                 "school_id": school, "author_id": school, "status": status,
                 "version": 1 + (n % 7 == 0),
                 "values": json.dumps({"title": f"Семинар {n}", "place": "Актовый зал",
                                       "audience": "Учителя района", "description": "Описание"},
                                      ensure_ascii=False),
                 "context": "{}", "late": n % 11 == 0, "late_reason": "",
                 "event_at": event if kind is SubmissionKind.ANNOUNCEMENT else None,
                 "sent_at": sent, "school_year": 2026, "created_at": sent, "updated_at": sent,
                 "claimed_by_name": "", "decided_by": STAFF if decided else None,
                 "decided_by_name": "Ольга" if decided else "", "decided_at": decided,
                 "comment": ""}
            )  # fmt: skip
            audit.append(
                {"at": sent, "actor_telegram_id": 10_000_000 + school, "action": "submission.send",
                 "subject_type": "submission", "subject_id": n, "details": "{}"}
            )  # fmt: skip
            if decided is not None:
                audit.append(
                    {"at": decided, "actor_telegram_id": STAFF, "action": "review.approve",
                     "subject_type": "submission", "subject_id": n,
                     "details": json.dumps({"name": "Ольга", "comment": ""}, ensure_ascii=False)}
                )  # fmt: skip
        await bulk(Submission, rows)
        await bulk(AuditEntry, audit)
        await uow.commit()
    return announcements


def _peak_megabytes() -> float:
    """VmHWM: the peak resident size of this process so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


REPEAT = 2
"""Each file is built twice: how much the figures of one machine vary from run to run."""


async def _timed(label: str, build: Callable[[], Awaitable[bytes]]) -> None:
    for attempt in range(REPEAT):
        await _once(f"{label}{' (again)' if attempt else ''}", build)


async def _once(label: str, build: Callable[[], Awaitable[bytes]]) -> None:
    """Build one file while a ticker measures how long the loop is kept from it."""
    lag = 0.0
    running = True

    async def ticker() -> None:
        nonlocal lag
        while running:
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            lag = max(lag, time.perf_counter() - started - TICK)

    probe = asyncio.create_task(ticker())
    started = time.perf_counter()
    content = await build()
    elapsed = time.perf_counter() - started
    running = False
    await probe
    print(
        f"{label:<42} {elapsed:7.2f} s {len(content) / 1024:9.0f} KB"
        f"   loop lag max {lag * 1000:5.0f} ms   peak {_peak_megabytes():4.0f} MB",
        flush=True,
    )


def _application_context(number: int) -> dict[str, object]:
    answers = {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 1»",
        "legal_address": "г. Краснодар, ул. Мира, 1",
        "municipality": "Центральный округ",
        "contacts": "+7 861 200-00-00, school1@example.ru",
        "head": "Петров Иван Иванович",
        "platform_head": "Иванова Мария Петровна",
        "topic": "Цифровая образовательная среда",
        "digital_resources": "Сферум, ФГИС «Моя школа»",
        "municipal_agreement": "Согласовано 01.06.2027",
    }
    return {
        "number": number,
        "kind": "Заявка на присвоение статуса опорной площадки",
        "programme": "Краевая опорная площадка",
        "school": "МБОУ «СОШ № 1»",
        "sent": "10.06.2027",
        "status": "одобрено",
        "today": "25.06.2027",
        "year": "",
        "head": "Иванова Мария Петровна",
        "a": answers,
        "rows": [{"label": key, "value": value} for key, value in answers.items()],
        "files": [{"title": "Устав", "names": "устав.pdf"}],
        "plan": [],
        "network": [],
        "events": [],
    }


async def measure(url: str) -> None:
    programmes = load_presets(list(PROGRAMMES))
    engine = create_engine(url)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    i18n = create_i18n()
    today = NOW.astimezone(ZONE).date()
    year = Period(date(2026, 9, 1), today)
    started = time.perf_counter()
    await asyncio.to_thread(libraries.load)  # as the bot does when it starts
    print(
        f"libraries loaded in {time.perf_counter() - started:.1f} s; "
        f"peak memory before the first file: {_peak_megabytes():.0f} MB",
        flush=True,
    )

    async def idle() -> bytes:
        await asyncio.sleep(2)
        return b""

    await _once("nothing (the machine's own loop lag)", idle)
    with i18n.context(), i18n.use_locale("ru"):
        async with factory() as uow:
            await _timed(
                "registry of platforms (XLSX)",
                lambda: registry.workbook(uow, today, ZONE, words.registry(programmes)),
            )
        async with factory() as uow:
            await _timed(
                "submissions of the year (XLSX)",
                lambda: submission_export.workbook(
                    uow, year, REGION, ZONE, NOW, words.submissions(programmes)
                ),
            )
        async with factory() as uow:
            await _timed(
                "audit log of the year (XLSX)",
                lambda: audit_log.workbook(uow, year, ZONE, words.audit()),
            )

        async def region_calendar() -> bytes:
            async with factory() as uow:
                content, _count = await calendars.calendar(
                    uow, REGION, ZONE, NOW, calendars.DOMAIN, words.calendar()
                )
            return content

        await _timed("calendar of the region (ICS)", region_calendar)

        async def statistics() -> bytes:
            async with factory() as uow:
                found = await stats.compute(uow, NOW, ZONE)
            months = [charts.month_label(month) for month in found.months]
            by_kind = Bars(months, {kind.value: v for kind, v in found.by_kind.items()})
            by_status = Bars(months, {status.value: v for status, v in found.by_status.items()})
            return await streaming.in_thread(
                charts.statistics, by_kind, by_status, ("по видам", "по статусам"), "итого"
            )

        await _timed("statistics chart (PNG)", statistics)
        names = [f"Район {n}" for n in range(DISTRICTS)]
        await _timed(
            "indicators, 60 districts (PNG)",
            lambda: streaming.in_thread(
                charts.districts, names, [n % 9 for n in range(DISTRICTS)], 5, "t", "x", "min"
            ),
        )
        path = documents.template("krasnodar-digital", "application", "application")
        await _timed(
            "application form (DOCX)",
            lambda: streaming.in_thread(documents.render, path, _application_context(1)),
        )
        applicants = CouncilList(
            "krasnodar-digital",
            "Краевая опорная площадка",
            date(2027, 10, 15),
            date(2027, 10, 5),
            [
                CouncilRow(
                    f"МБОУ «СОШ № {n}»", f"Район {n % DISTRICTS}", "Заявка", today, "одобрено"
                )
                for n in range(1, 201)
            ],
        )
        await _timed(
            "council list, 200 rows (DOCX)",
            lambda: streaming.in_thread(council.document, applicants, today),
        )
    await engine.dispose()


async def main(schools: int, count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        started = time.perf_counter()
        announcements = await _fill(
            UnitOfWorkFactory(create_session_factory(engine)), schools, count
        )
        await engine.dispose()
        print(
            f"filled: {schools} schools and platforms, {count} submissions "
            f"({announcements} announcements) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.exports", "--measure", url
        )
        if await child.wait():
            raise SystemExit("the measuring process failed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=5_000)
    parser.add_argument("--measure", metavar="DATABASE_URL", help="only build files from it")
    arguments = parser.parse_args()
    if arguments.measure:
        asyncio.run(measure(arguments.measure))
    else:
        asyncio.run(main(arguments.schools, arguments.submissions))
