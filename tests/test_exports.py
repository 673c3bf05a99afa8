"""The files staff and coordinators take away, opened as a user would: the registry and the
submissions as workbooks, the audit log, the statistics chart; who may ask for which."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from docx import Document
from icalendar import Calendar, Event
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from bot import cli
from bot.app import create_i18n
from bot.emulator import SentMessage, StoredFile
from handlers.exports import sending
from tests import seed, steps
from tests import test_preset_omsk as omsk
from tests.conftest import BACKENDS, migrated_database
from tests.harness import MOSCOW, STAFF_CHAT_ID, Person

GYMNASIUM = "МАОУ Гимназия № 5"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every journey here on SQLite and on PostgreSQL: the exports read raw column values,
    which the two drivers give differently (text or dates, names of enums)."""
    with migrated_database(request.param, request) as url:
        yield url


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
    assert "Реестр площадок на 01.11.2027: 1 площадка." in answer
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

    assert "Эта команда — для сотрудников института." in await maria.send("/registry")
    assert "Эта команда — для сотрудников института." in await mentor.send("/registry")
    assert all(m.document_id is None for m in maria.messages() + mentor.messages())


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
    bot, people, coordinator, mentor
) -> None:
    olga = await _two_announcements(bot, people, coordinator)
    other = people("Пётр")
    await seed.coordinator(bot.app, other, "МБОУ Лицей № 12")
    await other.send("/start")
    await steps.announce(other, title="Лицейский семинар")

    answer = await olga.send("/export 01.09.2026 30.11.2026")
    file = sent_file(olga)
    assert file.file_name == "Заявки 2026-09-01 – 2026-11-30.xlsx"
    assert "С 01.09.2026 по 30.11.2026 отправлены 3 заявки." in answer
    sheet = load_workbook(io.BytesIO(file.content)).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = [by_header(sheet, row) for row in rows_of(sheet)[1:]]
    assert [(r["№"], r["Школа"], r["Статус"]) for r in rows] == [
        (1, GYMNASIUM, "одобрено"),
        (2, GYMNASIUM, "отклонено"),
        (3, "МБОУ Лицей № 12", "отправлено"),
    ]
    first = rows[0]
    assert first["Вид"] == "Анонс мероприятия" and first["Сотрудник"] == "Ольга"
    assert first["Отправлено"] == datetime(2026, 11, 23, 12, 0)  # Moscow wall time, a datetime
    assert isinstance(first["Решение"], datetime) and first["Версия"] == 1
    assert first["Срок"] == "в срок" and first["Дней ожидания"] == 0

    await coordinator.send("/export")  # the school year so far, their own school only
    mine = load_workbook(io.BytesIO(sent_file(coordinator).content)).worksheets[0]
    assert [r[2] for r in rows_of(mine)[1:]] == [GYMNASIUM, GYMNASIUM]
    await mentor.send("/export 01.11.2026")  # the schools they accompany, only
    theirs = load_workbook(io.BytesIO(sent_file(mentor).content)).worksheets[0]
    assert [r[0] for r in rows_of(theirs)[1:]] == [1, 2]


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
    assert "Журнал действий: анонс мероприятия № 2" in answer
    assert "Иванова Мария Петровна · отправка" in answer
    assert "Ольга · отклонение" in answer and "«Перенесите на январь»" in answer
    for wrong in ("/audit abc", "/audit ²", "/audit 99999999999"):
        assert "Укажите номер заявки" in await olga.send(wrong)
    assert "Заявки № 99 нет." in await olga.send("/audit 99")

    await olga.send("/export audit 23.11.2026")
    file = sent_file(olga)
    assert file.file_name == "Журнал действий 2026-11-23 – 2026-11-23.xlsx"
    sheet = load_workbook(io.BytesIO(file.content)).worksheets[0]
    rows = [by_header(sheet, row) for row in rows_of(sheet)[1:]]
    assert {"отправка", "одобрение", "отклонение"} <= {r["Действие"] for r in rows}
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
    assert "За 12 месяцев отправлены 2 заявки." in (message.caption or "")
    assert "Дней до решения: медиана 0,0" in (message.caption or "")
    content = sent_photo(olga).content
    Image.open(io.BytesIO(content)).verify()
    picture = Image.open(io.BytesIO(content))
    assert picture.format == "PNG"
    width, height = picture.size
    assert 800 <= width <= 2560 and 400 <= height <= 2560
    colours = {colour for _count, colour in picture.convert("RGB").getcolors(1 << 20) or []}
    assert (0x4C, 0x72, 0xB0) in colours  # the announcements' bar of November is drawn

    assert "для сотрудников" in await coordinator.send("/stats")
    assert all(m.photo_id is None for m in coordinator.messages())


CHANNEL_ID = -1003000000003


