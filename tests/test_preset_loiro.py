"""LOIRO regional internship platforms (seed 003): the preset, windows opened by order,
district consultants, the seven-row application with its network plan-schedule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.domain import Role, SubmissionKind, SubmissionStatus
from services.people import districts, onboarding
from services.programmes import loader as definitions
from services.programmes.deadlines import Verdict, window_timing
from services.programmes.loader import load_preset
from services.submissions import forms, plans
from storage.models import AuditEntry, Submission, WindowOpening
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID

GATCHINA = "Гатчинский район"
SCHOOLS = [
    ("МБОУ «Гатчинская СОШ № 8 – Центр образования»", GATCHINA),
    ("МБОУ «Пудостьская СОШ»", GATCHINA),
    ("МОУ «СОШ № 4» г. Приозерска", "Приозерский район"),
]
LEAD, NEIGHBOUR, PRIOZERSK = (name for name, _ in SCHOOLS)


@pytest.fixture
def programme() -> tuple[str, ...]:
    return ("loiro-internship",)


def test_loiro_preset_follows_its_seed() -> None:
    """The preset says what the regulation says.

    3.2. Статус региональной стажировочной площадки по реализации мероприятий инновационной
    программы присваивается образовательной организации распоряжением ГАОУ ДПО «ЛОИРО» на срок
    до трех лет.

    3.4. Сроки подачи заявки определяются распоряжением Комитета общего и профессионального
    образования Ленинградской области и доводятся до сведения муниципальных органов,
    осуществляющих управление в сфере образования.

    3.5. Решение о прекращении деятельности региональной стажировочной площадки принимает
    ГАОУ ДПО «ЛОИРО» на основании:
    - окончания срока реализации региональной инновационной программы по сетевому
    наставничеству школ с низкими и высокими результатами подготовки обучающихся, в условиях
    которой были созданы региональные стажировочные площадки;
    - установления несоответствия реальной деятельности региональной стажировочной площадки и
    деятельности, представленной в отчетах;
    - возникновения обстоятельств, препятствующих образовательной организации продолжать
    деятельность региональной стажировочной площадки.

    4.1. Региональная стажировочная площадка может быть организована на базе одной или
    нескольких образовательных организаций, объединенных региональной инновационной программой
    и муниципальными инновационными проектами в форме сетевого взаимодействия.

    Приложение 2. Заявка на присвоение статуса региональной стажировочной площадки
    1. Полное наименование образовательной организации в соответствии с Уставом.
    2. Юридический адрес образовательной организации.
    3. Контактные данные (телефон, факс, электронная почта).
    4. ФИО руководителя образовательной организации.
    5. ФИО руководителя региональной стажировочной площадки.
    6. Научный руководитель (научный консультант).
    7. Сетевой план- график реализации мероприятий региональной инновационной программы по
    сетевому наставничеству, муниципального инновационного проекта в том числе рамках
    программы повышения квалификации муниципальных проектных команд.

    Приложение 3. Примерный план-график (сетевой график) деятельности региональной
    стажировочной площадки; _____ уч. год;
    № | Мероприятие | Сроки проведения | Ответственный за мероприятие | Отчет о выполнении
    """
    loiro = load_preset("loiro-internship")
    assert loiro.seed == "003_d5c1bb8fc4c51747.txt"

    # 3.2: up to three years, no extension.
    assert loiro.status.term_years == 3
    assert loiro.status.extension_max_years == 0 and loiro.applications.extension is None

    # 3.4: no dates; staff open the window when the Committee's order is out.
    window = loiro.windows.application
    assert window is not None and window.opened_by_staff and window.yearly is None
    closed = window_timing(loiro, SubmissionKind.APPLICATION, "assignment", 2026, date(2026, 6, 10))
    assert closed.verdict is Verdict.NOT_YET and closed.by_order

    # Приложение 2: exactly the seven rows, in order, every one required.
    assignment = loiro.applications.assignment
    assert assignment.fields == (
        "full_name",
        "legal_address",
        "contacts",
        "head",
        "platform_head",
        "supervisor",
        "network_plan",
    )
    assert assignment.attachments == ()
    form = forms.build(loiro, SubmissionKind.APPLICATION, "assignment", {})
    assert [f.id for f in form.fields] == list(assignment.fields)
    assert not any(f.optional for f in form.fields)
    assert form.field("network_plan").type.value == "events"
    # 4.1: прил. 2 has no row for the network's schools, so the form asks none.
    assert "network_schools" not in assignment.fields

    # Приложение 3: Мероприятие, Сроки проведения, Ответственный for each event of the school
    # year; «Отчет о выполнении» is asked in the report, one answer per event.
    # 4.6: «комплекс учебных мероприятий на учебный год и формы их проведения».
    assert loiro.reports.plan_fields == ("school_year", "title", "form", "dates", "responsible")
    assert "plan_completion" in loiro.reports.report_fields
    plan = [
        {"title": "Вебинар «О планировании работы»", "dates": "12.04.2027", "responsible": "А."},
        {"title": "Круглый стол", "dates": "ноябрь", "responsible": "Б."},
    ]
    report = forms.build(loiro, SubmissionKind.REPORT, "", {"events": [], "plan": plan})
    completion = [f for f in report.fields if f.id.startswith("plan_completion:")]
    assert [(f.title, f.detail, f.optional) for f in completion] == [
        ("Вебинар «О планировании работы»", "12.04.2027, А.", False),
        ("Круглый стол", "ноябрь, Б.", False),
    ]

    # 3.5: the three grounds of termination.
    reasons = [r.title for r in loiro.applications.termination_reasons]
    assert len(reasons) == 3
    assert any(
        r.startswith("Несоответствие реальной деятельности") and "в отчётах" in r for r in reasons
    )
    assert any("Окончание срока реализации" in r for r in reasons)
    assert any("Обстоятельства, препятствующие" in r for r in reasons)


# --- Helpers ---------------------------------------------------------------------------------------


async def _schools(bot) -> None:
    await seed.schools(bot.app, SCHOOLS)
    async with bot.app.uow_factory() as uow:
        for name, _ in SCHOOLS:
            school = await uow.schools.by_name(name)
            school.address = "188300, Ленинградская обл., г. Гатчина, ул. Достоевского, 12"
            school.email = "school8@example.ru"
        await uow.commit()


async def _applications_of(bot, school_name: str) -> list[Submission]:
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name(school_name)
        rows = await uow.session.scalars(
            select(Submission).where(
                Submission.kind == SubmissionKind.APPLICATION, Submission.school_id == school.id
            )
        )
        return list(rows.all())


def _staff_says(bot) -> str:
    return bot.fake.last_bot_message(STAFF_CHAT_ID).text or ""


async def _consultant_by_link(bot, people, olga, staff_chat):
    """Staff invite a district's consultant in the group; she opens the link and registers."""
    await olga.send_in(staff_chat, "/invite консультант гатчинский")
    invitation = _staff_says(bot)
    assert f"научного консультанта района «{GATCHINA}»" in invitation
    code = invitation.split("?start=")[1].split()[0]
    natalia = people("Наталья")
    greeting = await natalia.send(f"/start {code}")
    assert f"научным консультантом муниципального района: {GATCHINA}" in greeting
    await natalia.press("Даю согласие")
    await natalia.send("Жуковицкая Наталья Николаевна")
    joined = await natalia.send("Научный консультант ЛОИРО")
    assert f"Вы — научный консультант района: {GATCHINA}" in joined
    assert f"Научный консультант района: {GATCHINA}." in joined
    assert LEAD in joined and NEIGHBOUR in joined and PRIOZERSK not in joined
    return natalia


