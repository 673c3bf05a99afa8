"""The Omsk municipal internship platform (seed 002): preset, expertise, tutors, indicators."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.domain import Role, SubmissionKind, SubmissionStatus
from services.programmes import statuses
from services.programmes.loader import load_preset
from storage.models import AuditEntry, Submission
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID

GYMNASIUM = "БОУ г. Омска «Гимназия № 19»"
LYCEUM = "БОУ г. Омска «Лицей № 64»"
SCHOOLS = [
    (GYMNASIUM, "Кировский АО"),
    (LYCEUM, "Центральный АО"),
    ("БОУ г. Омска «СОШ № 7»", "Центральный АО"),
]
CRITERIA = (
    "Эффективный опыт функционирования",
    "Эффективный опыт внедрения технологий наставничества",
    "Положительный опыт разработки и внедрения исследовательских практик",
)


@pytest.fixture
def programme() -> tuple[str, ...]:
    return ("omsk-internship",)


def test_omsk_preset_follows_its_seed() -> None:
    """Seed 002, «Положение о муниципальной стажировочной площадке» (Омск).

    2.1.5: «Статус муниципальной стажировочной площадки присваивается образовательной
    организации на срок до 3-х лет и подтверждается сертификатом стажировочной площадки,
    выдаваемым департаментом образования. В одной образовательной организации может быть
    несколько стажировочных площадок.»
    2.1.6: «Присвоение статуса муниципальной стажировочной площадки осуществляется по
    результатам экспертизы программы стажировочной площадки. Для участия в экспертизе программы
    стажировочной площадки образовательная организация предоставляет: - заявку по определенной
    форме (Приложение 1); - программу стажировочной площадки в печатном и электронном виде
    (Приложение 2).»
    2.1.4: «На статус «муниципальная стажировочная площадка» могут претендовать образовательные
    организации, имеющие: - эффективный опыт функционирования; - эффективный опыт внедрения
    технологий наставничества; - положительный опыт разработки и внедрения исследовательских
    практик после завершения реализации инновационных проектов или экспериментальных программ
    в статусе федеральных, региональных и муниципальных инновационных или экспериментальных
    площадок.»
    2.1.7: «Решение о прекращении деятельности стажировочной площадки принимает департамент
    образования и БОУ ДО г. Омска «ЦТРИГО «Перспектива» на основании: окончания срока
    реализации программы; возникновения обстоятельств, препятствующих образовательной
    организации продолжать деятельность стажировочной площадки.»
    2.3.3: «Руководитель стажировочной площадки ... выполняет следующие функции: определяет
    тьюторов из числа наиболее опытных и компетентных сотрудников; ...»
    3.1: «Мониторинг результатов реализации мероприятий стажировочной площадки организуется
    департаментом образования путем сбора, обработки, анализа информации.»
    3.3: «Перечень основных индикаторов и показателей эффективности функционирования
    муниципальных стажировочных площадок: 1. Количество стажировочных площадок в МР — не менее
    5; 2. Соответствие условиям, заявленным при отборе стажировочных площадок, % — 100.»
    The seed names no windows and no report: applications any time, a June report window.
    """
    omsk = load_preset("omsk-internship")
    assert omsk.seed == "002_3af95056f3294ea4.txt"
    assert omsk.status.term_years == 3 and omsk.status.extension_max_years == 0
    assert omsk.status.term_up_to, "2.1.5: «на срок до 3-х лет» — an order may give less"
    assert omsk.council is None and omsk.applications.extension is None
    assert omsk.windows.application is None, "applications are taken at any time"
    report = omsk.windows.report
    assert report is not None and report.yearly is not None
    assert (str(report.start), str(report.end)) == ("06-01", "06-30")

    # 2.1.6: the application «по определенной форме (Приложение 1)» is a file; typed, only
    # what the bot needs and the form may lack: the topic (2.3.1 «единой темой») and the
    # network (2.3.1 «одного или нескольких ... в форме сетевого взаимодействия»), optional.
    assignment = omsk.applications.assignment
    assert assignment.fields == ("topic", "network_schools")
    assert assignment.optional_fields == ("network_schools",)
    assert [(a.id, a.required) for a in assignment.attachments] == [
        ("application", True),
        ("programme", True),
    ]
    assert "Приложение 1" in assignment.attachments[0].title
    assert "Приложение 2" in assignment.attachments[1].title
    assert "печатный экземпляр" in assignment.attachments[1].title

    reasons = [r.title for r in omsk.applications.termination_reasons]
    assert reasons == [
        "Окончание срока реализации программы",
        "Обстоятельства, препятствующие образовательной организации продолжать деятельность "
        "стажировочной площадки",
    ]
    ending = omsk.applications.early_termination
    assert ending is not None and "termination_reason" in ending.fields
    assert not any(a.required for a in ending.attachments)

    conclusion = omsk.review.expert_conclusion
    assert conclusion is not None
    assert [c.title for c in conclusion.criteria][:2] == list(CRITERIA[:2])
    assert conclusion.criteria[2].title.startswith(CRITERIA[2])
    assert [(o.title, o.permits_approval) for o in conclusion.outcomes] == [
        ("Рекомендовать к присвоению статуса", True),
        ("Рекомендовать после доработки программы", False),
        ("Не рекомендовать", False),
    ]

    assert omsk.roles.coordinator_appoints_mentors and omsk.roles.mentor_title == "тьютор"
    assert omsk.monitoring is not None
    assert omsk.monitoring.platforms_per_district_min == 5
    assert omsk.monitoring.conditions_met_percent == 100
    # 3.2: «размещением оперативной информации на сайте департамента образования».
    assert omsk.monitoring.published_on and "omsk.edu.ru" in omsk.monitoring.published_on
    assert "семинар" in omsk.announcements.forms and "вебинар" in omsk.announcements.forms
    assert omsk.announcements.lead_days == 7, "seed silent: a week, chosen in the preset"


# --- helpers -----------------------------------------------------------------------------------


async def _coordinator(bot, people, school: str = GYMNASIUM, name: str = "Мария"):
    await seed.schools(bot.app, SCHOOLS)
    async with bot.app.uow_factory() as uow:
        found = await uow.schools.by_name(school)
        found.address = "644043, г. Омск, ул. Фрунзе, 19"
        found.email = "gym19@omsk.example"
        await uow.commit()
    person = people(name)
    await seed.coordinator(bot.app, person, school)
    await person.send("/start")
    return person


async def _press(bot, person, message, button: str):
    """Press and return the callback query (to read an alert)."""
    update = bot.fake.press(person.user, message, button)
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert query.answered
    return query


async def _forged(bot, person, message, data: str):
    update = bot.fake.callback_update(person.user, message, data, check_button=False)
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert query.answered
    return query


async def _apply(bot, maria, network: tuple[str, ...] = ()) -> None:
    """The assignment application with both files, from the menu to «Отправить»."""
    await maria.send("📝 Заявка")
    asked = await maria.press("Заявка на присвоение")
    assert "Шаг 1 из 4" in asked and "Тема (направление) работы площадки" in asked
    asked = await maria.send("Наставничество как ресурс профессионального роста")
    assert "Школы сети, кроме вашей" in asked and "Пропустить" in str(maria.last.buttons())
    if network:
        for school in network:
            await maria.send(school)
            await maria.send("2026")
        asked = await maria.press("Готово")
    else:
        asked = await maria.press("Пропустить")
    assert "Заявка по определённой форме (Приложение 1)" in asked
    await maria.send(document=steps.pdf(bot, "zayavka.pdf"))
    asked = await maria.press("Готово")
    assert "Программа стажировочной площадки (Приложение 2)" in asked
    assert "печатный экземпляр передаётся в департамент образования" in asked
    await maria.send(document=steps.pdf(bot, "programma.pdf"))
    preview = await maria.press("Готово")
    assert "Юридический адрес" not in preview and "Контакты" not in preview
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: заявка № 1" in sent


async def _conclude(bot, staff, card, answers: list[str], outcome: str) -> None:
    await staff.press("Экспертное заключение", message=card)
    for answer in answers:
        await staff.press(answer, message=bot.fake.last_bot_message(STAFF_CHAT_ID))
    await staff.press(outcome, message=bot.fake.last_bot_message(STAFF_CHAT_ID))


async def _granted_platform(bot, school: str, topic: str, order_on: date) -> int:
    """An approved application for the status, recorded as granted: its platform's id."""
    application_id = await seed.approved_application(
        bot.app, school, "omsk-internship", {"topic": topic}
    )
    async with bot.app.uow_factory() as uow:
        grant = await statuses.record_grant(
            uow, bot.app.programmes, application_id, order_on, 0, bot.clock.now()
        )
        assert grant.status is not None and grant.status.platform_id is not None
        return grant.status.platform_id


