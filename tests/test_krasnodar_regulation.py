"""Krasnodar (seed 000) clause by clause, beyond the main journey: the roadmap is a submission of
its own, due 10 days after the certificate staff record (табл. 1, L100–101); the institute's
own deadlines are reminded to staff (L93–99, L123–124); an extension starts no roadmap again
and shows in the council's list with its terms (3.9, 3.9.4); «Нет» to the municipal agreement
is explained and shown to staff (3.4, 3.9); the plan's deadline is the preset's choice (L115)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.domain import Role, SubmissionKind, SubmissionStatus
from services.programmes.loader import PRESETS_DIR, load_preset
from storage.models import PlannedEvent, Submission
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID

GYMNASIUM = "МАОУ Гимназия № 5"


def _at(day: date, hour: int = 11) -> datetime:
    """`hour` o'clock in Moscow on that day (reminders go out at 10:00 Moscow)."""
    return datetime(day.year, day.month, day.day, hour - 3, 5, tzinfo=UTC)


async def _granted(bot, people, clock):
    """Мария's school, its application approved, and the order recorded on 01.11.2027."""
    clock.set(_at(date(2027, 11, 1), 12))
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    olga = people("Ольга", staff=True)
    number = await seed.approved_application(bot.app, values={"topic": "Цифровая школа"})
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], f"/granted {number} 01.11.2027")
    return maria, olga, number


def _staff_said(bot) -> str:
    return bot.fake.last_bot_message(STAFF_CHAT_ID).text or ""


async def test_roadmap_is_its_own_submission_due_after_the_certificate(bot, people, clock) -> None:
    maria, olga, number = await _granted(bot, people, clock)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    granted = _staff_said(bot)
    assert "Свидетельство нужно опубликовать до 11.11.2027 включительно" in granted
    assert f"/certificate {number} ДД.ММ.ГГГГ" in granted

    # The order is out: the coordinator hears the roadmap may be sent at once.
    await steps.tick(bot)
    told = maria.last.text
    assert "присвоен приказом от 01.11.2027" in told and "10 дней после публикации" in told

    # «🗓 План на год» offers the roadmap, open now: not «Отправка откроется 20.06…».
    asked = await maria.send("🗓 План на год")
    assert "Какой план отправить?" in asked
    intro = await maria.press("🗺 Дорожная карта")
    assert "Отправка откроется" not in intro
    assert "План работы (дорожная карта) на весь срок статуса" in intro
    assert "Институт ещё не отметил публикацию" in intro
    await maria.send("/cancel")

    # Staff are reminded of their own deadline three days before it, then record it.
    clock.set(_at(date(2027, 11, 8)))
    await steps.tick(bot)
    reminder = _staff_said(bot)
    assert "Свидетельство о статусе площадки школы «МАОУ Гимназия № 5»" in reminder
    assert "до 11.11.2027" in reminder and f"/certificate {number}" in reminder
    await olga.send_in(staff_chat, f"/certificate {number} 12.11.2027")
    assert "ещё не наступил" in _staff_said(bot)
    await olga.send_in(staff_chat, f"/certificate {number} 05.11.2027")
    recorded = _staff_said(bot)
    assert "опубликовано 05.11.2027" in recorded and "до 15.11.2027 включительно" in recorded

    # No more certificate reminders; the roadmap's own, counted from the certificate.
    clock.set(_at(date(2027, 11, 11)))
    await steps.tick(bot)
    assert "нужно опубликовать" not in _staff_said(bot)
    clock.set(_at(date(2027, 11, 12)))
    await steps.tick(bot)
    assert "до 15.11.2027 включительно" in maria.last.text

    await maria.send("🗓 План на год")
    asked = await maria.press("🗺 Дорожная карта")
    assert "У вас есть черновик: Дорожная карта" in asked
    intro = await maria.press("🔄 Начать заново")
    assert "до 15.11.2027 включительно" in intro
    asked = await maria.press("Добавить мероприятие")
    assert "Учебный год мероприятия" in asked
    await maria.send("2027/2028")
    await maria.send("Семинар «Цифровая школа»")
    await maria.press("семинар")
    await maria.send("15.12.2027")
    await maria.send("Иванова М. П.")
    await maria.press("Пропустить")  # expected result
    await maria.press("Готово")
    preview = await maria.press("Пропустить")  # no file
    assert "Семинар «Цифровая школа» (2027/2028, семинар, 15.12.2027, Иванова М. П.)" in preview
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: дорожная карта № " in sent
    roadmap = await steps.submission(bot, steps.sent_number(sent))
    assert roadmap.variant == "roadmap" and not roadmap.late

    # Approved, its dated events are the schedule: the announcement is reminded.
    await olga.press("Одобрить", message=steps.card(bot, f"Дорожная карта № {roadmap.id}"))
    async with bot.app.uow_factory() as uow:
        [event] = (await uow.session.scalars(select(PlannedEvent))).all()
    assert event.event_on == date(2027, 12, 15)
    clock.set(_at(date(2027, 12, 1)))
    await steps.tick(bot)
    assert "Семинар «Цифровая школа»" in maria.last.text and "не позднее 05.12.2027" in (
        maria.last.text
    )

    # With the roadmap given, «🗓 План на год» is the plan for the coming year again.
    intro = await maria.send("🗓 План на год")
    assert "Какой план" not in intro and "Отправка откроется 20.06.2028" in intro