def events_of(file: StoredFile) -> dict[str, Event]:
    """The events of an ICS file by their titles."""
    parsed = Calendar.from_ical(file.content)
    return {str(event["summary"]): event for event in parsed.walk("VEVENT")}


async def test_calendar_of_a_school_its_mentor_and_staff(
    bot, people, coordinator, mentor, clock
) -> None:
    olga = await _two_announcements(bot, people, coordinator)
    pyotr = people("Пётр")
    await seed.coordinator(bot.app, pyotr, "МБОУ «СОШ № 1»")
    await pyotr.send("/start")
    await steps.announce(pyotr, title="Сельский семинар", when="18.12.2026 11:00")

    answer = await coordinator.send("/calendar")
    assert "В файле 2 мероприятия." in answer
    file = sent_file(coordinator)
    assert file.file_name == "Мероприятия 2026-11-23.ics"
    calendar = Calendar.from_ical(file.content)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    events = events_of(file)
    assert set(events) == {"Семинар «Цифровая школа»", "Мастер-класс"}
    seminar, workshop = events["Семинар «Цифровая школа»"], events["Мастер-класс"]
    start = seminar.decoded("dtstart")
    assert seminar["dtstart"].params["TZID"] == "Europe/Moscow"
    assert start == datetime(2026, 12, 15, 10, 0, tzinfo=MOSCOW)
    assert str(seminar["location"]) == "Актовый зал" and str(seminar["status"]) == "CONFIRMED"
    assert str(workshop["status"]) == "CANCELLED"  # rejected: the calendar drops it
    assert workshop.decoded("dtstart") == datetime(2026, 12, 20, 15, 30, tzinfo=MOSCOW)

    await coordinator.send("/calendar")  # imported again: the same events, not new ones
    again = events_of(sent_file(coordinator))
    assert {str(e["uid"]) for e in again.values()} == {str(e["uid"]) for e in events.values()}

    await mentor.send("/calendar")
    assert set(events_of(sent_file(mentor))) == set(events)
    await olga.send("/calendar")
    assert set(events_of(sent_file(olga))) == set(events) | {"Сельский семинар"}
    assert "В файле 1 мероприятие." in await olga.send("/calendar Хоринский район")
    assert set(events_of(sent_file(olga))) == {"Сельский семинар"}

    assert "только сотрудники" in await coordinator.send("/calendar Хоринский район")
    stranger = people("Незнакомец")
    assert "доступен координаторам" in await stranger.send("/calendar")
    assert all(m.document_id is None for m in stranger.messages())


async def test_calendar_without_events_is_answered_in_words(bot, people, coordinator) -> None:
    answer = await coordinator.send("/calendar")
    assert "мероприятий за последний год и впереди нет" in answer
    assert all(m.document_id is None for m in coordinator.messages())


async def test_a_changed_announcement_keeps_its_uid_and_raises_its_sequence(
    bot, people, coordinator
) -> None:
    olga = people("Ольга", staff=True)
    await steps.announce(coordinator)
    await coordinator.send("/calendar")
    [before] = events_of(sent_file(coordinator)).values()
    assert str(before["status"]) == "TENTATIVE" and before.decoded("sequence") == 0

    await olga.press("На доработку", message=steps.card(bot, "Анонс мероприятия № 1"))
    await olga.send_in(
        bot.fake.world.chats[STAFF_CHAT_ID],
        "Уточните аудиторию",
        reply_to=bot.fake.last_bot_message(STAFF_CHAT_ID),
    )
    await coordinator.press("Исправить")
    await coordinator.press("Изменить поле")
    await coordinator.press("Место")
    await coordinator.send("ул. Ленина, 1, ауд. 204")
    await coordinator.press("Отправить")

    await coordinator.send("/calendar")
    [after] = events_of(sent_file(coordinator)).values()
    assert str(after["uid"]) == str(before["uid"])
    assert after.decoded("sequence") == 1 and str(after["location"]) == "ул. Ленина, 1, ауд. 204"


async def test_an_approved_announcement_in_the_channel_carries_its_ics(
    bot, people, coordinator
) -> None:
    bot.settings.public_channel_id = CHANNEL_ID
    await bot.restart()
    bot.fake.world.add_group(CHANNEL_ID, "Канал института", type="channel")
    olga = people("Ольга", staff=True)
    await steps.announce(coordinator)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия № 1"))

    post, attached = bot.fake.bot_messages(CHANNEL_ID)
    assert "Семинар «Цифровая школа»" in (post.text or "")
    assert attached.document_id is not None
    file = bot.fake.world.files[attached.document_id]
    assert file.file_name == "Мероприятие 2026-12-15.ics"
    [event] = events_of(file).values()
    assert event.decoded("dtstart") == datetime(2026, 12, 15, 10, 0, tzinfo=MOSCOW)
    assert str(event["status"]) == "CONFIRMED"
    await coordinator.send("/calendar")  # the same event as in the school's calendar
    [same] = events_of(sent_file(coordinator)).values()
    assert str(same["uid"]) == str(event["uid"])