async def _seven_rows(person, events: list[tuple[str, str, str, str]]) -> str:
    """Through the seven rows of прил. 2 to the preview; returns the preview."""
    asked = await person.press("✅ Оставить как есть")  # 1. full name from the school list
    assert "Шаг 2 из 7" in asked
    await person.press("✅ Оставить как есть")  # 2. legal address
    await person.press("✅ Оставить как есть")  # 3. contacts
    await person.send("Смирнова Ольга Викторовна")  # 4. head of the school
    asked = await person.press("✅ Оставить как есть")  # 5. head of the platform
    assert "Шаг 6 из 7" in asked and "научного руководителя (научного консультанта)" in asked
    assert "Пропустить" not in str(person.last.buttons()), "row 6 is required by прил. 2"
    asked = await person.send("Жуковицкая Наталья Николаевна")  # 6. scientific consultant
    assert "Шаг 7 из 7" in asked and "Сетевой план-график" in asked
    assert "Готово" not in str(person.last.buttons()), "the plan-schedule needs an event"
    for title, form, dates, responsible in events:
        assert "Название мероприятия" in await person.press("Добавить мероприятие")
        assert "Форма мероприятия" in await person.send(title)
        assert "Сроки" in await person.press(form)
        assert "Ответственный" in await person.send(dates)
        added = await person.send(responsible)
        assert f"Добавлено: {title}" in added
    return await person.press("Готово")


