"""Loading the list of schools from CSV (`;` or `,`, UTF-8 with or without BOM) or XLSX.

Bad rows are reported by their line number and skipped; good rows are kept. A school is
identified by its name, so a second import updates instead of duplicating.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services import validation
from storage.models import School, fold
from storage.uow import UnitOfWork

MAX_FILE_BYTES = 5 * 1024 * 1024
NAME_MAX = 500
FIELD_MAX = 500

# Header spellings accepted for each column; anything else is ignored.
_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "school", "название", "наименование", "школа", "оо"),
    "district": ("district", "район", "муниципалитет", "муниципальный район"),
    "address": ("address", "адрес", "юридический адрес"),
    "email": ("email", "e-mail", "почта", "электронная почта"),
    "phone": ("phone", "телефон"),
}


class FileProblem(StrEnum):
    TOO_BIG = "too_big"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    NO_NAME_COLUMN = "no_name_column"


class RowProblem(StrEnum):
    NO_NAME = "no_name"
    NAME_TOO_LONG = "name_too_long"
    FIELD_TOO_LONG = "field_too_long"
    BAD_EMAIL = "bad_email"
    DUPLICATE = "duplicate"


class SchoolFileError(ValueError):
    def __init__(self, problem: FileProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class SchoolRow:
    line: int
    name: str
    district: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    problem: RowProblem
    other_line: int | None = None


@dataclass
class ParsedFile:
    rows: list[SchoolRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    errors: list[RowError]


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = " ".join(str(title or "").split()).casefold()
        for column, spellings in _HEADERS.items():
            if key in spellings and column not in found:
                found[column] = index
    if "name" not in found:
        raise SchoolFileError(FileProblem.NO_NAME_COLUMN)
    return found


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")  # what Excel writes by default on Russian Windows
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise SchoolFileError(FileProblem.UNREADABLE) from error
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SchoolFileError(FileProblem.UNREADABLE) from error
    sheet = workbook.worksheets[0]
    rows = [
        (number, ["" if cell is None else str(cell) for cell in values])
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]
    workbook.close()
    return rows


def parse(data: bytes, filename: str) -> ParsedFile:
    if len(data) > MAX_FILE_BYTES:
        raise SchoolFileError(FileProblem.TOO_BIG)
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _read_xlsx(data) if is_xlsx else _read_csv(data)
    table = [(line, values) for line, values in table if any(v.strip() for v in values)]
    if not table:
        raise SchoolFileError(FileProblem.EMPTY)
    columns = _column_map(table[0][1])
    if len(table) == 1:
        raise SchoolFileError(FileProblem.EMPTY)
    parsed = ParsedFile()
    seen: dict[str, int] = {}
    for line, values in table[1:]:
        cells = {
            column: " ".join(values[index].split()) if index < len(values) else ""
            for column, index in columns.items()
        }
        row_error = _row_problem(cells, seen)
        if row_error is not None:
            problem, other = row_error
            parsed.errors.append(RowError(line, problem, other))
            continue
        seen[fold(cells["name"])] = line
        parsed.rows.append(SchoolRow(line=line, **cells))
    return parsed


def _row_problem(
    cells: dict[str, str], seen: dict[str, int]
) -> tuple[RowProblem, int | None] | None:
    name = cells["name"]
    if not name:
        return RowProblem.NO_NAME, None
    if len(name) > NAME_MAX:
        return RowProblem.NAME_TOO_LONG, None
    if any(len(value) > FIELD_MAX for value in cells.values()):
        return RowProblem.FIELD_TOO_LONG, None
    email = cells.get("email", "")
    if email and not validation.is_email(email):
        return RowProblem.BAD_EMAIL, None
    if fold(name) in seen:
        return RowProblem.DUPLICATE, seen[fold(name)]
    return None


async def import_schools(
    uow: UnitOfWork, parsed: ParsedFile, actor: int | None, now: datetime
) -> ImportReport:
    created = updated = unchanged = 0
    for row in parsed.rows:
        school = await uow.schools.by_name(row.name)
        values = {
            "district": row.district,
            "address": row.address,
            "email": row.email,
            "phone": row.phone,
        }
        if school is None:
            school = School(name=row.name, **values)
            school.refresh_keys()
            uow.schools.add(school)
            created += 1
            continue
        changed = {
            key: value for key, value in values.items() if value and getattr(school, key) != value
        }
        for key, value in changed.items():
            setattr(school, key, value)
        school.refresh_keys()
        if changed:
            updated += 1
        else:
            unchanged += 1
    uow.audit.record(
        "schools.import",
        "school",
        None,
        actor,
        now,
        created=created,
        updated=updated,
        errors=len(parsed.errors),
    )
    await uow.commit()
    return ImportReport(created, updated, unchanged, parsed.errors)