IN_THE_WINDOW = datetime(2027, 6, 10, 9, 0, tzinfo=UTC)
"""Applications for the status are sent in June."""


async def _application(bot, person: Person) -> SentMessage:
    """Мария's application for the status, sent from the chat; its card in the staff group."""
    await person.send("📝 Заявка")
    await person.press("Заявка на присвоение")
    await person.press("✅ Оставить как есть")  # name from the list of schools
    await person.send("г. Краснодар, ул. Мира, 1")
    await person.press("✅ Оставить как есть")  # district from the list of schools
    await person.send("+7 861 200-00-00")
    await person.send("Петров Иван Иванович")
    await person.press("✅ Оставить как есть")
    await person.send("Цифровая среда")
    await person.send("Сферум")
    await person.press("Нет")
    await person.send("На подписи в управлении образования")
    for name in ("устав.pdf", "программа.pdf", "приказ.pdf"):
        await person.send(document=steps.pdf(bot, name))
        await person.press("Готово")
    await person.press("Отправить")
    return [m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if m.inline_keyboard][-1]


def paragraphs(file: StoredFile) -> str:
    """Every paragraph of a DOCX, the tables' cells included, one a line."""
    document = Document(io.BytesIO(file.content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


async def test_application_as_the_regulations_form(bot, people, coordinator, clock) -> None:
    clock.set(IN_THE_WINDOW)
    olga = people("Ольга", staff=True)
    card = await _application(bot, coordinator)

    await olga.press("📄 DOCX", message=card)
    document = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert document.document_id is not None
    assert document.reply_to_message_id == card.message_id
    file = bot.fake.world.files[document.document_id]
    assert file.file_name == "Заявка № 1 (МАОУ Гимназия № 5).docx"
    text = paragraphs(file)
    assert "ЗАЯВКА" in text and "{{" not in text and "{%" not in text
    assert "2. Юридический адрес | г. Краснодар, ул. Мира, 1" in text
    assert "Петров Иван Иванович" in text and "Цифровая среда" in text and "Сферум" in text
    assert "устав.pdf" in text and "Дата: 10.06.2027" in text

    await coordinator.send("📂 Мои заявки")
    await coordinator.press("Заявка")
    await coordinator.press("📄 DOCX")
    assert "Цифровая среда" in paragraphs(sent_file(coordinator))

    pyotr = people("Пётр")  # another school's coordinator, with a forged button
    await seed.coordinator(bot.app, pyotr, "МБОУ Лицей № 12")
    await pyotr.send("/start")
    update = bot.fake.press(pyotr.user, card, "📄 DOCX")
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert "недоступен" in (query.answer_text or "")
    assert all(m.document_id is None for m in pyotr.messages())


async def test_council_list_as_a_workbook_and_for_the_minutes(
    bot, people, coordinator, clock
) -> None:
    clock.set(IN_THE_WINDOW)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await olga.send_in(staff_chat, "/council 15.10.2027")
    card = await _application(bot, coordinator)
    await olga.press("Одобрить", message=card)

    await olga.send_in(staff_chat, "/council")
    workbook_message, document_message = [
        m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if m.document_id
    ][-2:]
    workbook = bot.fake.world.files[workbook_message.document_id]
    assert workbook.file_name == "Список к Учёному совету 2027-10-15.xlsx"
    assert "1 претендент" in (workbook_message.caption or "")
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    [row] = [by_header(sheet, r) for r in rows_of(sheet)[1:]]
    assert row["Школа"] == GYMNASIUM and row["Одобрена"] == datetime(2027, 6, 10)
    document = bot.fake.world.files[document_message.document_id]
    assert document.file_name == "Список к Учёному совету 2027-10-15.docx"
    text = paragraphs(document)
    assert "15.10.2027" in text and GYMNASIUM in text and "{{" not in text


async def test_personal_data_export_and_erasure(bot, people, coordinator, capsys) -> None:
    olga = await _two_announcements(bot, people, coordinator)

    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):  # as `python -m bot person …` runs it
        assert await cli.person(bot.settings, "export", coordinator.id) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["person"]["full_name"] == "Иванова Мария Петровна"
    assert [m["school"] for m in exported["memberships"]] == [GYMNASIUM]
    assert [s["values"]["title"] for s in exported["submissions"]] == [
        "Семинар «Цифровая школа»",
        "Мастер-класс",
    ]
    assert {e["action"] for e in exported["audit"]} == {"invitation.redeem", "submission.send"}

    with i18n.context(), i18n.use_locale("ru"):
        assert await cli.person(bot.settings, "erase", olga.id) == 0
        assert await cli.person(bot.settings, "erase", coordinator.id) == 0
    erased = capsys.readouterr().out
    assert "ФИО и контакты пользователя" in erased and "профиль: 1" in erased
    with i18n.context(), i18n.use_locale("ru"):
        assert await cli.person(bot.settings, "erase", coordinator.id) == 0
    assert "уже удалены" in capsys.readouterr().out, "a second erasure changes nothing"
    history = await people("Иван", staff=True).send("/audit 2")
    assert "Ольга" not in history and "Иванова" not in history
    assert history.count("удалённый пользователь") == 2  # who sent it, who rejected it
    assert "удалённый пользователь · отклонение" in history  # what was done stays
    assert "«Перенесите на январь»" in history

    with i18n.context(), i18n.use_locale("ru"):
        assert await cli.person(bot.settings, "export", coordinator.id) == 0
        after = json.loads(capsys.readouterr().out)
        assert await cli.person(bot.settings, "erase", 424242) == 1
    assert after["person"]["full_name"] == "удалённый пользователь"
    assert after["person"]["contact"] == "" and len(after["submissions"]) == 2
    assert "О пользователе 424242 ничего не хранится." in capsys.readouterr().err


@pytest.mark.parametrize("programme", [("omsk-internship",)])
async def test_indicators_come_with_a_chart_per_district(bot, people, clock) -> None:
    await omsk._coordinator(bot, people)
    await omsk._granted_platform(bot, omsk.GYMNASIUM, "Наставничество", date(2025, 11, 1))
    olga = people("Ольга", staff=True)
    clock.set(datetime(2027, 6, 20, 7, 0, tzinfo=UTC))

    answer = await olga.send("/indicators")
    chart = next(m for m in olga.messages() if m.photo_id is not None)
    assert chart.caption == bot.app.programmes.of("omsk-internship").title
    assert "Кировский АО" in answer  # the figures in words follow the picture
    content = sent_photo(olga).content
    Image.open(io.BytesIO(content)).verify()
    picture = Image.open(io.BytesIO(content)).convert("RGB")
    assert picture.size[0] >= 800 and 300 <= picture.size[1] <= 2000
    colours = {colour for _count, colour in picture.getcolors(maxcolors=1 << 20) or []}
    assert (0xD9, 0x82, 0x2B) in colours  # Кировский АО: 1 platform of the 5 wanted, orange


async def test_report_preview_shows_events_by_month_and_prints(
    bot, people, coordinator, clock
) -> None:
    olga = people("Ольга", staff=True)
    await steps.announce(coordinator)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия № 1"))
    await steps.announce(coordinator, title="Мастер-класс", when="20.01.2027 15:30")
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия № 2"))
    clock.set(datetime(2027, 6, 25, 9, 0, tzinfo=UTC))

    await coordinator.send("📊 Отчёт")
    await coordinator.send("25")
    await coordinator.send("40")
    await coordinator.send("Все показатели достигнуты")
    for _ in range(3):
        await coordinator.press("Пропустить")
    await coordinator.send(document=steps.pdf(bot, "otchet.pdf"))
    before = len(coordinator.messages())
    preview = await coordinator.press("Готово")
    assert "Проверьте перед отправкой" in preview
    [chart] = [m for m in coordinator.messages()[before:] if m.photo_id is not None]
    assert chart.caption == "Мероприятия и участники по месяцам"
    picture = Image.open(io.BytesIO(bot.fake.world.files[chart.photo_id].content))
    assert picture.format == "PNG" and picture.size[0] >= 800
    await coordinator.press("Изменить поле")  # back to the preview: the same chart, not again
    assert "Проверьте перед отправкой" in await coordinator.press("◀️ Назад")
    assert [m for m in coordinator.messages()[before:] if m.photo_id is not None] == [chart]

    await coordinator.press("Отправить")
    await coordinator.send("📂 Мои заявки")
    await coordinator.press("Отчёт")
    await coordinator.press("📄 DOCX")
    file = sent_file(coordinator)
    assert file.file_name == "Отчёт № 3 (МАОУ Гимназия № 5).docx"
    text = paragraphs(file)
    assert "Все показатели достигнуты" in text and "{{" not in text
    assert "15.12.2026" in text and "Мастер-класс" in text and "40" in text


async def test_a_slow_export_says_so_at_once_and_the_file_replaces_it(
    bot, people, coordinator, monkeypatch
) -> None:
    olga = await _two_announcements(bot, people, coordinator)
    monkeypatch.setattr(sending, "SLOW_ROWS", 1)  # two rows count as many

    await olga.send("/export")
    *_, notice, file = [m for m in bot.fake.world.history(olga.id) if m.from_bot]
    assert notice.text == "Готовлю файл…" and notice.deleted  # gone when the file came
    assert file.document_id is not None and olga.last is file