async def test_a_late_roadmap_is_sent_marked_late(bot, people, clock) -> None:
    maria, olga, number = await _granted(bot, people, clock)
    await olga.send_in(bot.fake.world.chats[STAFF_CHAT_ID], f"/certificate {number}")
    assert "опубликовано 01.11.2027" in _staff_said(bot)  # no day: today
    clock.set(_at(date(2027, 11, 20)))
    await maria.send("🗓 План на год")
    intro = await maria.press("🗺 Дорожная карта")
    assert "Срок подачи закончился 11.11.2027" in intro


async def test_an_extension_starts_no_roadmap_and_shows_in_the_list(bot, people, clock) -> None:
    maria, olga, number = await _granted(bot, people, clock)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await olga.send_in(staff_chat, f"/certificate {number} 02.11.2027")
    async with bot.app.uow_factory() as uow:
        status = await uow.statuses.of_application(number)
        roadmap = Submission(
            kind=SubmissionKind.PLAN,
            variant="roadmap",
            programme="krasnodar-digital",
            school_id=status.school_id,
            platform_id=status.platform_id,
            author_id=(await uow.people.by_telegram_id(maria.id)).id,
            status=SubmissionStatus.APPROVED,
            files=[],
        )
        uow.session.add(roadmap)
        extension = Submission(
            kind=SubmissionKind.APPLICATION,
            variant="extension",
            programme="krasnodar-digital",
            school_id=status.school_id,
            platform_id=status.platform_id,
            author_id=roadmap.author_id,
            status=SubmissionStatus.APPROVED,
            decided_at=datetime(2030, 9, 1, 9, tzinfo=UTC),
            values=json.dumps({}),
            files=[],
        )
        uow.session.add(extension)
        await uow.commit()
        extension_id = extension.id

    # 3.9.4: the extension is on the council's list with the term it would extend.
    clock.set(_at(date(2030, 9, 10)))
    await olga.send_in(staff_chat, "/council 15.10.2030")
    await olga.send_in(staff_chat, "/registry")
    listed = _staff_said(bot)
    assert "Заявка на продление статуса опорной площадки" in listed
    assert "статус до 01.11.2030, продление — не дольше чем до 01.11.2031" in listed
    assert "Заявка на присвоение" not in listed, "approved in 2027: on an earlier list"

    # The day after the council: what the institute publishes, and by when (табл. 1).
    clock.set(_at(date(2030, 10, 16)))
    await steps.tick(bot)
    told = _staff_said(bot)
    assert "Учёный совет прошёл 15.10.2030" in told and "До 20.10.2030" in told
    assert "МАОУ Гимназия № 5 — продление" in told

    clock.set(_at(date(2030, 11, 1), 12))
    await olga.send_in(staff_chat, f"/granted {extension_id} 01.11.2030")
    granted = _staff_said(bot)
    assert "Продление статуса площадки" in granted and "Действует до 01.11.2031" in granted
    assert "Свидетельство" not in granted and "Дорожную карту" not in granted
    seen = len(maria.messages())
    for day in (date(2030, 11, 1), date(2030, 11, 2), date(2030, 11, 8)):
        clock.set(_at(day))
        await steps.tick(bot)
    assert "дорожн" not in maria.texts_since(seen).casefold()
    assert "нужно опубликовать" not in _staff_said(bot)
    refused = f"/certificate {extension_id} 02.11.2030"
    await olga.send_in(staff_chat, refused)
    assert "о продлении статуса" in _staff_said(bot)


