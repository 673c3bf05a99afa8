"""The Buryatia municipal innovation platform (seed 001): a programme passport with dated stages
and indicators, a report after each stage against the indicators, a network around the РМЦ."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from services.domain import SubmissionKind, SubmissionStatus
from services.programmes import deadlines
from services.programmes.deadlines import Verdict
from services.programmes.errors import ProgrammeError
from services.programmes.loader import load_preset, load_programme, preset_path
from services.programmes.schema import Programmes
from services.reminders import planner
from services.reminders.planner import Moment
from services.submissions import forms, passport, stage_reports
from services.submissions.fields import FieldError
from storage.models import Platform, PlatformStatus, Reminder, Submission
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID, moment

PRESET = "buryatia-innovation"

LEAD = "МАОУ «Хоринская СОШ №2»"
MEMBER = "МБОУ «Георгиевская СОШ»"
SCHOOLS = [
    (LEAD, "Хоринский район"),
    (MEMBER, "Хоринский район"),
    ("МБОУ «Булумская СОШ»", "Хоринский район"),
    ("МБОУ «Зун-Хурайская ООШ»", "Хоринский район"),
]
# «Сроки и этапы реализации программы» (L38–47), typed as the bot asks: one stage a line.
STAGES = (
    "Подготовительный: 09.2020 – 01.2021\n"
    "Организационно-деятельностный: 02.2021 – 03.2022\n"
    "Аналитический: 04.2022\n"
    "Обобщающий: 05.2022 – 06.2022"
)
INDICATORS = (
    "Доля уроков с использованием ЭОР — не менее 50 %; анализ уроков; завучи по НМР\n"
    "Наличие перспективного плана работы «Ресурсно – методического центра ЦОО №2»; "
    "аналитическая справка; руководители творческих групп"
)
BASE = (
    "МАОУ ХСОШ № 2: компьютерный класс, мобильный класс, интерактивные доски, проекторы — "
    "учителя МАОУ «Хоринская СОШ №2»\n"
    "МБОУ «Георгиевская СОШ»: интерактивные доски, проекторы — учителя школы"
)


@pytest.fixture
def programme() -> tuple[str, ...]:
    return (PRESET,)


def test_buryatia_preset_follows_its_seed() -> None:
    """The programme of the platform, not a regulation (seed 001):

    «Программа муниципальной инновационной площадки «Модель цифровой образовательной среды
    школы в условиях реализации ФГОС в рамках Центрального образовательного округа №2»» (L5).
    Passport headings: «Разработчики программы» (L7), «Основания для разработки» (L10),
    «Цель программы» (L19), «Задачи программы» (L23), «Сроки и этапы
    реализации программы» (L38), «Перечень основных мероприятий» (L49), «Ожидаемые
    результаты» (L61), «Исполнители программы» (L58); «База инновационной площадки» (L135–157):
    «ОО / Материально-техническая база / Кадровые ресурсы»; «Оценивание результатов
    реализации Программы» (L413–491): «Критерии / Показатели / Измерители / Ответственные»;
    «Прогнозируемые результаты и возможные риски» (L164) with «Риски» /
    «Пути компенсации»; «План мероприятий по реализации Программы инновационной площадки»
    (L233) with «Мероприятия» / «Сроки» / «Ответственные».
    Stages (L40–47): «1 этап: подготовительный / сентябрь 2020 г - январь 2021 г / 2 этап:
    организационно-деятельностный / Февраль 2021 г -  март 2022 г / 3 этап: аналитический /
    апрель -  2022 г / 4 этап: обобщающий / Май-июнь  - 2022 г.»
    Indicator (L489): «Использование ЭОР в учебной и внеурочной деятельности - проведение не
    менее 50 % уроков с использованием ЭОР».
    Control (L75): «Отчёты о промежуточных результатах работы инновационного проекта на
    методических советах школы ЦОО №2.»
    Products (L496–498): «Результаты инновационной деятельности будут представлены в форме
    следующих продуктов: / - модель информационно-образовательной среды образовательных
    организаций ЦОО №2; / -перспективный план работы «Ресурсно – методического центра ЦОО №2»;»
    The network (L102): «Между 7 образовательными организациями (…) организовано
    сотрудничество. Работает руководитель РМЦ ЦОО №2, который курирует работу округа. МАОУ
    «Хоринская Средняя общеобразовательная школа № 2» является Ресурсно-методическим центром
    ЦОО №2.»
    Silent on: who grants the status, the term, application and report windows, report
    deadlines, an announcement lead time.
    """
    preset = load_preset(PRESET)
    assert preset.seed == "001_d82823ebb822c392.txt"
    # Silent on term, windows and the granting body: none of them is invented.
    assert preset.status.term_years is None and preset.status.extension_max_years == 0
    assert preset.status.roadmap_due_days_after_certificate is None
    assert preset.windows.application is None and preset.windows.report is None
    assert preset.council is None
    assert preset.announcements.lead_days == 0
    assert {"семинар", "вебинар", "консультация", "мастер-класс", "веб-конференция"} <= set(
        preset.announcements.forms
    )

    # The application is the programme passport; the applicant leads the network.
    assignment = preset.applications.assignment
    assert list(preset.applications.kinds()) == ["assignment"]
    assert {
        "topic", "goal", "tasks", "stages", "activities", "expected_results", "indicators",
        "risks", "network_schools", "developers", "grounds", "executors", "base",
    } <= set(assignment.fields)  # fmt: skip
    assert [(a.id, a.required) for a in assignment.attachments] == [("programme", True)]
    form = forms.build(preset, SubmissionKind.APPLICATION, "assignment", {})
    assert form.field("stages").type.value == "stages"
    assert form.field("indicators").type.value == "indicators"
    assert form.field("activities").type.value == "events"
    assert form.field("risks").type.value == "long_text"
    assert form.field("base").type.value == "base"
    assert not any(form.field(f).optional for f in ("developers", "grounds", "executors", "base"))

    # The seed's stages, typed as the bot asks, are its four stages with their dates.
    assert passport.parse_stages(STAGES) == [
        {"name": "Подготовительный", "start": "2020-09-01", "end": "2021-01-31"},
        {"name": "Организационно-деятельностный", "start": "2021-02-01", "end": "2022-03-31"},
        {"name": "Аналитический", "start": "2022-04-01", "end": "2022-04-30"},
        {"name": "Обобщающий", "start": "2022-05-01", "end": "2022-06-30"},
    ]
    # L489–491 as typed: the indicator, its target «не менее 50 %», its measurer, who answers.
    assert passport.parse_indicators(
        "Использование ЭОР в учебной и внеурочной деятельности - проведение не менее 50 % "
        "уроков с использованием ЭОР; Анализ уроков и внеурочых занятий; Завучи по НМР"
    ) == [
        {
            "name": "Использование ЭОР в учебной и внеурочной деятельности",
            "target": "проведение не менее 50 % уроков с использованием ЭОР",
            "measurer": "Анализ уроков и внеурочых занятий",
            "responsible": "Завучи по НМР",
        }
    ]
    # L142–145: «МАОУ ХСОШ № 2 / Компьютерный класс / Мобильный класс, интерактивные доски,
    # проекторы. / Учителя МАОУ «Хоринская СОШ №2»».
    assert passport.parse_base(BASE)[0] == {
        "school": "МАОУ ХСОШ № 2",
        "equipment": "компьютерный класс, мобильный класс, интерактивные доски, проекторы",
        "staff": "учителя МАОУ «Хоринская СОШ №2»",
    }

    # Reports: after each stage (silent on the deadline: 10 days after the stage ends),
    # each indicator's achieved value against its target.
    assert preset.reports.schedule == "stages"
    assert preset.reports.stage_report_days_after == 10
    assert "indicator_values" in preset.reports.report_fields
    assert preset.reports.plan_fields == ("title", "form", "dates", "responsible")
    assert preset.reminders.stage_report_days == (7, 1)
    # «Формы представления результатов» (L495–504): models, the РМЦ plan, recommendations.
    assert {"модель", "перспективный план работы РМЦ", "методические рекомендации"} <= set(
        preset.materials.types
    )


# --- Parsing the passport ---------------------------------------------------------------------


def _refused(parse, text: str) -> FieldError:
    with pytest.raises(FieldError) as caught:
        parse(text)
    return caught.value


def test_stages_take_days_or_whole_months_in_order() -> None:
    assert passport.parse_stages("1. Первый: 01.09.2020 – 15.01.2021\n\n2. Второй: 16.01.2021") == [
        {"name": "Первый", "start": "2020-09-01", "end": "2021-01-15"},
        {"name": "Второй", "start": "2021-01-16", "end": "2021-01-16"},
    ]
    # A name with a colon of its own: the dates follow the last one.
    [stage] = passport.parse_stages("Этап 1: подготовка: 02.2024-02.2024")
    assert stage == {"name": "Этап 1: подготовка", "start": "2024-02-01", "end": "2024-02-29"}


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("Подготовительный 09.2020 – 01.2021", "stage_no_colon", 1),
        ("А: 09.2020 – 01.2021\nБ: сентябрь 2021", "stage_date", 2),
        ("А: 31.02.2021 – 01.03.2021", "stage_no_such_date", 1),
        ("А: 05.2021 – 01.2021", "stage_end_before_start", 1),
        ("А: 09.2020 – 01.2021\nБ: 01.2021 – 03.2021", "stage_overlap", 2),
        ("А: 09.2020 – 01.2021\nБ: 02.2020", "stage_overlap", 2),
        (": 09.2020", "stage_no_name", 1),
        ("А:", "stage_no_dates", 1),
    ],
)
def test_a_bad_stage_line_is_named(text: str, reason: str, line: int) -> None:
    error = _refused(passport.parse_stages, text)
    assert (error.reason, error.params["line"]) == (reason, line)
    assert error.params["text"] == text.splitlines()[line - 1]


def test_indicators_with_and_without_targets() -> None:
    assert passport.parse_indicators(
        "1) Доля уроков с использованием ЭОР — не менее 50 %; анализ уроков; завучи по НМР\n"
        "-Увеличение количества персональных сайтов педагогов; мониторинг сайтов; рабочие "
        "группы; завучи\n"
        "• Эффективность работы «Ресурсно – методического центра; ЦОО» — есть анализ ИОС; "
        "аналитическая справка; руководители"
    ) == [
        {
            "name": "Доля уроков с использованием ЭОР",
            "target": "не менее 50 %",
            "measurer": "анализ уроков",
            "responsible": "завучи по НМР",
        },
        {
            "name": "Увеличение количества персональных сайтов педагогов",
            "target": "",
            "measurer": "мониторинг сайтов",
            "responsible": "рабочие группы; завучи",
        },
        {
            "name": "Эффективность работы «Ресурсно – методического центра; ЦОО»",
            "target": "есть анализ ИОС",
            "measurer": "аналитическая справка",
            "responsible": "руководители",
        },
    ]
    error = _refused(passport.parse_indicators, "Доля уроков — 50 %; а; б\n— не менее 50 %")
    assert (error.reason, error.params["line"]) == ("indicator_no_name", 2)
    error = _refused(passport.parse_indicators, "Доля уроков — 50 %; анализ уроков")
    assert (error.reason, error.params["line"]) == ("indicator_no_measurer", 1)
    assert _refused(passport.parse_indicators, " \n ").reason == "empty"
    many = "\n".join(f"Показатель {n}; м; о" for n in range(31))
    assert _refused(passport.parse_indicators, many).reason == "lines_too_many"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("МАОУ ХСОШ № 2 компьютерный класс — учителя", "base_no_colon"),
        (": компьютерный класс — учителя", "base_no_school"),
        ("МАОУ ХСОШ № 2: компьютерный класс", "base_no_staff"),
        ("МАОУ ХСОШ № 2: — учителя", "base_no_staff"),
    ],
)
def test_a_bad_line_of_the_base_is_named(text: str, reason: str) -> None:
    error = _refused(passport.parse_base, text)
    assert (error.reason, error.params["line"]) == (reason, 1)


def test_a_school_s_name_may_hold_a_colon_in_quotes() -> None:
    [school] = passport.parse_base("МБОУ «Школа: будущее»: проекторы — учителя школы")
    assert school["school"] == "МБОУ «Школа: будущее»" and school["equipment"] == "проекторы"


# --- Stage reports: which, when ------------------------------------------------------------------

FOUR = passport.stages_of({"stages": passport.parse_stages(STAGES)})


def test_the_next_report_is_the_first_stage_without_one() -> None:
    first = stage_reports.next_report(FOUR, set(), 10)
    assert first is not None and (first.index, first.final) == (1, False)
    assert first.opens == date(2021, 1, 31) and first.deadline == date(2021, 2, 10)
    second = stage_reports.next_report(FOUR, {1, 3}, 10)
    assert second is not None and second.index == 2 and second.deadline == date(2022, 4, 10)
    last = stage_reports.next_report(FOUR, {1, 2, 3}, 10)
    assert last is not None and last.final and last.deadline == date(2022, 7, 10)
    assert stage_reports.next_report(FOUR, {1, 2, 3, 4}, 10) is None


def test_stage_timing_opens_on_the_last_day_and_is_late_after_the_deadline() -> None:
    opens, deadline = date(2021, 1, 31), date(2021, 2, 10)
    assert deadlines.stage_timing(opens, deadline, date(2021, 1, 30)).verdict is Verdict.NOT_YET
    assert deadlines.stage_timing(opens, deadline, opens).verdict is Verdict.OPEN
    assert deadlines.stage_timing(opens, deadline, deadline).verdict is Verdict.OPEN
    late = deadlines.stage_timing(opens, deadline, date(2021, 2, 11))
    assert (late.verdict, late.closes) == (Verdict.LATE, deadline)


def test_a_stage_schedule_needs_its_deadline_and_the_stages_field(tmp_path: Path) -> None:
    source = preset_path(PRESET).read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(source.replace("stage_report_days_after = 10\n", ""), encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    [problem] = caught.value.problems
    line = source.splitlines().index("[reports]") + 1
    assert problem.startswith(f"{broken}:{line}: reports:")
    assert 'schedule = "stages" needs stage_report_days_after' in problem

    broken.write_text(source.replace('    "stages",\n', ""), encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    assert "does not ask for stages" in str(caught.value)


# --- The journey ---------------------------------------------------------------------------------


async def _network_people(bot, people):
    await seed.schools(bot.app, SCHOOLS)
    lead, member = people("Дарима"), people("Баир")
    await seed.coordinator(bot.app, lead, LEAD)
    await seed.coordinator(bot.app, member, MEMBER)
    await lead.send("/start")
    await member.send("/start")
    return lead, member


async def _apply(bot, lead) -> str:
    """The passport, every required question answered; returns the preview."""
    await lead.send("📝 Заявка")
    asked = await lead.press("Программа инновационной")
    assert "Шаг 1 из 19" in asked and f"Сейчас: {LEAD}" in asked
    await lead.press("Оставить как есть")  # full name
    await lead.press("Оставить как есть")  # municipality: Хоринский район
    await lead.send("+7 301 482-21-64, hsosh2@example.ru")
    await lead.send("Бадмаева Светлана Цыреновна")
    await lead.press("Оставить как есть")  # the coordinator heads the platform
    await lead.send("Модель цифровой образовательной среды школы в рамках ЦОО №2")
    asked = await lead.send("Завучи по НМР Соболевская М. М., Лубсанова Д. Д.")
    assert "Основания для разработки программы" in asked
    await lead.send(
        "Закон № 273-ФЗ «Об образовании в Российской Федерации»; приказ Минобрнауки № 2"
    )
    await lead.send(
        "Обеспечение высокого качества образования с использованием цифровых образовательных "
        "технологий"
    )
    asked = await lead.send(
        "1. Организовать анализ информационно-образовательной среды ОО ЦОО №2.\n"
        "2. Обеспечить эффективную работу РМЦ."
    )
    assert "Шаг 11 из 19" in asked and "по одному этапу в строке" in asked

    # Stages: a line without its colon, then an overlap, each named; then the seed's four.
    refused = await lead.send(
        "Подготовительный: 09.2020 – 01.2021\nОрганизационно-деятельностный 02.2021 – 03.2022"
    )
    assert (
        "Строка 2 («Организационно-деятельностный 02.2021 – 03.2022»): нет двоеточия"
    ) in refused
    assert "Шаг 11 из 19" in refused
    refused = await lead.send("Подготовительный: 09.2020 – 01.2021\nАналитический: 01.2021")
    assert "Строка 2 («Аналитический: 01.2021»): этап начинается 01.01.2021" in refused
    assert "предыдущий кончается 31.01.2021" in refused
    asked = await lead.send(STAGES)
    assert "Шаг 12 из 19" in asked and "План мероприятий программы" in asked

    # The plan of activities, one by one: title, dates, responsible.
    assert "Название мероприятия" in await lead.press("Добавить мероприятие")
    await lead.send("Анкетирование педагогов по ИКТ-компетентности")
    assert "Сроки" in lead.last.text
    await lead.send("Сентябрь – октябрь 2020")
    added = await lead.send("Завучи по НМР")
    assert "Добавлено: Анкетирование педагогов по ИКТ-компетентности" in added
    await lead.press("Добавить мероприятие")
    await lead.send("Методический семинар ЦОО №2")
    await lead.send("Апрель 2022")
    await lead.send("Руководители творческих групп")
    asked = await lead.press("Готово")
    assert "Исполнители программы" in asked
    await lead.send("Учителя ХСОШ №2, учителя ОО ЦОО №2")
    await lead.send("Апробирована модель цифровой образовательной среды ЦОО №2.")
    refused = await lead.send("МАОУ ХСОШ № 2: компьютерный класс")
    assert "Строка 1 («МАОУ ХСОШ № 2: компьютерный класс»): после двоеточия нужны" in refused
    await lead.send(BASE)

    refused = await lead.send("— не менее 50 %; анализ; завучи")
    assert "Строка 1 («— не менее 50 %; анализ; завучи»): перед тире нужно название" in refused
    refused = await lead.send("Доля уроков с использованием ЭОР — не менее 50 %")
    assert "нужны измеритель и ответственный" in refused
    asked = await lead.send(INDICATORS)
    assert "Шаг 17 из 19" in asked and "Риски и пути их компенсации" in asked
    await lead.send("Отсутствие материально-технического обеспечения — привлечение спонсоров.")
    for typed, year in (("Георгиевская", 2019), ("Булумская", 2019), ("Зун-Хурайская", 2020)):
        assert "С какого года" in await lead.send(typed)
        assert "Добавлено" in await lead.send(str(year))
    await lead.press("Готово")
    await lead.send(document=bot.fake.world.add_file("programma.pdf", b"%PDF", "application/pdf"))
    return await lead.press("Готово")


async def test_network_applies_announces_is_reminded_and_sends_the_interim_report(
    bot, people, clock
) -> None:
    clock.set(datetime(2020, 8, 24, 6, 0, tzinfo=UTC))
    lead, member = await _network_people(bot, people)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]

    # 1. The РМЦ applies with the programme passport: shown readably before sending.
    preview = await _apply(bot, lead)
    for shown in (
        "Этапы: 1. Подготовительный: сентябрь 2020 – январь 2021\n"
        "2. Организационно-деятельностный: февраль 2021 – март 2022\n"
        "3. Аналитический: апрель 2022\n4. Обобщающий: май – июнь 2022",
        "Показатели: 1. Доля уроков с использованием ЭОР — не менее 50 % (измеритель: анализ "
        "уроков; ответственный: завучи по НМР)\n"
        "2. Наличие перспективного плана работы «Ресурсно – методического центра ЦОО №2» "
        "(измеритель: аналитическая справка; ответственный: руководители творческих групп)",
        "База площадки (оборудование — кадры): 1. МАОУ ХСОШ № 2: компьютерный класс, мобильный "
        "класс, интерактивные доски, проекторы — учителя МАОУ «Хоринская СОШ №2»",
        "Разработчики программы: Завучи по НМР Соболевская М. М., Лубсанова Д. Д.",
        "Исполнители программы: Учителя ХСОШ №2, учителя ОО ЦОО №2",
        "План мероприятий: 1. Анкетирование педагогов по ИКТ-компетентности "
        "(Сентябрь – октябрь 2020, Завучи по НМР)",
        "Риски и пути их компенсации: Отсутствие материально-технического обеспечения",
        f"{MEMBER} (с 2019)",
    ):
        assert shown in preview, shown
    assert "Отправлено в институт: заявка № 1" in await lead.press("Отправить")

    # 2. Staff see the same on the card, approve, and record the order.
    card = steps.card(bot, "Заявка № 1")
    assert "1. Подготовительный: сентябрь 2020 – январь 2021" in card.text
    assert "1. Доля уроков с использованием ЭОР — не менее 50 %" in card.text
    await olga.press("Одобрить", message=card)
    await olga.send_in(staff_chat, "/granted 1 01.09.2020")
    assert f"Статус площадки школы {LEAD} записан с 01.09.2020" in (
        bot.fake.last_bot_message(STAFF_CHAT_ID).text
    )
    async with bot.app.uow_factory() as uow:
        platform = (await uow.session.scalars(select(Platform))).one()
        assert platform.programme == PRESET and platform.lead_school.name == LEAD
        assert len(platform.members) == 4

    # 3. A network school announces its own event (no lead time in this programme).
    clock.set(datetime(2020, 12, 10, 6, 0, tzinfo=UTC))
    await member.send("📣 Анонс мероприятия")
    await member.send("Вебинар «ЭОР на уроке»")
    await member.press("вебинар")
    await member.send("15.12.2020 10:00")
    await member.send("ZOOM")
    await member.send("Учителя школ ЦОО №2")
    await member.press("Пропустить")
    preview = await member.send("Обмен опытом использования ЭОР")
    assert "поздно" not in preview
    await member.press("Отправить")
    event_card = steps.card(bot, "Анонс мероприятия № 2")
    assert MEMBER in event_card.text
    await olga.press("Одобрить", message=event_card)

    # The member hears of its event and tells how many came; the report is not its to send.
    clock.set(datetime(2020, 12, 16, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    await member.press("Состоялось", message=member.last)
    await member.send("31")
    await member.press("Пропустить")
    told = await member.send("📊 Отчёт")
    assert f"Это подаёт ведущая школа сети — {LEAD}" in told

    # 4. The stage ends: the lead may report; a week before the deadline it is reminded.
    clock.set(datetime(2021, 1, 31, 7, 5, tzinfo=UTC))
    member_before = len(member.messages())
    await steps.tick(bot)
    assert "Завершается этап 1 «Подготовительный» (сентябрь 2020 – январь 2021)" in (lead.last.text)
    clock.set(datetime(2021, 2, 3, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert (
        "Промежуточный отчёт за этап 1 «Подготовительный» (сентябрь 2020 – январь 2021) ещё не "
        "отправлен. Срок — до 10.02.2021 включительно"
    ) in lead.last.text
    assert len(member.messages()) == member_before, "only the lead school is reminded"

    # 5. The interim report: the network's event prefilled, one question per indicator.
    intro = await lead.send("📊 Отчёт")
    assert "Промежуточный отчёт: этап 1 «Подготовительный» (сентябрь 2020 – январь 2021)" in intro
    assert "Приём открыт до 10.02.2021 включительно" in intro
    assert f"Вебинар «ЭОР на уроке» ({MEMBER}) — 15.12.2020" in intro
    assert "Шаг 1 из 8" in intro and "Сейчас: 31" in intro
    asked = await lead.press("Оставить как есть")
    assert "Доля уроков с использованием ЭОР (цель: не менее 50 %) — чего достигли?" in asked
    assert "Измеритель и ответственный: анализ уроков; завучи по НМР." in asked
    asked = await lead.send("52 % уроков с ЭОР в школах сети")
    assert (
        "Наличие перспективного плана работы «Ресурсно – методического центра ЦОО №2» — чего "
        "достигли?"
    ) in asked
    await lead.send("План РМЦ на 2021–2022 годы утверждён")
    for _ in range(4):
        await lead.press("Пропустить")
    await lead.send(document=bot.fake.world.add_file("otchet.pdf", b"%PDF", "application/pdf"))
    preview = await lead.press("Готово")
    assert (
        "Доля уроков с использованием ЭОР (цель: не менее 50 %): 52 % уроков с ЭОР в школах сети"
    ) in preview
    assert "Участников: Вебинар «ЭОР на уроке»: 31" in preview
    sent = await lead.press("Отправить")
    assert "Отправлено в институт: промежуточный отчёт № 3" in sent

    report_card = steps.card(bot, "Промежуточный отчёт № 3")
    assert (
        "Этап 1 из 4 «Подготовительный» (сентябрь 2020 – январь 2021), срок отчёта — 10.02.2021"
    ) in report_card.text
    listing = await lead.send("📂 Мои документы")
    assert (
        "№ 3 · Промежуточный отчёт: этап 1 «Подготовительный» (сентябрь 2020 – январь 2021) "
        "· 03.02.2021 · отправлено"
    ) in listing
    async with bot.app.uow_factory() as uow:
        report = await uow.session.get(Submission, 3)
    assert report.platform_id == platform.id and not report.late
    assert json.loads(report.context)["stage"]["index"] == 1

    # The eve of the deadline: nothing more, the report is in.
    clock.set(datetime(2021, 2, 9, 7, 5, tzinfo=UTC))
    before = len(lead.messages())
    await steps.tick(bot)
    assert len(lead.messages()) == before


# --- Network rules and the stages after the first -----------------------------------------------


async def _granted_network(bot, stages: str = STAGES) -> int:
    """An approved passport with stages and indicators, its status granted on 01.09.2020."""
    platform_id = await seed.network_platform(
        bot.app, PRESET, LEAD, [(MEMBER, 2019), ("МБОУ «Булумская СОШ»", 2019)], "ЦОО №2"
    )
    values = {
        "stages": passport.parse_stages(stages),
        "indicators": passport.parse_indicators(INDICATORS),
    }
    application_id = await seed.approved_application(bot.app, LEAD, PRESET, values)
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name(LEAD)
        uow.session.add(
            PlatformStatus(
                school_id=school.id,
                programme=PRESET,
                platform_id=platform_id,
                granted_on=date(2020, 9, 1),
                application_id=application_id,
                recorded_by=1,
                recorded_at=datetime(2020, 9, 1, tzinfo=UTC),
            )
        )
        await uow.commit()
    return platform_id


async def _given_report(bot, lead_id: int, platform_id: int, index: int) -> None:
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name(LEAD)
        person = await uow.people.by_telegram_id(lead_id)
        uow.session.add(
            Submission(
                kind=SubmissionKind.REPORT,
                programme=PRESET,
                school_id=school.id,
                platform_id=platform_id,
                author_id=person.id,
                status=SubmissionStatus.APPROVED,
                context=json.dumps({"stage": {"index": index}}),
                sent_at=datetime(2022, 1, 1, tzinfo=UTC),
                files=[],
            )
        )
        await uow.commit()


async def test_each_member_reports_nothing_and_the_lead_reports_each_stage_in_turn(
    bot, people, clock
) -> None:
    lead, member = await _network_people(bot, people)
    platform_id = await _granted_network(bot)

    # Every school of the network has its own coordinator; only the lead sends reports.
    clock.set(datetime(2021, 2, 12, 6, 0, tzinfo=UTC))
    told = await member.send("📊 Отчёт")
    assert f"Это подаёт ведущая школа сети — {LEAD}" in told
    assert "Анонсы своих мероприятий" in told

    # Past the deadline: sent late, with a reason.
    intro = await lead.send("📊 Отчёт")
    assert "Промежуточный отчёт: этап 1 «Подготовительный»" in intro
    assert "Срок подачи закончился 10.02.2021" in intro
    assert "Анонсов мероприятий за этот этап в боте нет" in intro
    assert "Шаг 1 из 7" in intro  # two indicators, four texts, the file
    await lead.send("48 %")
    await lead.send("План в работе")
    for _ in range(4):
        await lead.press("Пропустить")
    await lead.send(document=bot.fake.world.add_file("otchet.pdf", b"%PDF", "application/pdf"))
    await lead.press("Готово")
    asked = await lead.press("Отправить")
    assert "причину опоздания" in asked
    assert "Отправлено в институт: промежуточный отчёт № 2" in await lead.send("Карантин в январе")

    # The next report is stage 2's: a draft until the stage ends.
    intro = await lead.send("📊 Отчёт")
    assert (
        "Промежуточный отчёт: этап 2 «Организационно-деятельностный» (февраль 2021 – март 2022)"
        in intro
    )
    assert "Отправка откроется 31.03.2022 (срок до 10.04.2022)" in intro
    await lead.send("/cancel")

    # After the third stage the last one's is the final report; after it, nothing is owed.
    async with bot.app.uow_factory() as uow:
        await uow.session.delete(await uow.session.get(Submission, 3))  # the stage 2 draft
        await uow.commit()
    await _given_report(bot, lead.id, platform_id, 2)
    await _given_report(bot, lead.id, platform_id, 3)
    clock.set(datetime(2022, 7, 1, 6, 0, tzinfo=UTC))
    intro = await lead.send("📊 Отчёт")
    assert "Итоговый отчёт: этап 4 «Обобщающий» (май – июнь 2022)" in intro
    await lead.send("/cancel")
    async with bot.app.uow_factory() as uow:
        draft = (
            await uow.session.scalars(
                select(Submission).where(Submission.status == SubmissionStatus.DRAFT)
            )
        ).one()
        await uow.session.delete(draft)
        await uow.commit()
    await _given_report(bot, lead.id, platform_id, 4)
    told = await lead.send("📊 Отчёт")
    assert "Отчёты по всем этапам программы, включая итоговый, уже отправлены" in told


async def test_without_a_granted_platform_there_is_no_stage_report(bot, people) -> None:
    lead, _ = await _network_people(bot, people)
    told = await lead.send("📊 Отчёт")
    assert "Отчёты этой программы сдаются после каждого её этапа" in told
    async with bot.app.uow_factory() as uow:
        assert (await uow.session.scalars(select(Submission))).all() == []


async def test_the_lead_report_is_prefilled_with_every_member_s_events_of_the_stage(
    bot, people, clock
) -> None:
    lead, member = await _network_people(bot, people)
    await _granted_network(bot)
    clock.set(datetime(2020, 10, 1, 6, 0, tzinfo=UTC))
    for person, title, when in (
        (member, "Семинар в Георгиевской школе", "15.12.2020 10:00"),
        (lead, "Заседание РМЦ", "20.01.2021 15:00"),
        (member, "Вебинар второго этапа", "15.03.2021 10:00"),
    ):
        await person.send("📣 Анонс мероприятия")
        await person.send(title)
        await person.press("другое")
        await person.send(when)
        await person.send("Школа")
        await person.send("Учителя")
        await person.press("Пропустить")
        await person.send("Описание")
        assert "Отправлено в институт" in await person.press("Отправить")
    clock.set(datetime(2021, 2, 1, 6, 0, tzinfo=UTC))
    intro = await lead.send("📊 Отчёт")
    assert f"Семинар в Георгиевской школе ({MEMBER}) — 15.12.2020" in intro
    assert f"Заседание РМЦ ({LEAD}) — 20.01.2021" in intro
    assert "Вебинар второго этапа" not in intro  # it belongs to the next stage
    assert "Сколько человек участвовало в мероприятии «Семинар в Георгиевской школе»" in intro


async def _planned(bot, at: Moment) -> list[Reminder]:
    async with bot.app.uow_factory() as uow:
        programmes = Programmes([load_preset(PRESET), load_preset("krasnodar-digital")])
        await planner.plan_pass(uow, programmes, at, STAFF_CHAT_ID)
        return list((await uow.session.scalars(select(Reminder))).all())


async def test_overdue_stage_report_reaches_the_lead_and_its_mentor_not_the_members(
    bot, people
) -> None:
    lead, member = await _network_people(bot, people)
    mentor = people("Наставник")
    await seed.mentor(bot.app, mentor, LEAD)
    platform_id = await _granted_network(bot)

    found = await _planned(bot, moment(2021, 2, 11))
    overdue = {(r.rule, r.chat_id) for r in found if r.rule.startswith("stage_report_overdue")}
    assert overdue == {
        ("stage_report_overdue", lead.id),
        ("stage_report_overdue_mentor", mentor.id),
    }
    assert all(r.chat_id != member.id for r in found)
    # Planned once per key: a second pass adds nothing.
    assert len(await _planned(bot, moment(2021, 2, 11))) == len(found)

    # Reported: the next stage's reminders are the ones due, keyed by its own stage.
    await _given_report(bot, lead.id, platform_id, 1)
    found = await _planned(bot, moment(2022, 4, 3))
    due = [r for r in found if r.rule == "stage_report_due_7"]
    assert [(r.chat_id, r.subject) for r in due] == [(lead.id, f"stage_report:{platform_id}:2")]
    payload = json.loads(due[0].payload)
    assert payload["deadline"] == "2022-04-10" and payload["final"] is False
