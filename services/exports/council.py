"""The Academic Council's list of applicants as files: a workbook, and a DOCX for the minutes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.exports import documents, xlsx
from services.exports.xlsx import Column, Kind


@dataclass(frozen=True)
class CouncilRow:
    school: str
    district: str
    kind: str
    approved_on: date | None
    status: str
    note: str = ""
    """An extension: the term in force and the longest extension."""


@dataclass(frozen=True)
class CouncilList:
    programme_id: str
    programme: str
    meets_on: date
    closes_on: date
    rows: Sequence[CouncilRow]


def workbook(found: CouncilList, sheet: str, columns: Sequence[str]) -> bytes:
    """№, school, district, application, approved, status, note (run it in a thread)."""
    kinds = (Kind.NUMBER, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.DATE, Kind.TEXT, Kind.TEXT)
    shown = [Column(title, kind) for title, kind in zip(columns, kinds, strict=True)]
    rows = [
        [n, row.school, row.district, row.kind, row.approved_on, row.status, row.note]
        for n, row in enumerate(found.rows, start=1)
    ]
    return xlsx.workbook([xlsx.Sheet(sheet, shown, rows)])


def document(found: CouncilList, today: date) -> bytes:
    """The list for the Council's minutes, from the programme's `council` template (a thread)."""
    context: dict[str, Any] = {
        "programme": found.programme,
        "meets": found.meets_on.strftime("%d.%m.%Y"),
        "closes": found.closes_on.strftime("%d.%m.%Y"),
        "today": today.strftime("%d.%m.%Y"),
        "rows": [
            {
                "school": row.school,
                "district": row.district,
                "kind": row.kind,
                "approved": row.approved_on.strftime("%d.%m.%Y") if row.approved_on else "",
                "status": row.status,
                "note": row.note,
            }
            for row in found.rows
        ],
    }
    return documents.render(documents.template(found.programme_id, "council", "council"), context)
