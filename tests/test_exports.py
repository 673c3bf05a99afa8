"""The files staff and coordinators take away, opened as a user would: the registry and the
submissions as workbooks, the audit log, the statistics chart; who may ask for which."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from bot.emulator import StoredFile
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID, Person

GYMNASIUM = "МАОУ Гимназия № 5"


def sent_file(person: Person) -> StoredFile:
    """The newest document the bot sent to `person`, with its name and bytes."""
    for message in reversed(person.messages()):
        if message.document_id is not None:
            return person.fake.world.files[message.document_id]
    raise AssertionError(f"no document was sent to {person.id}; last: {person.last.text!r}")


def sent_photo(person: Person) -> StoredFile:
    for message in reversed(person.messages()):
        if message.photo_id is not None:
            return person.fake.world.files[message.photo_id]
    raise AssertionError(f"no picture was sent to {person.id}; last: {person.last.text!r}")


def rows_of(sheet: Worksheet) -> list[tuple[object, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def by_header(sheet: Worksheet, row: tuple[object, ...]) -> dict[str, object]:
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    return dict(zip((str(h) for h in header), row, strict=True))


async def _granted(bot, people, clock) -> tuple[Person, Person, int]:
    """Мария's gymnasium with its application approved and the order of 01.11.2027 recorded."""
    clock.set(datetime(2027, 11, 1, 9, 0, tzinfo=UTC))
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    olga = people("Ольга", staff=True)
    number = await seed.approved_application(bot.app, values={"topic": "Цифровая школа"})
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], f"/granted {number} 01.11.2027")
    return maria, olga, number


@pytest.mark.parametrize("programme", [("krasnodar-digital", "omsk-internship")])
async def test_registry_is_a_workbook_with_a_sheet_per_programme(bot, people, clock) -> None:
    maria, olga, _number = await _granted(bot, people, clock)
    mentor = people("Наставник")
    await seed.mentor(bot.app, mentor)

    answer = await olga.send("/registry")
    file = sent_file(olga)
    assert file.file_name == "Реестр площадок 2027-11-01.xlsx"
    assert "Реестр площадок на 01.11.2027: 1 в реестре." in answer
    book = load_workbook(io.BytesIO(file.content))
    titles = [bot.app.programmes.of(p).title for p in ("krasnodar-digital", "omsk-internship")]
    assert book.sheetnames == [title[:31] for title in titles]
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O2"
    assert sheet.column_dimensions["B"].width >= len(GYMNASIUM)
    [header, row] = rows_of(sheet)
    cells = by_header(sheet, row)
    assert cells["Школа"] == GYMNASIUM and cells["Район"] == "Центральный округ"
    assert cells["Вид площадки"] == "опорная" and cells["Тема"] == "Цифровая школа"
    assert cells["Статус"] == "действует"
    assert cells["Приказ от"] == datetime(2027, 11, 1)  # a date Excel sorts, not text
    assert isinstance(cells["Срок до"], datetime) and cells["Срок до"] > datetime(2028, 11, 1)
    assert cells["Наставники"] == "Сидоров Иван Иванович"
    assert isinstance(cells["№ площадки"], int)
    assert rows_of(book.worksheets[1]) == [header]  # no Omsk platform yet: the header only

    assert "только для сотрудников" in await maria.send("/registry") or "для сотрудников" in (
        maria.last.text or ""
    )
    assert all(m.document_id is None for m in maria.messages())


async def test_registry_without_platforms_is_answered_in_words(bot, people) -> None:
    olga = people("Ольга", staff=True)
    answer = await olga.send("/registry")
    assert "В реестре пока нет площадок" in answer
    assert all(m.document_id is None for m in olga.messages())


async def _two_announcements(bot, people, coordinator) -> Person:
    """Two announcements of Мария's school: № 1 approved, № 2 rejected; Ольга decided both."""
    olga = people("Ольга", staff=True)
    await steps.announce(coordinator)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия № 1"))
    await steps.announce(coordinator, title="Мастер-класс", when="20.12.2026 15:30")
    await olga.press("Отклонить", message=steps.card(bot, "Анонс мероприятия № 2"))
    await olga.send_in(
        bot.fake.world.chats[STAFF_CHAT_ID],
        "Перенесите на январь",
        reply_to=bot.fake.last_bot_message(STAFF_CHAT_ID),
    )
    return olga


