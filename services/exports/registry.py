"""The registry of platforms (реестр площадок) as a workbook: a sheet per programme, a row per
platform with its schools, status, orders, term, last report and mentors.

Read in a handful of queries of plain rows (no ORM objects: 20,000 platforms are read in
about a second), put together and written in a worker thread.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from services.domain import SubmissionStatus
from services.exports import streaming, xlsx
from services.exports.values import day, local, member, moment
from services.exports.xlsx import Column, Kind
from storage.repositories import exports as queries
from storage.uow import UnitOfWork

_KIND_OF_PLATFORM = re.compile(r"(\w+ая)\s+площадк", re.IGNORECASE)


class State(StrEnum):
    """Where a platform's status stands on the day of the export."""

    ACTIVE = "active"
    EXPIRED = "expired"
    ENDED = "ended"
    """Its termination or completion was approved."""
    NONE = "none"
    """No order recorded yet."""


@dataclass(frozen=True)
class RegistryWords:
    columns: Sequence[str]
    """№, school, district, programme, kind, topic, network, status, order, term end,
    extension, report year, report sent, report status, mentors: fifteen titles."""
    states: Mapping[State, str]
    statuses: Mapping[SubmissionStatus, str]
    programmes: Mapping[str, str]
    """Programme id to its title; one sheet each, in this order."""


_KINDS = (
    Kind.NUMBER,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.DATE,
    Kind.DATE,
    Kind.DATE,
    Kind.TEXT,
    Kind.DATE,
    Kind.TEXT,
    Kind.TEXT,
)


def kind_of_platform(programme_title: str) -> str:
    """«опорная», «стажировочная», «инновационная»: the word before «площадка» in the title."""
    found = _KIND_OF_PLATFORM.search(programme_title)
    return found.group(1).lower() if found else ""


@dataclass
class _Data:
    platforms: list[Any]
    members: dict[int, list[int]]
    schools: dict[int, tuple[str, str]]
    statuses: dict[int, list[Any]]
    endings: dict[int, datetime]
    reports: dict[tuple[int | None, int], Any]
    mentors: dict[int, list[str]]
    district_mentors: dict[str, list[str]]


async def count(uow: UnitOfWork) -> int:
    return await queries.count(uow.session, queries.platforms())


async def workbook(uow: UnitOfWork, today: date, zone: ZoneInfo, words: RegistryWords) -> bytes:
    """The registry as it stands on `today` (local, in `zone`)."""
    session = uow.session
    data = _Data(
        platforms=await queries.rows(session, queries.platforms()),
        members=_grouped(await queries.rows(session, queries.platform_members())),
        schools={
            sid: (name, district)
            for sid, name, district in await queries.rows(session, queries.schools())
        },
        statuses=_grouped(await queries.rows(session, queries.statuses()), whole=True),
        endings={
            pid: when
            for pid, raw in await queries.rows(session, queries.endings())
            if (when := moment(raw)) is not None
        },
        reports={
            (row[0], row[1]): row for row in await queries.rows(session, queries.newest_reports())
        },
        mentors=_grouped(await queries.rows(session, queries.school_mentors())),
        district_mentors=_grouped(await queries.rows(session, queries.district_mentors())),
    )
    return await streaming.in_thread(_build, data, today, zone, words)


def _grouped(rows: Sequence[Any], whole: bool = False) -> dict[Any, list[Any]]:
    """Rows by their first column: the second column, or the whole row."""
    found: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(row if whole else row[1])
    return found


def _build(data: _Data, today: date, zone: ZoneInfo, words: RegistryWords) -> bytes:
    columns = [Column(title, kind) for title, kind in zip(words.columns, _KINDS, strict=True)]
    by_programme: dict[str, list[Any]] = defaultdict(list)
    for platform in data.platforms:
        by_programme[platform[1]].append(platform)
    order = list(words.programmes) + sorted(set(by_programme) - set(words.programmes))
    sheets = [
        xlsx.Sheet(
            words.programmes.get(programme, programme),
            columns,
            [
                _row(platform, data, today, zone, words)
                for platform in by_programme.get(programme, [])
            ],
        )
        for programme in order
    ]
    return xlsx.workbook(sheets)


def _state(statuses: list[Any], ended: datetime | None, today: date) -> State:
    if not statuses:
        return State.NONE
    latest = statuses[-1]
    recorded = moment(latest[3])
    if ended is not None and recorded is not None and ended >= recorded:
        return State.ENDED
    expires = day(latest[2])
    if expires is not None and expires < today:
        return State.EXPIRED
    return State.ACTIVE


def _row(
    platform: Any, data: _Data, today: date, zone: ZoneInfo, words: RegistryWords
) -> list[Any]:
    platform_id, programme, title, lead_id = platform
    lead, district = data.schools.get(lead_id, ("", ""))
    network = [data.schools.get(sid, ("", ""))[0] for sid in data.members.get(platform_id, [])]
    statuses = data.statuses.get(platform_id, [])
    extensions = [s for s in statuses if s[4] == "extension"]
    report = data.reports.get((platform_id, lead_id)) or data.reports.get((None, lead_id))
    mentors = dict.fromkeys(data.mentors.get(lead_id, []) + data.district_mentors.get(district, []))
    programme_title = words.programmes.get(programme, programme)
    return [
        platform_id,
        lead,
        district,
        programme_title,
        kind_of_platform(programme_title),
        title,
        "; ".join(
            name
            for sid, name in zip(data.members.get(platform_id, []), network, strict=True)
            if sid != lead_id
        ),
        words.states[_state(statuses, data.endings.get(platform_id), today)],
        day(statuses[0][1]) if statuses else None,
        day(statuses[-1][2]) if statuses else None,
        day(extensions[-1][1]) if extensions else None,
        _school_year(report[2]) if report is not None else "",
        day(local(moment(report[3]), zone)) if report is not None else None,
        words.statuses[member(SubmissionStatus, report[4])] if report is not None else "",
        "; ".join(name for name in mentors if name),
    ]


def _school_year(year: int | None) -> str:
    return f"{year}/{(year + 1) % 100:02d}" if year else ""
