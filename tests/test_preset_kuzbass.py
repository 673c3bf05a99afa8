"""The КРИПКиПРО «Точка роста» preset (seed 004): a network of schools with the year each joined,
the platform's directions, events tagged with one, participation by level in the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.calendar import DayMonth, YearlyWindow
from services.domain import SubmissionKind, SubmissionStatus
from services.programmes.errors import ProgrammeError
from services.programmes.loader import load_preset, load_programme, preset_path
from services.submissions import forms, network_schools
from services.submissions.fields import FieldError
from storage.models import Platform, School, Submission
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID

PRESET = "kuzbass-growth-points"
CHANNEL_ID = -1003000000004

# L11–L15 of the seed: name, then the year, two columns a line (read column by column).
SEED_SCHOOLS = [
    ('МБОУ "Сусловская СОШ"', 2020),
    ('МБОУ "Калининская ООШ"', 2021),
    ('МБОУ "2 Пристанская ООШ"', 2021),
    ('МБОУ "ООШ № 12"', 2021),
    ('МБОУ "ООШ №3"', 2022),
    ('МБОУ "СОШ №7"', 2022),
    ('МБОУ "Тюменевская ООШ"', 2022),
    ('МБОУ "Малопесчанская ООШ"', 2022),
    ('МБОУ "Первомайская ООШ"', 2022),
]
LEAD = 'МБОУ "Сусловская СОШ"'
MEMBER = 'МБОУ "Калининская ООШ"'
# What the lead's coordinator types to find each of the other eight, and the year it joined.
TYPED = [
    ("Калининская", 2021),
    ("Пристанская", 2021),
    ("ООШ № 12", 2021),
    ("ООШ №3", 2022),
    ("СОШ №7", 2022),
    ("Тюменевская", 2022),
    ("Малопесчанская", 2022),
    ("Первомайская", 2022),
]
DIRECTIONS = (
    "Организационно-содержательная деятельность Центра",
    "Работа координационного совета",
    "Повышение профессиональной компетенции педагогов",
    "Вовлечение учащихся в проектную деятельность",
    "Поддержка инициатив педагогов и презентация их опыта",
    "Популяризация муниципального образовательного кластера",
    "Мониторинг участия педагогов и учащихся на разных уровнях",
)
LEVELS = ("школьный", "муниципальный", "региональный", "федеральный")


@pytest.fixture
def programme() -> tuple[str, ...]:
    return (PRESET,)


def test_kuzbass_preset_follows_its_seed() -> None:
    """Seed 004 (no clause numbers; lines of the text):

    L5: «Ключевые направления работы центров «Точка роста» в рамках сетевого взаимодействия»
    L11: «МБОУ "Сусловская СОШ" 2020 ● МБОУ "ООШ №3" 2022»
    L12: «МБОУ "Калининская ООШ" 2021 ● МБОУ "СОШ №7" 2022»
    L13: «МБОУ "2 Пристанская ООШ" 2021 ● МБОУ "Тюменевская ООШ" 2022»
    L14: «МБОУ "ООШ № 12" 2021 ● МБОУ "Малопесчанская ООШ" 2022»
    L15: «МБОУ "Первомайская ООШ " 2022»
    L40: «Формирует инновационный педагогический опыт по одному или нескольким направлениям
    развития образовательных Центров.»
    L56: «...сетевую форму реализации общеобразовательных программ и (или) отдельных
    компонентов с использованием ресурсов нескольких организаций на основании договора между
    ними (п. 16).»
    L60: «Организационная (планирование, организация, проведение мероприятий);»
    L64–72: «Направления деятельности»
    «1. Обеспечение организационно - содержательной деятельности Центра»
    «2. Работа координационного совета»
    «3. Повышение профессиональной компетенции педагогов в системе корпоративного
    практико-ориентированного обучения.»
    «4. Вовлечение учащихся в проектную деятельность с использованием ресурсов центров
    «Точка роста».»
    «5. Поддержка инициатив педагогов и презентация их опыта на конференциях, фестивалях,
    форумах.»
    «6. Популяризация деятельности муниципального образовательного кластера.»
    «7. Мониторинг участия педагогов и учащихся в образовательной деятельности и событийных
    мероприятиях на различных уровнях.»
    L74–79: «Продукт деятельности опорной площадки» — «Комплект нормативно – правовых
    документов», «Модель организации муниципального образовательного кластера», «Пакет
    диагностических методик», «Методические материалы для педагогов».

    The seed sets no windows, no term, no report form: the report is yearly in June (the
    issue's choice), the status has no term, applications come at any time.
    """
    kuzbass = load_preset(PRESET)
    assert kuzbass.seed == "004_46f68b435b4b38bc.txt"
    # The seven directions, in the seed's order, short enough for a button.
    assert kuzbass.directions == DIRECTIONS
    assert all(len(direction) <= 60 for direction in kuzbass.directions)
    # Silent seed: no term, no extension, no roadmap; no application window, no council.
    assert kuzbass.status.term_years is None and kuzbass.status.extension_max_years == 0
    assert kuzbass.status.roadmap_due_days_after_certificate is None
    assert kuzbass.windows.application is None and kuzbass.council is None
    assert list(kuzbass.applications.kinds()) == ["assignment", "training"]
    report = kuzbass.windows.report
    assert report is not None
    assert report.yearly == YearlyWindow(DayMonth(6, 1), DayMonth(6, 30))
    # The application: the directions (one or several) and the schools of the network.
    assignment = kuzbass.applications.assignment
    assert {"topic", "directions", "network_schools"} <= set(assignment.fields)
    assert [(a.id, a.required) for a in assignment.attachments] == [("network_agreement", False)]
    # Events name a direction; forms are those the seed names.
    assert kuzbass.announcements.ask_direction
    assert {"конференция", "фестиваль", "форум", "стажировка"} <= set(kuzbass.announcements.forms)
    # Direction 7: participation of teachers and pupils by level, in the yearly report.
    assert "participation_levels" in kuzbass.reports.report_fields
    assert "participants" in kuzbass.reports.report_fields
    assert kuzbass.reports.levels == LEVELS
    assert "пакет диагностических методик" in kuzbass.materials.types
    # The nine schools of the seed fit the field: a lead and eight members with their years.
    value: list[dict[str, object]] = []
    for number, (name, year) in enumerate(SEED_SCHOOLS[1:], start=2):
        value = network_schools.with_school(value, School(id=number, name=name), year)
    assert [network_schools.line(item) for item in value][:2] == [
        'МБОУ "Калининская ООШ" (с 2021)',
        'МБОУ "2 Пристанская ООШ" (с 2021)',
    ]
    assert [item["year"] for item in value] == [2021, 2021, 2021, 2022, 2022, 2022, 2022, 2022]


# --- The journey -----------------------------------------------------------------------------------


async def _network(bot, people):
    await seed.schools(bot.app, [(name.strip(), "") for name, _ in SEED_SCHOOLS])
    lead, member = people("Ирина"), people("Павел")
    await seed.coordinator(bot.app, lead, LEAD)
    await seed.coordinator(bot.app, member, MEMBER)
    await lead.send("/start")
    await member.send("/start")
    return lead, member


async def _to_directions(lead) -> str:
    await lead.send("📝 Заявка")
    asked = await lead.press("Заявка на статус")
    assert "Шаг 1 из 9" in asked and f"Сейчас: {LEAD}" in asked
    await lead.press("Оставить как есть")  # full name from the registry
    await lead.send("Муниципальный округ")
    await lead.send("+7 384 000-00-00, suslovo@example.ru")
    await lead.send("Петрова Анна Сергеевна")
    await lead.press("Оставить как есть")  # the coordinator heads the platform
    return await lead.send(
        "Ключевые направления работы центров «Точка роста» в рамках сетевого взаимодействия"
    )


def _button(question: str, option: str) -> str:
    """An option too long for its button is listed in full above the buttons: its number."""
    for line in question.splitlines():
        number, _dot, text = line.partition(". ")
        if number.isdigit() and text == option:
            return f"{number}. "
    raise AssertionError(f"{option!r} is not listed in {question!r}")


async def _choose_directions(bot, lead, *titles: str) -> str:
    question = lead.last
    for title in titles:
        await lead.press(_button(question.text, title), message=question)
    return await lead.press("Готово", message=question)


async def _add_school(lead, typed: str, year: int) -> str:
    asked = await lead.send(typed)
    assert "С какого года" in asked, asked
    return await lead.press(str(year))


async def _apply(bot, lead) -> None:
    """The lead's application: three directions and the eight other schools of the seed."""
    await _to_directions(lead)
    asked = await _choose_directions(bot, lead, DIRECTIONS[2], DIRECTIONS[3], DIRECTIONS[6])
    assert "Шаг 8 из 9" in asked and "Школы сети" in asked
    for typed, year in TYPED:
        added = await _add_school(lead, typed, year)
        assert "Добавлено" in added, added
    await lead.press("Готово")
    preview = await lead.press("Пропустить")  # the network agreement is optional
    assert "Проверьте перед отправкой" in preview
    sent = await lead.press("Отправить")
    assert "Отправлено в институт: заявка № 1" in sent


def _cards(bot, title: str):
    return [m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if (m.text or "").startswith(title)]


async def test_network_applies_announces_is_reminded_and_the_lead_reports(
    bot, people, clock
) -> None:
    bot.settings.public_channel_id = CHANNEL_ID
    await bot.restart()
    bot.fake.world.add_group(CHANNEL_ID, "Канал КРИПКиПРО", type="channel")
    lead, member = await _network(bot, people)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]

    # 1. The lead applies: directions and the network, no window (the seed sets none).
    await _apply(bot, lead)
    [card] = _cards(bot, "Заявка № 1")
    assert "Направления: Повышение профессиональной компетенции педагогов; " in card.text
    assert 'МБОУ "Калининская ООШ" (с 2021)' in card.text
    assert 'МБОУ "Первомайская ООШ" (с 2022)' in card.text
    assert card.text.count("(с 202") == 8, "the lead is not listed among the members"

    # 2. Staff approve; /granted founds the network with the year each school joined.
    await olga.press("Одобрить", message=card)
    await olga.send_in(staff_chat, "/granted 1 01.12.2026")
    granted = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert f"Статус площадки школы {LEAD} записан с 01.12.2026" in granted
    assert "дорожной карте" not in granted and "Действует до" not in granted
    assert "Сетевая площадка" in granted and '• МБОУ "Первомайская ООШ"' in granted
    async with bot.app.uow_factory() as uow:
        platform = (await uow.session.scalars(select(Platform))).one()
        schools = {
            s.id: s.name
            for s in await uow.platforms.schools([m.school_id for m in platform.members])
        }
        joined = {schools[m.school_id]: m.joined_year for m in platform.members}
    assert platform.lead_school.name == LEAD
    assert joined == {LEAD: 2026, **{name: year for name, year in SEED_SCHOOLS[1:]}}

    # 3. A member school announces its own event, tagged with one of the chosen directions.
    await member.send("📣 Анонс мероприятия")
    await member.send("Фестиваль проектов «Точка роста»")
    asked = await member.press("фестиваль")
    assert "Шаг 3 из 8" in asked and "Направление работы площадки" in asked
    assert DIRECTIONS[3] in asked and DIRECTIONS[1] not in asked  # only the chosen three
    assert all(len(b.text) <= 30 for row in member.last.buttons() for b in row)
    await member.press(_button(asked, DIRECTIONS[3]))
    await member.send("15.12.2026 10:00")
    await member.send("Калининская ООШ, центр «Точка роста»")
    await member.send("Учащиеся 5–9 классов школ сети")
    await member.press("Пропустить")
    preview = await member.send("Защита проектов на оборудовании центров")
    assert f"Направление: {DIRECTIONS[3]}" in preview
    await member.press("Отправить")
    [event_card] = _cards(bot, "Анонс мероприятия № 2")
    assert MEMBER in event_card.text and f"Направление: {DIRECTIONS[3]}" in event_card.text
    await olga.press("Одобрить", message=event_card)
    post, ics = bot.fake.bot_messages(CHANNEL_ID)  # the publication, then its event (ICS)
    assert ics.document_id is not None
    assert "Фестиваль проектов" in post.text and f"Направление: {DIRECTIONS[3]}" in post.text

    # 4. The eve of the event, then "did it take place?": the member answers.
    clock.set(datetime(2026, 12, 14, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Завтра: «Фестиваль проектов «Точка роста»»" in member.last.text
    clock.set(datetime(2026, 12, 16, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    await member.press("Состоялось", message=member.last)
    await member.send("48")
    await member.press("Пропустить")

    # 5. The report is the lead's: a member is told so.
    told = await member.send("📊 Отчёт")
    assert f"Это подаёт ведущая школа сети — {LEAD}" in told

    # 6. June: the window opens; the lead reports with the member's event and the levels.
    member_before = len(member.messages())
    clock.set(datetime(2027, 6, 1, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Открыт приём отчётов за учебный год" in lead.last.text
    assert "до 30.06.2027" in lead.last.text
    assert len(member.messages()) == member_before, "a member school is not asked for a report"
    intro = await lead.send("📊 Отчёт")
    assert "Фестиваль проектов «Точка роста» — 15.12.2026" in intro
    assert "Сейчас: 48" in intro  # the member's answer prefilled the lead's report
    await lead.press("Оставить как есть")
    asked = lead.last.text
    assert "уровень «школьный»: сколько педагогов" in asked
    assert "Нужно целое число" in await lead.send("много")
    assert "Нужно целое число" in await lead.send("-3")
    for count in (12, 140, 6, 35, 2, 9, 0, 1):
        await lead.send(str(count))
    await lead.press("Пропустить")  # materials
    await lead.press("Пропустить")  # problems
    await lead.send(document=bot.fake.world.add_file("otchet.pdf", b"%PDF", "application/pdf"))
    preview = await lead.press("Готово")
    table = (
        "Участие в мероприятиях по уровням (педагогов / учащихся): \n"
        "школьный: 12 / 140\nмуниципальный: 6 / 35\nрегиональный: 2 / 9\nфедеральный: 0 / 1"
    )
    assert table in preview
    sent = await lead.press("Отправить")
    assert "Отправлено в институт: отчёт за учебный год № 3" in sent
    [report_card] = _cards(bot, "Отчёт за учебный год № 3")
    assert table in report_card.text and "Участников: Фестиваль проектов" in report_card.text
    async with bot.app.uow_factory() as uow:
        report = await uow.session.get(Submission, 3)
    assert report.kind is SubmissionKind.REPORT and report.status is SubmissionStatus.SENT
    assert report.platform_id == platform.id and not report.late


# --- The network question: bad input and ways back ---------------------------------------------------


async def _at_network(bot, people):
    lead, _member = await _network(bot, people)
    await _to_directions(lead)
    asked = await _choose_directions(bot, lead, DIRECTIONS[0])
    assert "Школы сети" in asked
    return lead


async def test_network_question_explains_unknown_own_and_ambiguous_schools(bot, people) -> None:
    lead = await _at_network(bot, people)
    unknown = await lead.send("Гимназия № 99")
    assert "Школы «Гимназия № 99» нет в моём списке школ" in unknown
    assert "попросите сотрудников института добавить её" in unknown
    assert "Шаг 8 из 9" in unknown  # the question again
    own = await lead.send("Сусловская")
    assert f"{LEAD} — ваша школа: она ведущая в сети" in own

    several = await lead.send("ООШ")
    assert "По запросу «ООШ» нашлось 7 школ." in several
    offered = [b.text for row in lead.last.buttons() for b in row]
    assert 'МБОУ "Малопесчанская ООШ"' in offered and LEAD not in offered
    assert 'С какого года МБОУ "Малопесчанская ООШ" в сети?' in await lead.press("Малопесчанская")
    assert "ещё не наступил: укажите год не позже 2026" in await lead.send("2031")
    assert "Слишком давно: укажите год не раньше 1990" in await lead.send("1899")
    assert "четырьмя цифрами" in await lead.send("двадцать первый")
    back = await lead.press("Назад")
    assert "Шаг 8 из 9" in back and "Сейчас:" not in back, "nothing was added"
    assert "Готово" not in str(lead.last.buttons()), "an empty network cannot be finished"


async def test_network_school_year_changed_removed_and_cancelled(bot, people) -> None:
    lead = await _at_network(bot, people)
    await _add_school(lead, "Калининская", 2021)
    again = await lead.send("калининская")
    assert "Эта школа уже в списке (с 2021)" in again
    changed = await lead.send("2020 г.")
    assert 'Исправлено: МБОУ "Калининская ООШ" (с 2020). В сети, кроме вашей, 1 школа.' in changed
    await _add_school(lead, "Тюменевская", 2022)
    await lead.press("Убрать школу из списка")
    removed = await lead.press("Калининская")
    assert 'Убрано: МБОУ "Калининская ООШ" (с 2020).' in removed
    assert 'Сейчас: \nМБОУ "Тюменевская ООШ" (с 2022)' in lead.last.text
    assert "Калининская" not in lead.last.text
    await lead.send("Первомайская")
    year_question = lead.last
    cancelled = await lead.press("Отмена")
    assert "Черновик сохранён" in cancelled
    stale = bot.fake.callback_update(lead.user, year_question, "fp:year:2022", check_button=False)
    await bot.feed(stale)
    assert "уже не действует" in bot.fake.callback_query(stale["callback_query"]["id"]).answer_text
    async with bot.app.uow_factory() as uow:
        draft = (await uow.session.scalars(select(Submission))).one()
    listed = network_schools.members(json.loads(draft.values)["network_schools"])
    assert [(item["name"], item["year"]) for item in listed] == [('МБОУ "Тюменевская ООШ"', 2022)]

    # Every required answer is in: the draft resumes at the preview; Back from the network
    # question reaches the directions, still ticked.
    await lead.send("📝 Заявка")
    await lead.press("Заявка на статус")
    resumed = await lead.press("Продолжить")
    assert 'Школы сети: \nМБОУ "Тюменевская ООШ" (с 2022)' in resumed
    await lead.press("Изменить поле")
    await lead.press("Школы сети")
    back = await lead.press("Назад")
    assert "Шаг 7 из 9" in back and "Направления работы площадки" in back
    assert lead.last.buttons()[0][0].text.startswith("✅ 1. Организационно")


async def test_directions_need_at_least_one_and_untick(bot, people) -> None:
    lead, _member = await _network(bot, people)
    asked = await _to_directions(lead)
    assert "Шаг 7 из 9" in asked and "отметьте одно или несколько" in asked
    question = lead.last
    done = bot.fake.press(lead.user, question, "Готово")
    await bot.feed(done)
    refused = bot.fake.callback_query(done["callback_query"]["id"])
    assert refused.show_alert and "Отметьте хотя бы один вариант" in refused.answer_text
    await lead.press(_button(question.text, DIRECTIONS[1]), message=question)
    await lead.press(_button(question.text, DIRECTIONS[4]), message=question)
    assert [b.text for row in question.buttons() for b in row][
        1
    ] == "✅ 2. Работа координационного…"
    await lead.press(_button(question.text, DIRECTIONS[1]), message=question)  # untick
    assert "✅ 2. Работа" not in str(bot.fake.message(lead.id, question.message_id).buttons())
    assert "кнопкой" in await lead.send("Мониторинг")
    asked = await lead.press("Готово", message=question)
    assert "Шаг 8 из 9" in asked
    async with bot.app.uow_factory() as uow:
        draft = (await uow.session.scalars(select(Submission))).one()
    assert json.loads(draft.values)["directions"] == [DIRECTIONS[4]]


async def test_school_without_a_platform_picks_among_all_directions(bot, people) -> None:
    lead, _member = await _network(bot, people)
    await lead.send("📣 Анонс мероприятия")
    await lead.send("Заседание координационного совета")
    asked = await lead.press("заседание координационного")
    assert "Направление работы площадки" in asked
    assert [d for d in DIRECTIONS if f". {d}\n" in asked + "\n"] == list(DIRECTIONS)


# --- Rules of the definition ----------------------------------------------------------------------------


def test_parse_year_refuses_future_absurd_and_text() -> None:
    assert network_schools.parse_year(" 2021 ", 2026) == 2021
    assert network_schools.parse_year("2026г.", 2026) == 2026
    for text, reason in (("2027", "year_future"), ("1989", "year_too_old"), ("21", "year_format")):
        with pytest.raises(FieldError) as caught:
            network_schools.parse_year(text, 2026)
        assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("directions = [", "directions_unused = ["), "unknown key"),
        (('levels = ["школьный", ', 'levels = ["школьный", "школьный", '), "is listed twice"),
        (('"participation_levels", ', ""), "levels are given but report_fields lacks"),
        (('"Работа координационного совета",', '"' + "Работа" * 11 + '",'), "at most 60"),
    ],
)
def test_broken_definitions_are_refused(tmp_path, change, problem) -> None:
    text = preset_path(PRESET).read_text(encoding="utf-8")
    assert change[0] in text
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    assert problem in str(caught.value)


def test_directions_asked_without_a_list_are_refused(tmp_path) -> None:
    text = preset_path(PRESET).read_text(encoding="utf-8")
    start = text.index("directions = [")
    end = text.index("]", start) + 1
    broken = tmp_path / "broken.toml"
    broken.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    assert "the programme lists no directions" in str(caught.value)


def test_announcement_directions_fall_back_to_all() -> None:
    kuzbass = load_preset(PRESET)
    assert forms.event_directions(kuzbass, {"directions": [DIRECTIONS[2], "снятое"]}) == (
        DIRECTIONS[2],
    )
    assert forms.event_directions(kuzbass, {}) == DIRECTIONS