async def test_new_platforms_to_publish_after_the_council(bot, people, clock) -> None:
    clock.set(_at(date(2027, 9, 1)))
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    number = await seed.approved_application(bot.app)
    async with bot.app.uow_factory() as uow:
        application = await uow.submissions.get(number)
        application.decided_at = datetime(2027, 8, 20, 9, tzinfo=UTC)
        await uow.commit()
    await olga.send_in(staff_chat, "/council 15.10.2027")
    clock.set(_at(date(2027, 10, 15)))
    await steps.tick(bot)
    assert "Учёный совет прошёл" not in _staff_said(bot)
    clock.set(_at(date(2027, 10, 16)))
    await steps.tick(bot)
    told = _staff_said(bot)
    assert "названия школ, получивших статус" in told and "До 20.10.2027 включительно" in told
    assert "• МАОУ Гимназия № 5" in told


async def test_no_municipal_agreement_is_explained_and_shown_on_the_card(
    bot, people, clock
) -> None:
    """3.4: заявка «с согласованием от муниципального органа управления образованием или
    территориальной методической службой муниципалитета»; 3.9.1: заявка на продление —
    «согласованное с муниципальным органом управления образованием»."""
    clock.set(_at(date(2027, 6, 10)))
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    await maria.send("📝 Заявка")
    await maria.press("Заявка на присвоение")
    await maria.press("✅ Оставить как есть")  # full name
    await maria.send("г. Краснодар, ул. Мира, 5")
    await maria.press("✅ Оставить как есть")  # municipality
    await maria.send("+7 861 000-00-00, gym5@example.ru")
    await maria.send("Петров Иван Иванович")
    await maria.press("✅ Оставить как есть")  # head of the platform
    await maria.send("Цифровая образовательная среда")
    await maria.send("Сферум, ФГИС «Моя школа»")
    asked = await maria.press("Нет")
    assert "По положению заявку согласуют с муниципальным органом" in asked
    assert "вернуть её на доработку" in asked and "Документ о согласовании" not in asked
    await maria.send("На подписи в управлении образования, будет до 25.06")
    for name in ("zayavka.pdf", "spravka.pdf", "roadmap.pdf"):
        await maria.send(document=steps.pdf(bot, name))
        await maria.press("Готово")
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: заявка № 1" in sent
    card = steps.card(bot, "Заявка № 1").text
    assert "⚠️ Нет согласования с муниципальным органом управления образованием" in card
    assert "Почему нет согласования: На подписи в управлении образования" in card


def test_the_plan_deadline_is_the_preset_s_choice() -> None:
    """Табл. 1, L115–116: «План работы Опорной площадки на предстоящий учебный год» — its
    deadline cell is empty. The preset says it chose the report window."""
    text = (PRESETS_DIR / "krasnodar-digital.toml").read_text(encoding="utf-8")
    comment = text[: text.index("[windows.report]")].rsplit("[windows.application]", 1)[1]
    assert "строки 115–116" in comment and "chose the report window" in comment


async def test_the_three_years_are_not_shortened(bot, people, clock) -> None:
    """3.1: статус «действует в течение трех лет» — not «до»: an order cannot shorten it."""
    clock.set(_at(date(2027, 11, 1)))
    await seed.schools(bot.app)
    await seed.coordinator(bot.app, people("Мария"))
    olga = people("Ольга", staff=True)
    number = await seed.approved_application(bot.app)
    await olga.send_in(
        bot.fake.world.chats[STAFF_CHAT_ID], f"/granted {number} 01.11.2027 до 01.11.2029"
    )
    assert "Срок статуса по положению не меняется" in _staff_said(bot)