# --- the journey -------------------------------------------------------------------------------


async def test_omsk_journey_apply_expertise_grant_announce_remind_report(
    bot, people, clock
) -> None:
    maria = await _coordinator(bot, people)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await _apply(bot, maria)  # 23.11.2026: no window, taken at any time

    card = steps.card(bot, "Заявка № 1")
    assert "Экспертного заключения ещё нет" in card.text
    assert "🧾 Экспертное заключение" in [b.text for row in card.buttons() for b in row]
    refused = await _press(bot, olga, card, "Одобрить")
    assert refused.show_alert and "только после экспертного заключения" in refused.answer_text
    assert (await steps.submission(bot, 1)).status is SubmissionStatus.SENT

    await olga.press("Экспертное заключение", message=card)
    step = bot.fake.last_bot_message(STAFF_CHAT_ID)
    assert step.reply_to_message_id == card.message_id
    assert "Критерий 1 из 3:" in step.text and CRITERIA[0] in step.text
    await olga.press("Не соответствует", message=step)
    step = bot.fake.message(STAFF_CHAT_ID, step.message_id)
    assert f"❌ {CRITERIA[0]}" in step.text and "Критерий 2 из 3" in step.text
    await olga.press("Назад", message=step)  # a slip: back to the first criterion
    step = bot.fake.message(STAFF_CHAT_ID, step.message_id)
    assert "Критерий 1 из 3" in step.text
    for _ in CRITERIA:
        await olga.press("✅ Соответствует", message=step)
        step = bot.fake.message(STAFF_CHAT_ID, step.message_id)
    assert "Итоговый вывод экспертизы?" in step.text
    saved = await _press(bot, olga, step, "Рекомендовать к присвоению статуса")
    assert saved.answer_text == "Заключение сохранено."

    card = bot.fake.message(STAFF_CHAT_ID, card.message_id)
    assert "Вывод: Рекомендовать к присвоению статуса (Ольга" in card.text
    assert all(f"✅ {title}" in card.text for title in CRITERIA)
    assert "Экспертное заключение" not in str([b.text for row in card.buttons() for b in row])
    submission = await steps.submission(bot, 1)
    assert submission.expert_conclusion == "recommend"
    criteria = json.loads(submission.context)["expert_conclusion"]["criteria"]
    assert [item["met"] for item in criteria] == [True, True, True]

    await olga.press("Одобрить", message=card)
    assert "Одобрено: заявка № 1" in maria.last.text
    await olga.send_in(staff_chat, "/granted 1 01.12.2026")
    granted = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "записан с 01.12.2026" in granted and "Действует до 01.12.2029" in granted

    await steps.announce(maria, "Семинар «Наставник и стажёр»", "15.12.2026 10:00")
    announcement = steps.card(bot, "Анонс мероприятия № 2")
    assert "Экспертное заключение" not in announcement.text
    await olga.press("Одобрить", message=announcement)
    async with bot.app.uow_factory() as uow:
        [platform] = await uow.platforms.of_programme("omsk-internship")
    assert (await steps.submission(bot, 2)).platform_id == platform.id

    clock.set(datetime(2026, 12, 14, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Завтра: «Семинар «Наставник и стажёр»»" in maria.last.text

    clock.set(datetime(2027, 6, 10, 7, 5, tzinfo=UTC))  # the June window of the report
    intro = await maria.send("📊 Отчёт")
    assert "Приём открыт до 30.06.2027" in intro
    assert "Сколько человек участвовало в мероприятии «Семинар «Наставник и стажёр»»" in intro
    await maria.send("31")
    await maria.send("Стажировку прошли 31 педагог, 12 из них внедрили практики наставничества")
    for _ in range(3):  # materials, publications, problems
        await maria.press("Пропустить")
    await maria.send(document=steps.pdf(bot, "monitoring.pdf"))
    await maria.press("Готово")
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: отчёт за учебный год № 3" in sent
    report = await steps.submission(bot, 3)
    assert report.platform_id == platform.id and not report.late and report.school_year == 2026


# --- the expert conclusion ---------------------------------------------------------------------


async def test_expert_conclusion_is_staff_only_given_once_and_can_block_approval(
    bot, people
) -> None:
    maria = await _coordinator(bot, people)
    olga, ivan = people("Ольга", staff=True), people("Иван", staff=True)
    await _apply(bot, maria)
    card = steps.card(bot, "Заявка № 1")

    query = await _forged(bot, maria, card, "rv:expert:1")
    assert query.show_alert and "только сотрудники" in query.answer_text
    await olga.press("Экспертное заключение", message=card)
    olgas = bot.fake.last_bot_message(STAFF_CHAT_ID)
    query = await _press(bot, ivan, olgas, "Соответствует")
    assert query.show_alert and "заполняет другой сотрудник" in query.answer_text
    query = await _forged(bot, maria, olgas, olgas.button("Соответствует").callback_data)
    assert query.show_alert and "только сотрудники" in query.answer_text
    forged = olgas.button("Соответствует").callback_data.replace(":y:", ":yyyyyyy:")
    query = await _forged(bot, olga, olgas, forged)
    assert query.show_alert and "не действует" in query.answer_text

    await ivan.press("Экспертное заключение", message=card)  # Ivan starts his own meanwhile
    ivans = bot.fake.last_bot_message(STAFF_CHAT_ID)
    answers = ["Не соответствует", "✅ Соответствует", "✅ Соответствует"]
    await _conclude(bot, olga, card, answers, "Не рекомендовать")
    query = await _press(bot, ivan, ivans, "Соответствует")
    assert query.show_alert
    assert query.answer_text == "Экспертное заключение уже дано: Ольга, «Не рекомендовать»."
    assert bot.fake.message(STAFF_CHAT_ID, ivans.message_id).buttons() == []
    query = await _forged(bot, ivan, card, "rv:expert:1")  # the old button of the card
    assert query.show_alert and "уже дано" in query.answer_text

    card = bot.fake.message(STAFF_CHAT_ID, card.message_id)
    assert f"❌ {CRITERIA[0]}" in card.text and "Вывод: Не рекомендовать" in card.text
    query = await _press(bot, olga, card, "Одобрить")
    assert query.show_alert and "«Не рекомендовать»: одобрить нельзя" in query.answer_text
    assert (await steps.submission(bot, 1)).status is SubmissionStatus.SENT
    async with bot.app.uow_factory() as uow:
        entries = (
            await uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "review.expert_conclusion")
            )
        ).all()
    assert len(entries) == 1 and json.loads(entries[0].details)["outcome"] == "not_recommend"

    # Returned for changes: what comes back is version 2, which needs its own expertise.
    await olga.press("На доработку", message=card)
    await olga.press("Сведения неполные", message=bot.fake.last_bot_message(STAFF_CHAT_ID))
    await maria.press("Исправить", message=maria.last)
    await maria.press("Отправить")
    second = steps.card(bot, "Заявка № 1")
    assert "версия 2" in second.text and "Экспертного заключения ещё нет" in second.text
    query = await _press(bot, olga, second, "Одобрить")
    assert "только после экспертного заключения" in query.answer_text
    await _conclude(bot, olga, second, ["✅ Соответствует"] * 3, "Рекомендовать к присвоению")
    await olga.press("Одобрить", message=bot.fake.message(STAFF_CHAT_ID, second.message_id))
    assert (await steps.submission(bot, 1)).status is SubmissionStatus.APPROVED


