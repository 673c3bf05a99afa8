"""Every kind of typed answer: accepted values and the reason for each refusal."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.submissions.fields import FieldError, FieldSpec, FieldType
from services.submissions.parsing import parse_text

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


def _parse(kind: FieldType, text: str, **spec: object) -> object:
    return parse_text(FieldSpec("x", kind, **spec), text, NOW, MOSCOW)  # type: ignore[arg-type]


def _reason(kind: FieldType, text: str, **spec: object) -> str:
    with pytest.raises(FieldError) as error:
        _parse(kind, text, **spec)
    return error.value.reason


def test_titles_are_one_line_up_to_200() -> None:
    assert _parse(FieldType.TEXT, "  Семинар \n «Цифра»  ") == "Семинар «Цифра»"
    assert _parse(FieldType.TEXT, "Я" * 200) == "Я" * 200
    assert _reason(FieldType.TEXT, "Я" * 201) == "too_long"
    assert _reason(FieldType.TEXT, "   ") == "empty"


def test_texts_keep_lines_up_to_3000() -> None:
    assert _parse(FieldType.LONG_TEXT, "Строка 1\nСтрока 2") == "Строка 1\nСтрока 2"
    assert _reason(FieldType.LONG_TEXT, "я" * 3001) == "too_long"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("https://school.ru/reg", "https://school.ru/reg"),
        ("school.ru/reg?id=1", "https://school.ru/reg?id=1"),
        ("http://xn--80a.xn--p1ai", "http://xn--80a.xn--p1ai"),
    ],
)
def test_urls(text: str, value: str) -> None:
    assert _parse(FieldType.URL, text) == value


@pytest.mark.parametrize(
    "text", ["не ссылка", "ftp://school.ru", "https://localhost", "", "http://"]
)
def test_bad_urls(text: str) -> None:
    assert _reason(FieldType.URL, text) == "url"


def test_contacts_need_a_phone_or_an_email() -> None:
    assert _parse(FieldType.CONTACTS, "school@mail.ru") == "school@mail.ru"
    assert _parse(FieldType.CONTACTS, "+7 (861) 200-00-00") == "+7 (861) 200-00-00"
    assert _parse(FieldType.CONTACTS, "+7 861 200-00-00, school@mail.ru")
    assert _reason(FieldType.CONTACTS, "звоните директору") == "contacts"


def test_numbers() -> None:
    assert _parse(FieldType.NUMBER, " 1 250 ") == 1250
    for text in ("-3", "2.5", "много", "99999999"):
        assert _reason(FieldType.NUMBER, text) == "number"


def test_choices_match_case_insensitively() -> None:
    assert _parse(FieldType.CHOICE, "СЕМИНАР", choices=("семинар", "вебинар")) == "семинар"
    assert _reason(FieldType.CHOICE, "лекция", choices=("семинар",)) == "choice"


def test_datetimes_in_local_time() -> None:
    assert _parse(FieldType.DATETIME, "25.12.2026 10:00") == "2026-12-25T07:00:00+00:00"
    assert _reason(FieldType.DATETIME, "25.12.2026") == "date_time_missing"
    assert _reason(FieldType.DATETIME, "31.02.2027 10:00") == "date_no_such_date"
    assert _reason(FieldType.DATETIME, "01.01.2026 10:00") == "date_past"
    assert _reason(FieldType.DATETIME, "в пятницу") == "date_format"


def test_buttons_only_fields_refuse_typing() -> None:
    assert _reason(FieldType.FILES, "вот файл") == "buttons"
    assert _reason(FieldType.YES_NO, "возможно") == "buttons"