async def test_completions_and_early_terminations_to_publish_after_the_council(
    bot, people, clock
) -> None:
    """Табл. 1, L123–124: «Информация о завершении, досрочном прекращении или продлении
    деятельности в статусе Опорной площадки — не позднее 5 дней после заседания Ученого совета»
    (3.10.2, 3.12: these go to the council too)."""
    clock.set(_at(date(2030, 9, 1)))
    await seed.schools(bot.app)
    maria, petr = people("Мария"), people("Пётр")
    await seed.coordinator(bot.app, maria)
    await seed.coordinator(bot.app, petr, "МБОУ Лицей № 12")
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    async with bot.app.uow_factory() as uow:
        for school_name, variant in (
            (GYMNASIUM, "completion"),
            ("МБОУ Лицей № 12", "early_termination"),
        ):
            school = await uow.schools.by_name(school_name)
            [author] = await uow.people.with_role_at(school.id, Role.COORDINATOR)
            uow.session.add(
                Submission(
                    kind=SubmissionKind.APPLICATION,
                    variant=variant,
                    programme="krasnodar-digital",
                    school_id=school.id,
                    author_id=author.id,
                    status=SubmissionStatus.APPROVED,
                    decided_at=datetime(2030, 9, 10, 9, tzinfo=UTC),
                    values=json.dumps({}),
                    files=[],
                )
            )
        await uow.commit()
    await olga.send_in(staff_chat, "/council 15.10.2030")

    clock.set(_at(date(2030, 10, 16)))
    await steps.tick(bot)
    told = _staff_said(bot)
    assert "Учёный совет прошёл 15.10.2030" in told and "До 20.10.2030 включительно" in told
    assert "о продлении, завершении и досрочном прекращении" in told
    assert f"• {GYMNASIUM} — завершение" in told
    assert "• МБОУ Лицей № 12 — досрочное прекращение" in told
    assert not any(
        "названия школ, получивших статус" in (m.text or "")
        for m in bot.fake.bot_messages(STAFF_CHAT_ID)
    ), "no school was granted the status at this council"


async def test_staff_are_reminded_of_the_certificate_three_days_before_and_on_the_last_day(
    bot, people, clock
) -> None:
    """Табл. 1, L98–99: «Свидетельство о присвоении статуса Опорной площадки — Не позднее 10 дней
    после подписания ректором Института приказа о присвоении статуса»."""
    await _granted(bot, people, clock)
    reminded = []
    for day in (date(2027, 11, 7), date(2027, 11, 8), date(2027, 11, 10), date(2027, 11, 11)):
        clock.set(_at(day))
        before = len(bot.fake.bot_messages(STAFF_CHAT_ID))
        await steps.tick(bot)
        said = [m.text or "" for m in bot.fake.bot_messages(STAFF_CHAT_ID)[before:]]
        if any("нужно опубликовать до 11.11.2027" in text for text in said):
            reminded.append(day)
    assert reminded == [date(2027, 11, 8), date(2027, 11, 11)], "3 days before, the last day"


def test_the_packages_of_extension_completion_and_early_termination() -> None:
    """3.9.1: заявка на продление, «план работы Опорной площадки на предстоящий год», «ежегодные
    отчеты о работе Опорной площадки (приложение 4)», методические материалы; 3.10.1: ежегодные
    отчёты и методические материалы; 3.11: три основания; 3.12: заявка ОО и ежегодные отчёты;
    3.5, 4.3: формы мероприятий; 5.3: виды методических материалов."""
    krasnodar = load_preset("krasnodar-digital")
    kinds = krasnodar.applications.kinds()

    def required(kind: str) -> list[str]:
        return [a.id for a in kinds[kind].attachments if a.required]

    assert required("extension") == [
        "extension_application",
        "next_year_plan",
        "annual_reports",
        "methodical_materials",
    ]
    assert "municipal_agreement" in kinds["extension"].fields
    assert required("completion") == ["annual_reports", "methodical_materials"]
    assert required("early_termination") == ["termination_application", "annual_reports"]
    reasons = [r.title for r in krasnodar.applications.termination_reasons]
    assert [r.split()[0] for r in reasons] == ["Неисполнение", "Изменения", "Инициатива"]
    forms = set(krasnodar.announcements.forms)
    assert {"стажировка", "мастер-класс", "семинар", "вебинар", "конференция"} <= forms  # 3.5
    assert {"практикум", "деловая игра", "консультация", "педагогическая мастерская"} <= forms
    assert {"публикация", "статья", "сборник", "инструкция"} <= set(krasnodar.materials.types)