async def test_cancel_keeps_no_conclusion(bot, people) -> None:
    maria = await _coordinator(bot, people)
    olga = people("Ольга", staff=True)
    await _apply(bot, maria)
    card = steps.card(bot, "Заявка № 1")
    await olga.press("Экспертное заключение", message=card)
    step = bot.fake.last_bot_message(STAFF_CHAT_ID)
    await olga.press("Соответствует", message=step)
    query = await _press(bot, olga, bot.fake.message(STAFF_CHAT_ID, step.message_id), "Отмена")
    assert "не сохранено" in query.answer_text
    assert bot.fake.message(STAFF_CHAT_ID, step.message_id).buttons() == []
    assert (await steps.submission(bot, 1)).expert_conclusion == ""
    assert "Экспертное заключение" in str(
        bot.fake.message(STAFF_CHAT_ID, card.message_id).buttons()
    )


# --- tutors ----------------------------------------------------------------------------------


async def test_platform_coordinator_invites_a_tutor_who_hears_of_the_event(
    bot, people, clock
) -> None:
    maria = await _coordinator(bot, people)
    assert "👥 Пригласить тьютора" not in maria.reply_buttons(), "no platform yet"
    refused = await maria.send("👥 Пригласить тьютора")
    assert "предусмотрено" in refused and "Пригласить" not in str(maria.last.buttons())

    await _granted_platform(bot, GYMNASIUM, "Наставничество", date(2026, 11, 20))
    await maria.send("/start")
    assert "👥 Пригласить тьютора" in maria.reply_buttons()
    answer = await maria.send("👥 Пригласить тьютора")
    assert f"Приглашение тьютора школы {GYMNASIUM}:" in answer and "одноразовая" in answer
    code = re.search(r"start=([\w-]+)", answer)[1]

    tutor = people("Тьютор")
    greeting = await tutor.send(f"/start {code}")
    assert f"Вас пригласили тьютором площадки: {GYMNASIUM}" in greeting
    await tutor.press("Даю согласие")
    await tutor.send("Кузнецова Анна Сергеевна")
    joined = await tutor.send("Учитель математики")
    assert f"Готово! Вы — тьютор площадки: {GYMNASIUM}" in joined
    again = await people("Другой").send(f"/start {code}")
    assert "уже использовано" in again

    await steps.announce(maria, "Открытое занятие для стажёров", "10.12.2026 11:00")
    olga = people("Ольга", staff=True)
    await olga.press("Одобрить", message=steps.card(bot, "Анонс мероприятия"))
    clock.set(datetime(2026, 12, 9, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Завтра: «Открытое занятие для стажёров»" in tutor.last.text
    assert "Завтра: «Открытое занятие для стажёров»" in maria.last.text


@pytest.mark.parametrize("programme", [("krasnodar-digital",)])
async def test_no_tutor_invitations_where_the_programme_does_not_say_so(bot, people) -> None:
    maria = await _coordinator(bot, people)
    application_id = await seed.approved_application(bot.app, GYMNASIUM)
    async with bot.app.uow_factory() as uow:
        await statuses.record_grant(
            uow, bot.app.programmes, application_id, date(2026, 11, 20), 0, bot.clock.now()
        )
    await maria.send("/start")
    assert not any("Пригласить" in text for text in maria.reply_buttons())
    refused = await maria.send("👥 Пригласить тьютора")
    assert "Ссылку-приглашение выдают сотрудники института" in refused


# --- several platforms, several programmes -----------------------------------------------------


async def test_school_with_two_platforms_is_asked_which_one_when_announcing(bot, people) -> None:
    maria = await _coordinator(bot, people)
    await _granted_platform(bot, GYMNASIUM, "Наставничество", date(2026, 9, 1))
    second = await _granted_platform(
        bot, GYMNASIUM, "Исследовательские практики", date(2026, 10, 1)
    )
    asked = await maria.send("📣 Анонс мероприятия")
    assert "О какой площадке?" in asked
    buttons = [b.text for row in maria.last.buttons() for b in row]
    assert any(b.startswith("1. Наставничество") for b in buttons)
    await maria.press("Исследовательские практики")
    await maria.send("Вебинар «Исследование в школе»")
    await maria.press("вебинар")
    await maria.send("15.12.2026 15:00")
    await maria.send("Онлайн")
    await maria.send("Учителя")
    await maria.press("Пропустить")
    await maria.send("Описание")
    sent = await maria.press("Отправить")
    assert "Отправлено в институт" in sent
    async with bot.app.uow_factory() as uow:
        [announcement] = (
            await uow.session.scalars(
                select(Submission).where(Submission.kind == SubmissionKind.ANNOUNCEMENT)
            )
        ).all()
    assert announcement.platform_id == second


async def test_ending_one_of_two_platforms_asks_which_one(bot, people) -> None:
    """2.1.5: two platforms in one school; 2.1.7: the termination is about one of them."""
    maria = await _coordinator(bot, people)
    await _granted_platform(bot, GYMNASIUM, "Наставничество", date(2026, 9, 1))
    second = await _granted_platform(
        bot, GYMNASIUM, "Исследовательские практики", date(2026, 10, 1)
    )
    await maria.send("📝 Заявка")
    asked = await maria.press("Прекращение деятельности")
    assert "О какой площадке?" in asked
    intro = await maria.press("Исследовательские практики")
    assert "Шаг 1 из" in intro
    async with bot.app.uow_factory() as uow:
        [draft] = (
            await uow.session.scalars(
                select(Submission).where(Submission.variant == "early_termination")
            )
        ).all()
    assert draft.platform_id == second


@pytest.mark.parametrize("programme", [("krasnodar-digital", "omsk-internship")])
async def test_two_programmes_applicant_is_asked_which_and_gets_its_form(bot, people) -> None:
    maria = await _coordinator(bot, people)
    asked = await maria.send("📝 Заявка")
    assert "По какой программе?" in asked
    kinds = await maria.press("Муниципальная стажировочн")
    assert "Прекращение деятельности стажировочной площадки" in kinds
    assert "продление" not in kinds
    asked = await maria.press("Заявка на присвоение")
    assert "Шаг 1 из 4" in asked  # the Omsk form; Krasnodar's has 12 steps
    async with bot.app.uow_factory() as uow:
        draft = (await uow.session.scalars(select(Submission))).one()
    assert draft.programme == "omsk-internship"

    await maria.send("/cancel")
    await maria.send("📝 Заявка")
    await maria.press("Краевая опорная площадка")
    asked = await maria.press("Заявка на присвоение")
    assert "Шаг 1 из 12" in asked


# --- indicators --------------------------------------------------------------------------------


async def test_indicators_per_district_and_share_of_approved_reports(bot, people, clock) -> None:
    await seed.schools(bot.app, SCHOOLS)
    for number, (school, _district) in enumerate(SCHOOLS):
        await seed.coordinator(bot.app, people(f"Координатор {number}"), school)
    await _granted_platform(bot, GYMNASIUM, "Наставничество", date(2025, 11, 1))
    await _granted_platform(bot, LYCEUM, "Тьюторство", date(2025, 11, 1))
    await _granted_platform(bot, LYCEUM, "Исследования", date(2027, 6, 5))  # after the window
    expired = await _granted_platform(bot, SCHOOLS[2][0], "Старая", date(2023, 1, 10))
    async with bot.app.uow_factory() as uow:
        lyceum = await uow.schools.by_name(LYCEUM)
        gymnasium = await uow.schools.by_name(GYMNASIUM)
        author = (await uow.people.with_role_at(gymnasium.id, Role.COORDINATOR))[0]
        platforms = {p.title: p.id for p in await uow.platforms.of_programme("omsk-internship")}
        for school, platform, state in (
            (gymnasium, platforms["Наставничество"], SubmissionStatus.APPROVED),
            (lyceum, platforms["Тьюторство"], SubmissionStatus.CHANGES_REQUESTED),
        ):
            uow.session.add(
                Submission(
                    kind=SubmissionKind.REPORT,
                    programme="omsk-internship",
                    school_id=school.id,
                    platform_id=platform,
                    author_id=author.id,
                    status=state,
                    school_year=2026,
                    sent_at=datetime(2027, 6, 10, tzinfo=UTC),
                    files=[],
                )
            )
        await uow.commit()
    assert expired not in (platforms["Наставничество"], platforms["Тьюторство"])

    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    clock.set(datetime(2027, 6, 20, 7, 0, tzinfo=UTC))
    await olga.send_in(staff_chat, "/indicators")
    text = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "Действующих площадок в муниципальном районе — не менее 5" in text
    assert "⚠️ Кировский АО: 1 — ниже цели" in text
    assert "⚠️ Центральный АО: 2 — ниже цели" in text  # the expired one does not count
    assert "⚠️ 1 из 2, 50% — ниже цели" in text
    assert f"• {LYCEUM} — Тьюторство: отчёт: на доработке" in text
    assert "за 2026/2027 учебный год одобрен" in text
    assert "после открытия окна отчётов: 1" in text

    maria = people("Мария")
    await seed.coordinator(bot.app, maria, GYMNASIUM)
    assert "для сотрудников" in await maria.send("/indicators")


@pytest.mark.parametrize("programme", [("krasnodar-digital",)])
async def test_indicators_exist_only_where_a_programme_defines_them(bot, people) -> None:
    from bot.runner import publish_commands_for

    olga = people("Ольга", staff=True)
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], "/indicators")
    assert "показателей мониторинга нет" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    await publish_commands_for(bot.app)
    scope = {"type": "chat", "chat_id": STAFF_CHAT_ID}
    assert "indicators" not in [c["command"] for c in bot.fake.commands_for(scope)]


