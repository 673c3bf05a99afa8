"""The Krasnodar preset end to end: apply in June, approved, granted, announce, reminded, report."""

from __future__ import annotations

from datetime import UTC, datetime

from services.calendar import DayMonth, YearlyWindow
from services.domain import SubmissionStatus
from services.programmes.loader import load_preset
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID

GYMNASIUM = "МАОУ Гимназия № 5"


def test_krasnodar_preset_follows_its_seed() -> None:
    """000_6fcc486ef5499699.txt:
    3.1 «Статус краевой опорной площадки ... действует в течение трех лет»;
    3.3 «с 01 июня по 30 июня текущего года подается заявка», «с 01 июля по 31 августа» —
    кафедры, «с 01 сентября по 31 октября» — заседание Ученого совета;
    3.5 к заявке — «аналитическая справка» и «план работы (дорожная карта)»;
    3.6 список претендентов «прекращается за 10 дней до проведения заседания Ученого совета»;
    3.9 продление «не более чем на один год»;
    5.4.1, табл. 1: анонсы «за 10 дней до проведения мероприятия»; отчёт и план «С 20 июня
    по 10 июля»; дорожная карта «Не позднее 10 дней после публикации ... свидетельства»."""
    krasnodar = load_preset("krasnodar-digital")
    windows = krasnodar.windows
    assert windows.application and windows.application.yearly == YearlyWindow(
        DayMonth(6, 1), DayMonth(6, 30)
    )
    assert windows.report and windows.report.yearly == YearlyWindow(
        DayMonth(6, 20), DayMonth(7, 10)
    )
    assert windows.review and windows.review.yearly == YearlyWindow(DayMonth(7, 1), DayMonth(8, 31))
    assert windows.council and windows.council.yearly == YearlyWindow(
        DayMonth(9, 1), DayMonth(10, 31)
    )
    assert krasnodar.council and krasnodar.council.applicants_list_closes_days_before == 10
    assert (krasnodar.status.term_years, krasnodar.status.extension_max_years) == (3, 1)
    assert krasnodar.status.roadmap_due_days_after_certificate == 10
    assert krasnodar.announcements.lead_days == 10
    package = [a.id for a in krasnodar.applications.assignment.attachments if a.required]
    assert package == ["application", "analytical_note", "roadmap"]
    assert set(krasnodar.applications.kinds()) == {
        "assignment",
        "extension",
        "completion",
        "early_termination",
    }


async def _coordinator(bot, people):
    await seed.schools(bot.app, [(GYMNASIUM, "Центральный округ")])
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name(GYMNASIUM)
        school.address = "г. Краснодар, ул. Мира, 5"
        school.email = "gym5@example.ru"
        await uow.commit()
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    return maria


async def test_krasnodar_journey_apply_grant_announce_remind_report(bot, people, clock) -> None:
    clock.set(datetime(2027, 5, 20, 9, 0, tzinfo=UTC))
    maria = await _coordinator(bot, people)
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]

    # 3.3: before 1 June an application waits as a draft.
    await maria.send("📝 Заявка")
    early = await maria.press("Заявка на присвоение")
    assert "Отправка откроется 01.06.2027 (срок до 30.06.2027)" in early
    await maria.send("/cancel")

    clock.set(datetime(2027, 6, 10, 9, 0, tzinfo=UTC))
    await maria.send("📝 Заявка")
    await maria.press("Заявка на присвоение")
    await maria.press("🔄 Начать заново")
    for _ in range(4):  # full name, legal address, municipality, contacts: prefilled
        await maria.press("✅ Оставить как есть")
    await maria.send("Петров Иван Иванович")
    await maria.press("✅ Оставить как есть")  # head of the platform: the coordinator
    await maria.send("Цифровая образовательная среда")
    await maria.send("Сферум, ФГИС «Моя школа», Яндекс Учебник")
    await maria.press("Да")  # 3.4: agreed with the municipal authority
    for name in ("soglasovanie.pdf", "zayavka.pdf", "spravka.pdf", "roadmap.pdf"):
        await maria.send(document=steps.pdf(bot, name))
        await maria.press("Готово")
    sent = await maria.press("Отправить")
    number = steps.sent_number(sent)
    assert f"Отправлено в институт: заявка № {number}" in sent

    await olga.press("Одобрить", message=steps.card(bot, f"Заявка № {number}"))
    assert f"Одобрено: заявка № {number}" in maria.last.text
    clock.set(datetime(2027, 11, 1, 9, 0, tzinfo=UTC))  # the rector's order after the Council
    await olga.send_in(staff_chat, f"/granted {number} 01.11.2027")
    granted = bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert "Действует до 01.11.2030" in granted and "Дорожную карту" in granted

    # 5.4.1: the certificate is out on 01.11; the roadmap is due 10 days later, reminded on
    # the next day.
    await olga.send_in(staff_chat, f"/certificate {number} 01.11.2027")
    clock.set(datetime(2027, 11, 2, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "нужно отправить до 11.11.2027" in maria.last.text

    announced = await steps.announce(maria, "Семинар «Цифровая школа»", "20.11.2027 10:00")
    number = steps.sent_number(announced)
    await olga.press("Одобрить", message=steps.card(bot, f"Анонс мероприятия № {number}"))
    announcement = await steps.submission(bot, number)
    assert announcement.status is SubmissionStatus.APPROVED and not announcement.late

    clock.set(datetime(2027, 11, 19, 7, 5, tzinfo=UTC))
    await steps.tick(bot)
    assert "Завтра: «Семинар «Цифровая школа»»" in maria.last.text

    # 5.4.1: the report for the school year, 20 June – 10 July.
    clock.set(datetime(2028, 6, 25, 9, 0, tzinfo=UTC))
    intro = await maria.send("📊 Отчёт")
    assert "Приём открыт до 10.07.2028" in intro
    assert "Семинар «Цифровая школа»" in intro
    await maria.send("42")
    await maria.send("Показатели плана достигнуты: 12 семинаров, 300 педагогов")
    for _ in range(3):  # materials, publications, problems
        await maria.press("Пропустить")
    await maria.send(document=steps.pdf(bot, "otchet.pdf"))
    await maria.press("Готово")
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: отчёт за учебный год № " in sent
    report = await steps.submission(bot, steps.sent_number(sent))
    assert report.id > announcement.id
    assert not report.late and report.school_year == 2027
    async with bot.app.uow_factory() as uow:
        [platform] = await uow.platforms.of_programme("krasnodar-digital")
    assert report.platform_id == platform.id == announcement.platform_id