# --- The journey -----------------------------------------------------------------------------------


async def test_loiro_journey_window_by_order_plan_schedule_consultant_and_report(
    bot, people, clock
) -> None:
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    petr = people("Пётр")
    await seed.coordinator(bot.app, petr, NEIGHBOUR)
    await maria.send("/start")
    await petr.send("/start")
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    natalia = await _consultant_by_link(bot, people, olga, staff_chat)

    # 3.4: the Committee's order is out; staff open the window until the day it names.
    await olga.send_in(staff_chat, "/window open 25.12.2026")
    opened = _staff_says(bot)
    assert "Приём открыт: Региональная стажировочная площадка ЛОИРО" in opened
    assert "С 23.11.2026 до 25.12.2026 включительно" in opened
    await steps.tick(bot)
    for coordinator in (maria, petr):
        notice = coordinator.last.text
        assert "Открыт приём заявок на статус площадки по распоряжению" in notice
        assert "Последний день подачи — 25.12.2026 включительно" in notice

    # The application: the seven rows of прил. 2, the plan-schedule event by event.
    await maria.send("📝 Заявка")
    intro = await maria.press("Заявка на присвоение")
    assert "Приём открыт до 25.12.2026 включительно" in intro and "Шаг 1 из 7" in intro
    preview = await _seven_rows(
        maria,
        [
            (
                "Мастер-класс «Современный урок»",
                "мастер-класс",
                "15.12.2026",
                "Петрова Анна Сергеевна",
            ),
            (
                "Круглый стол «Работа со слабоуспевающими детьми»",
                "круглый стол",
                "март 2027",
                "Иванова М. П.",
            ),
        ],
    )
    assert "Научный руководитель: Жуковицкая Наталья Николаевна" in preview
    assert (
        "1. Мастер-класс «Современный урок» (мастер-класс, 15.12.2026, Петрова Анна Сергеевна)"
    ) in preview
    assert "2. Круглый стол «Работа со слабоуспевающими детьми» (круглый стол, март 2027" in preview
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: заявка № 1" in sent

    # Staff approve it in the group; the district's consultant hears of the decision too.
    card = next(
        m for m in reversed(bot.fake.bot_messages(STAFF_CHAT_ID)) if "Заявка № 1" in (m.text or "")
    )
    assert "Сетевой план-график:" in card.text and "Мастер-класс «Современный урок»" in card.text
    await olga.press("Одобрить", message=card)
    assert "Одобрено:" in maria.last.text
    assert "Одобрено:" in natalia.last.text and LEAD in natalia.last.text
    await olga.send_in(staff_chat, "/granted 1 01.12.2026")
    granted = _staff_says(bot)
    assert "записан с 01.12.2026" in granted and "Действует до 01.12.2029" in granted  # 3.2

    # The dated event of the plan-schedule is the schedule: the coordinator is reminded to
    # announce it (7 days ahead, reminded 2 days before that) and announces it from the button.
    clock.set(datetime(2026, 12, 6, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    reminder = maria.last
    assert "«Мастер-класс «Современный урок»» проходит 15.12.2026" in reminder.text
    assert "не позднее 08.12.2026" in reminder.text
    asked = await maria.press("Подать анонс", message=reminder)
    assert "Дата и время мероприятия" in asked, "the form comes from the plan-schedule (4.6)"
    await maria.send("15.12.2026 10:00")
    await maria.send("МБОУ «Гатчинская СОШ № 8», актовый зал")
    await maria.send("Учителя школ района с низкими результатами")
    await maria.press("Пропустить")
    await maria.send("Открытые уроки и разбор")
    assert "Отправлено в институт: анонс мероприятия № 2" in await maria.press("Отправить")
    announcement = bot.fake.last_bot_message(STAFF_CHAT_ID)
    await olga.press("Одобрить", message=announcement)

    # The eve of the event: the coordinator and the district's consultant.
    clock.set(datetime(2026, 12, 14, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    eve = f"Завтра: «Мастер-класс «Современный урок»» ({LEAD}), 15.12.2026 10:00"
    assert eve in maria.last.text
    assert any(eve in (m.text or "") for m in natalia.messages()[-3:])

    # Staff close the window; an application made after that is kept as a draft.
    await olga.send_in(staff_chat, "/window close")
    assert "Приём закрыт: Региональная стажировочная площадка ЛОИРО" in _staff_says(bot)
    await petr.send("📝 Заявка")
    intro = await petr.press("Заявка на присвоение")
    assert "Сейчас приём закрыт: сроки объявляются распоряжением" in intro
    await _seven_rows(
        petr, [("Семинар «Наставничество»", "практикум", "февраль 2027", "Пётр Петров")]
    )
    kept = await petr.press("Отправить")
    assert "Черновик сохранён, но не отправлен: сейчас приём закрыт" in kept
    assert "я сообщу, когда он начнётся" in kept
    assert [s.status for s in await _applications_of(bot, NEIGHBOUR)] == [SubmissionStatus.DRAFT]

    # The day after: it took place, 24 came; that goes into the report.
    clock.set(datetime(2026, 12, 16, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    await maria.press("Состоялось", message=maria.last)
    await maria.send("24")
    await maria.press("Пропустить")

    # June: the report, with «Отчёт о выполнении» for every event of the plan-schedule.
    clock.set(datetime(2027, 6, 10, 7, 5, tzinfo=UTC))
    intro = await maria.send("📊 Отчёт")
    assert "Мероприятия утверждённого плана-графика" in intro
    assert "Круглый стол «Работа со слабоуспевающими детьми» — март 2027" in intro
    assert "Сейчас: 24" in intro  # participants of the announced event, prefilled
    asked = await maria.press("✅ Оставить как есть")
    assert "Отчёт о выполнении плана-графика: «Мастер-класс «Современный урок»»" in asked
    assert "(15.12.2026, Петрова Анна Сергеевна)" in asked
    asked = await maria.send("Проведён: 24 учителя, 6 открытых уроков")
    assert "«Круглый стол «Работа со слабоуспевающими детьми»»" in asked
    await maria.send("Перенесён на апрель: болезнь ведущего")
    await maria.press("Пропустить")  # materials
    report_file = bot.fake.world.add_file("otchet.pdf", b"%PDF-1.4", "application/pdf")
    await maria.send(document=report_file)
    preview = await maria.press("Готово")
    assert (
        "Выполнение: Мастер-класс «Современный урок»: Проведён: 24 учителя, 6 открытых уроков"
        in preview
    )
    assert "Выполнение: Круглый стол «Работа со слабоуспевающими детьми»: Перенесён" in preview
    sent = await maria.press("Отправить")
    assert "Отправлено в институт" in sent
    async with bot.app.uow_factory() as uow:
        report = (
            await uow.session.scalars(
                select(Submission).where(Submission.kind == SubmissionKind.REPORT)
            )
        ).one()
    assert report.status is SubmissionStatus.SENT and not report.late
    values = json.loads(report.values)
    assert values["plan_completion:2"] == "Перенесён на апрель: болезнь ведущего"


# --- /window: staff only, bad input, without a last day, closing reminders ------------------------


async def test_window_is_for_staff_and_refuses_bad_input(bot, people, clock) -> None:
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]

    assert "Эта команда — для сотрудников института" in await maria.send("/window open")

    await olga.send_in(staff_chat, "/window")
    shown = _staff_says(bot)
    assert "Приём заявок на статус (сроки — по распоряжению Комитета)" in shown
    assert "ещё не открывался" in shown and "/window open 31.01.2027" in shown

    for typed, answer in (
        ("/window open 31.02.2027", "Не понял дату «31.02.2027»"),
        ("/window open 01.11.2026", "Этот день уже прошёл"),
        ("/window open <b>скоро</b>", "Не понял «&lt;b&gt;скоро&lt;/b&gt;»"),
        ("/window open 25.12.2026 loiro-internship", "до 25.12.2026 включительно"),
    ):
        await olga.send_in(staff_chat, typed)
        said = bot.fake.last_bot_message(STAFF_CHAT_ID)
        assert answer in (said.html if "&lt;" in answer else said.text), typed
    await olga.send_in(staff_chat, "/window open 25.12.2026")
    assert "Приём уже открыт с 23.11.2026" in _staff_says(bot)
    assert "Ничего не изменилось" in _staff_says(bot)

    # An order without a last day: the window stays open until staff close it.
    await olga.send_in(staff_chat, "/window open")
    assert "Последний день теперь не назван" in _staff_says(bot)
    await olga.send_in(staff_chat, "/window")
    assert "открыт с 23.11.2026, последний день не назван" in _staff_says(bot)
    await steps.tick(bot)
    assert "Последний день пока не объявлен" in maria.last.text

    clock.advance(days=2)
    await olga.send_in(staff_chat, "/window close")
    await olga.send_in(staff_chat, "/window close")
    assert "Открытого приёма сейчас нет" in _staff_says(bot)
    await olga.send_in(staff_chat, "/window")
    assert "закрыт с 25.11.2026 (был открыт с 23.11.2026)" in _staff_says(bot)

    async with bot.app.uow_factory() as uow:
        [opening] = (await uow.session.scalars(select(WindowOpening))).all()
        actions = [
            e.action
            for e in await uow.session.scalars(
                select(AuditEntry).where(AuditEntry.subject_type == "window")
            )
        ]
    assert (opening.programme, opening.window) == ("loiro-internship", "application")
    assert opening.opened_on == date(2026, 11, 23) and opening.closes_on == date(2026, 11, 24)
    assert opening.opened_by == olga.id
    assert actions == ["window.open", "window.change", "window.close"]


async def test_before_any_order_an_application_waits_as_a_draft(bot, people) -> None:
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    await maria.send("/start")
    await maria.send("📝 Заявка")
    intro = await maria.press("Заявка на присвоение")
    assert "Сейчас приём закрыт: сроки объявляются распоряжением" in intro
    preview = await _seven_rows(maria, [("Вебинар", "вебинар", "12.04.2027", "Жуковицкая Н. Н.")])
    assert "Сейчас приём закрыт: он откроется по распоряжению" in preview
    kept = await maria.press("Отправить")
    assert "я сообщу, когда он начнётся" in kept
    assert [s.status for s in await _applications_of(bot, LEAD)] == [SubmissionStatus.DRAFT]
    assert bot.fake.bot_messages(STAFF_CHAT_ID) == [], "nothing reaches staff"


async def test_closing_reminders_of_an_order_window_come_once_and_stop_after_sending(
    bot, people, clock
) -> None:
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    petr = people("Пётр")
    await seed.coordinator(bot.app, petr, NEIGHBOUR)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await maria.send("/start")
    await petr.send("/start")
    await olga.send_in(staff_chat, "/window open 20.12.2026")
    await steps.tick(bot)
    await maria.send("📝 Заявка")
    await maria.press("Заявка на присвоение")
    await _seven_rows(maria, [("Вебинар", "вебинар", "12.04.2027", "Жуковицкая Н. Н.")])
    assert "Отправлено в институт" in await maria.press("Отправить")

    clock.set(datetime(2026, 12, 13, 7, 5, tzinfo=UTC))  # a week before the last day
    maria_before = len(maria.messages())
    await steps.tick(bot)
    await steps.tick(bot)
    closing = [m.text for m in petr.messages() if "закрывается 20.12.2026" in (m.text or "")]
    assert len(closing) == 1, "one reminder however often the planner runs"
    assert len(maria.messages()) == maria_before, "the school that applied is not hurried"

    # Closed early by a new order: the reminder of the eve is not sent.
    await olga.send_in(staff_chat, "/window close")
    clock.set(datetime(2026, 12, 19, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert sum("закрывается" in (m.text or "") for m in petr.messages()) == 1


# --- District consultants ---------------------------------------------------------------------------


async def test_invite_consultant_refuses_a_district_no_school_has(bot, people) -> None:
    await _schools(bot)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await olga.send_in(staff_chat, "/invite консультант Волховский район")
    refused = _staff_says(bot)
    assert "Района «Волховский район» нет ни у одной школы" in refused
    assert f"• {GATCHINA}" in refused and "• Приозерский район" in refused
    await olga.send_in(staff_chat, "/invite консультант район")
    assert "подходит несколько районов" in _staff_says(bot)
    await olga.send_in(staff_chat, "/invite")
    assert "/invite консультант Гатчинский район" in _staff_says(bot)
    await olga.send_in(staff_chat, "/invite наставник 3")  # the school syntax still works
    assert f"Приглашение наставника для школы {PRIOZERSK}:" in _staff_says(bot)
    async with bot.app.uow_factory() as uow:
        actions = (await uow.session.scalars(select(AuditEntry.action))).all()
    assert actions.count("invitation.issue") == 1


async def test_consultant_hears_of_events_and_missing_reports_of_the_district(
    bot, people, clock
) -> None:
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    vera = people("Вера")
    await seed.coordinator(bot.app, vera, PRIOZERSK)
    await maria.send("/start")
    await vera.send("/start")
    natalia = people("Наталья")
    async with bot.app.uow_factory() as uow:
        issued = await districts.invite(uow, GATCHINA, None, clock.now(), 30)
    async with bot.app.uow_factory() as uow:
        newcomer = onboarding.Newcomer(natalia.id, "Жуковицкая Н. Н.", "Консультант", clock.now())
        joined = await onboarding.join(uow, issued.code, natalia.id, clock.now(), newcomer)
    assert joined.district and joined.school_name == GATCHINA and joined.role is Role.MENTOR
    profile = await natalia.send("👤 Мой профиль")
    assert f"Научный консультант района: {GATCHINA}" in profile

    async with bot.app.uow_factory() as uow:
        for name, title in ((LEAD, "Практикум в Гатчине"), (PRIOZERSK, "Вебинар в Приозерске")):
            school = await uow.schools.by_name(name)
            uow.session.add(
                Submission(
                    kind=SubmissionKind.ANNOUNCEMENT,
                    programme="loiro-internship",
                    school_id=school.id,
                    author_id=1,
                    status=SubmissionStatus.APPROVED,
                    values=json.dumps({"title": title, "form": "практикум"}),
                    event_at=datetime(2026, 12, 15, 7, tzinfo=UTC),
                    sent_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                    school_year=2026,
                    files=[],
                )
            )
        await uow.commit()
    clock.set(datetime(2026, 12, 14, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    told = "\n".join(m.text or "" for m in natalia.messages())
    assert "Завтра: «Практикум в Гатчине»" in told
    assert "Приозерске" not in told, "another district's school is not hers"

    clock.set(datetime(2027, 7, 1, 7, 5, tzinfo=UTC))  # the June report window has closed
    await steps.tick(bot)
    assert (
        "Школа МБОУ «Гатчинская СОШ № 8 – Центр образования» не отправила отчёт за учебный год "
        "(срок истёк 30.06.2027)" in natalia.last.text
    )
    assert "Срок отчёта за учебный год истёк 30.06.2027" in maria.last.text


async def test_with_several_order_windows_staff_choose_by_button(
    bot, people, tmp_path, monkeypatch
) -> None:
    """Two programmes open by order: staff pick one; a forged press by a coordinator fails."""
    text = (definitions.PRESETS_DIR / "loiro-internship.toml").read_text(encoding="utf-8")
    (tmp_path / "loiro-internship.toml").write_text(text, encoding="utf-8")
    other = text.replace('id = "loiro-internship"', 'id = "loiro-second"').replace(
        'title = "Региональная стажировочная площадка ЛОИРО"', 'title = "Вторая программа ЛОИРО"'
    )
    (tmp_path / "loiro-second.toml").write_text(other, encoding="utf-8")
    monkeypatch.setattr(definitions, "PRESETS_DIR", tmp_path)
    bot.settings.programme = ("loiro-internship", "loiro-second")
    await bot.restart()
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)
    await maria.send("/start")
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]

    await olga.send_in(staff_chat, "/window open 25.12.2026")
    choice = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert "Какой приём открыть?" in choice.text
    labels = [b.text for row in choice.buttons() for b in row]
    assert len(labels) == 3 and labels[1].startswith("2. Вторая программа ЛОИРО")
    assert "\n2. Вторая программа ЛОИРО — " in choice.text
    assert labels[2] == "✖️ Отмена"

    forged = bot.fake.callback_update(maria.user, choice, "win:open:1:20261225", check_button=False)
    await bot.feed(forged)
    answer = bot.fake.callback_query(forged["callback_query"]["id"])
    assert answer.show_alert and "только сотрудники" in answer.answer_text

    await olga.press("Вторая программа ЛОИРО", message=choice)
    done = bot.fake.message(STAFF_CHAT_ID, choice.message_id)
    assert "Приём открыт: Вторая программа ЛОИРО" in done.text and done.buttons() == []
    async with bot.app.uow_factory() as uow:
        openings = (await uow.session.scalars(select(WindowOpening))).all()
    assert [(o.programme, o.closes_on) for o in openings] == [("loiro-second", date(2026, 12, 25))]

    # The school has no platform yet: it hears of the second programme's window too.
    await steps.tick(bot)
    assert "по распоряжению: «Вторая программа ЛОИРО»" in maria.last.text
    await olga.send_in(staff_chat, "/window close")
    assert "Приём закрыт: Вторая программа ЛОИРО" in _staff_says(bot), "the only open one"
    await olga.send_in(staff_chat, "/window open loiro-internship")
    assert "Приём открыт: Региональная стажировочная площадка ЛОИРО" in _staff_says(bot)

    await olga.send_in(staff_chat, "/window open")
    choice = bot.fake.last_bot_message(STAFF_CHAT_ID)
    garbled = bot.fake.callback_update(olga.user, choice, "win:open:9:", check_button=False)
    await bot.feed(garbled)
    assert (
        "наберите /window ещё раз"
        in bot.fake.callback_query(garbled["callback_query"]["id"]).answer_text
    )
    await olga.press("Отмена", message=choice)
    assert "Отменено" in bot.fake.message(STAFF_CHAT_ID, choice.message_id).text
    async with bot.app.uow_factory() as uow:
        assert len((await uow.session.scalars(select(WindowOpening))).all()) == 2


async def test_report_goes_through_the_plan_schedule_in_force_that_year(bot, people) -> None:
    """The application's plan-schedule serves its first year; a yearly plan replaces it."""
    await _schools(bot)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria, LEAD)

    def item(title: str) -> dict[str, str]:
        return {"title": title, "dates": "октябрь", "responsible": "Иванова"}

    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name(LEAD)
        person = await uow.people.by_telegram_id(maria.id)
        for kind, year, key, title, decided in (
            (SubmissionKind.APPLICATION, 2026, "network_plan", "Из заявки", 1),
            (SubmissionKind.PLAN, 2027, "events", "Из плана на 2027/28", 2),
            (SubmissionKind.PLAN, 2028, "events", "Из плана на 2028/29", 3),
        ):
            uow.session.add(
                Submission(
                    kind=kind,
                    variant="assignment" if kind is SubmissionKind.APPLICATION else "",
                    programme="loiro-internship",
                    school_id=school.id,
                    author_id=person.id,
                    status=SubmissionStatus.APPROVED,
                    values=json.dumps({key: [item(title)]}),
                    school_year=year,
                    decided_at=datetime(2026 + decided, 6, 20, tzinfo=UTC),
                    files=[],
                )
            )
        await uow.commit()
        in_force = {
            year: await plans.approved_schedule(uow, "loiro-internship", [school.id], year)
            for year in (2025, 2026, 2027, 2028)
        }
    assert in_force[2025] == []
    assert in_force[2026] == [item("Из заявки")]
    assert in_force[2027] == [item("Из плана на 2027/28")]
    assert in_force[2028] == [item("Из плана на 2028/29")]