async def test_indicators_are_listed_for_staff_of_omsk(bot) -> None:
    from bot.runner import publish_commands_for

    await publish_commands_for(bot.app)
    scope = {"type": "chat", "chat_id": STAFF_CHAT_ID}
    assert "indicators" in [c["command"] for c in bot.fake.commands_for(scope)]


# --- the definition format ---------------------------------------------------------------------


def test_every_step_of_the_longest_conclusion_fits_a_button() -> None:
    from handlers.review.expertise import CDExpert
    from services.programmes.schema import MAX_CRITERIA, MAX_OUTCOMES

    packed = CDExpert(
        act="cancel", sid=2**31, by=2**52, a="n" * MAX_CRITERIA, o=MAX_OUTCOMES - 1
    ).pack()
    assert len(packed.encode()) <= 64


TABLE = "[review.expert_conclusion]"


@pytest.mark.parametrize(
    ("edit", "problem", "at"),
    [
        (('mentor_title = "тьютор"', 'mentor_title = "ментор"'), "'наставник' or 'тьютор'", ""),
        (
            ("permits_approval = true", "permits_approval = false"),
            "nothing could be approved",
            TABLE,
        ),
        (
            ('id = "recommend_after_revision"', 'id = "recommend"'),
            "'recommend' is listed twice",
            TABLE,
        ),
        (
            ("conditions_met_percent = 100", "conditions_met_percent = 150"),
            "less than or equal",
            "",
        ),
        (
            ("platforms_per_district_min = 5", "platforms_per_district_min = 0"),
            "greater than 0",
            "",
        ),
        (("coordinator_appoints_mentors = true", "coordinator_appoints_tutors = true"), "typo", ""),
    ],
)
def test_broken_omsk_keys_are_refused_with_the_line(tmp_path, edit, problem, at) -> None:
    """`at`: the table whose line is named (a rule across keys); empty: the edited line."""
    from services.programmes.errors import ProgrammeError
    from services.programmes.loader import load_programme, preset_path

    text = preset_path("omsk-internship").read_text(encoding="utf-8")
    old, new = edit
    assert text.count(old) == 1
    broken = tmp_path / "omsk.toml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    [message] = caught.value.problems
    line = text[: text.index(at or old)].count("\n") + 1
    assert message.startswith(f"{broken}:{line}: ") and problem in message, message


def test_only_omsk_applications_for_the_status_wait_for_a_conclusion() -> None:
    from services.programmes.schema import Programmes
    from services.review import expertise

    both = Programmes([load_preset("krasnodar-digital"), load_preset("omsk-internship")])

    def blocked(programme: str, variant: str, conclusion: str = ""):
        submission = Submission(
            kind=SubmissionKind.APPLICATION,
            variant=variant,
            programme=programme,
            expert_conclusion=conclusion,
            context="{}",
        )
        return expertise.approval_blocked(both, submission)

    assert blocked("krasnodar-digital", "assignment") is None
    assert blocked("omsk-internship", "early_termination") is None
    assert blocked("omsk-internship", "assignment") is expertise.Blocked.MISSING
    assert blocked("omsk-internship", "assignment", "recommend_after_revision") is (
        expertise.Blocked.AGAINST
    )
    assert blocked("omsk-internship", "assignment", "recommend") is None
