"""Parsing school lists: separators, encodings, headers, bad rows by line number."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from services.people.schools_import import FileProblem, RowProblem, SchoolFileError, parse


def test_semicolon_csv_with_bom_and_unknown_columns() -> None:
    data = "\ufeffname;district;лишнее\nШкола № 1;Район А;x\n".encode()
    parsed = parse(data, "list.csv")
    assert [(r.line, r.name, r.district) for r in parsed.rows] == [(2, "Школа № 1", "Район А")]


def test_comma_csv_with_quotes_and_russian_headers() -> None:
    data = 'Название,Район,Адрес\n"Гимназия № 5, корпус 2",Центр,"ул. Мира, 1"\n'.encode()
    [row] = parse(data, "list.csv").rows
    assert (row.name, row.address) == ("Гимназия № 5, корпус 2", "ул. Мира, 1")


def test_windows_1251_file_is_read() -> None:
    data = "name;district\nШкола № 2;Район\n".encode("cp1251")
    assert parse(data, "list.csv").rows[0].name == "Школа № 2"


def test_bad_rows_are_reported_by_line_and_good_rows_kept() -> None:
    data = (
        "name;email\n"
        "Школа № 1;a@b.ru\n"
        ";x@y.ru\n"
        "Школа № 3;not-an-email\n"
        "\n"
        "школа  №  1;\n"
        f"{'Ш' * 501};\n"
        "Школа № 4;\n"
    ).encode()
    parsed = parse(data, "list.csv")
    assert [r.name for r in parsed.rows] == ["Школа № 1", "Школа № 4"]
    assert [(e.line, e.problem, e.other_line) for e in parsed.errors] == [
        (3, RowProblem.NO_NAME, None),
        (4, RowProblem.BAD_EMAIL, None),
        (6, RowProblem.DUPLICATE, 2),
        (7, RowProblem.NAME_TOO_LONG, None),
    ]


def test_xlsx() -> None:
    workbook = Workbook()
    workbook.active.append(["name", "phone"])
    workbook.active.append(["Лицей № 12", 73012000000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    [row] = parse(buffer.getvalue(), "list.xlsx").rows
    assert (row.name, row.phone) == ("Лицей № 12", "73012000000")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", FileProblem.EMPTY),
        (b"name;district\n", FileProblem.EMPTY),
        ("город;улица\nА;Б\n".encode(), FileProblem.NO_NAME_COLUMN),
        (b"PK\x03\x04garbage", FileProblem.UNREADABLE),
        (b"x" * (5 * 1024 * 1024 + 1), FileProblem.TOO_BIG),
    ],
)
def test_unusable_files(data: bytes, problem: FileProblem) -> None:
    with pytest.raises(SchoolFileError) as error:
        parse(data, "list.csv")
    assert error.value.problem is problem