async def test_submissions_export_for_staff_and_for_the_coordinator(
    bot, people, coordinator, clock
) -> None:
    olga = await _two_announcements(bot, people, coordinator)
    other = people("Пётр")
    await seed.coordinator(bot.app, other, "МБОУ Лицей № 12")
    await other.send("/start")
    await steps.announce(other, title="Лицейский семинар")

    answer = await olga.send("/export 01.09.2026 30.11.2026")
    file = sent_file(olga)
    assert file.file_name == "Заявки 2026-09-01 – 2026-11-30.xlsx"
    assert "Заявки, отправленные с 01.09.2026 по 30.11.2026: 3." in answer
    sheet = load_workbook(io.BytesIO(file.content)).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = [by_header(sheet, row) for row in rows_of(sheet)[1:]]
    assert [(r["№"], r["Школа"], r["Статус"]) for r in rows] == [
        (1, GYMNASIUM, "одобрено"),
        (2, GYMNASIUM, "отклонено"),
        (3, "МБОУ Лицей № 12", "отправлено"),
    ]
    first = rows[0]
    assert first["Вид"] == "Анонс мероприятия" and first["Рассматривал(а)"] == "Ольга"
    assert first["Отправлено"] == datetime(2026, 11, 23, 12, 0)  # Moscow wall time, a datetime
    assert isinstance(first["Решение"], datetime) and first["Версия"] == 1
    assert first["Срок"] == "в срок" and first["Дней ожидания"] == 0

    await coordinator.send("/export")  # the school year so far, their own school only
    mine = load_workbook(io.BytesIO(sent_file(coordinator).content)).worksheets[0]
    assert [r[2] for r in rows_of(mine)[1:]] == [GYMNASIUM, GYMNASIUM]


async def test_export_with_a_wrong_period_says_what_is_wrong(bot, people) -> None:
    olga = people("Ольга", staff=True)
    assert "2027-13-01" in await olga.send("/export 2027-13-01")
    assert "не дата" in olga.last.text
    assert "позже" in await olga.send("/export 31.12.2026 01.09.2026")
    assert "Укажите период" in await olga.send("/export 01.09.2026 02.09.2026 03.09.2026")
    answer = await olga.send("/export 2026-09-01 2026-09-30")  # ISO days are understood too
    assert "С 01.09.2026 по 30.09.2026 заявок не было." in answer
    assert all(m.document_id is None for m in olga.messages())


async def test_export_needs_a_role(bot, people) -> None:
    stranger = people("Незнакомец")
    assert "координаторам, наставникам и сотрудникам" in await stranger.send("/export")


async def test_audit_of_a_submission_and_the_audit_log_are_for_staff(
    bot, people, coordinator
) -> None:
    olga = await _two_announcements(bot, people, coordinator)

    answer = await olga.send("/audit 2")
    assert "Анонс мероприятия № 2" in answer
    assert "Иванова Мария Петровна" in answer and "отправил(а)" in answer
    assert "Ольга" in answer and "отклонил(а)" in answer and "«Перенесите на январь»" in answer
    assert "Укажите номер заявки" in await olga.send("/audit abc")
    assert "Заявки № 99 нет." in await olga.send("/audit 99")

    await olga.send("/export audit 23.11.2026")
    file = sent_file(olga)
    assert file.file_name == "Журнал действий 2026-11-23 – 2026-11-23.xlsx"
    sheet = load_workbook(io.BytesIO(file.content)).worksheets[0]
    rows = [by_header(sheet, row) for row in rows_of(sheet)[1:]]
    assert {"отправил(а)", "одобрил(а)", "отклонил(а)"} <= {r["Действие"] for r in rows}
    assert all(isinstance(r["Когда"], datetime) for r in rows)

    assert "для сотрудников" in await coordinator.send("/audit 2")
    assert "только сотрудникам" in await coordinator.send("/export audit")
    assert all(m.document_id is None for m in coordinator.messages())


async def test_stats_chart_for_staff(bot, people, coordinator) -> None:
    ivan = people("Иван", staff=True)
    assert "заявок не было" in await ivan.send("/stats")

    olga = await _two_announcements(bot, people, coordinator)
    said = await olga.send("/stats")
    message = olga.last
    assert message.photo_id is not None, said
    assert message.photo_id is not None
    assert "Заявок за 12 месяцев: 2." in (message.caption or "")
    assert "медиана 0,0 дн." in (message.caption or "")
    picture = Image.open(io.BytesIO(sent_photo(olga).content))
    picture.verify()
    assert picture.format == "PNG"
    width, height = picture.size
    assert 800 <= width <= 2560 and 400 <= height <= 2560

    assert "для сотрудников" in await coordinator.send("/stats")
    assert all(m.photo_id is None for m in coordinator.messages())
