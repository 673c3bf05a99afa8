"""Annual reports and plans against their window; methodical materials; «Мои документы»."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from services.domain import SubmissionKind, SubmissionStatus
from storage.models import Submission
from tests import seed, steps


async def _of_kind(bot, kind: SubmissionKind) -> list[Submission]:
    async with bot.app.uow_factory() as uow:
        rows = await uow.session.scalars(select(Submission).where(Submission.kind == kind))
        return list(rows.all())


async def test_materials_need_a_link_or_a_file(bot, coordinator) -> None:
    maria = coordinator
    asked = await maria.send("📚 Материалы")
    assert "Шаг 1 из 4" in asked
    await maria.send("Сборник «Цифровой урок»")
    await maria.press("сборник")
    await maria.press("Пропустить")  # no link
    preview = await maria.press("Пропустить")  # no files
    assert "нужна ссылка или хотя бы один файл" in preview
    asked = await maria.press("Отправить")
    assert "Не все обязательные поля" in asked and "Шаг 3 из 4" in asked
    await maria.send("disk.yandex.ru/d/sbornik")
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: методические материалы № 1" in sent
    [item] = await _of_kind(bot, SubmissionKind.MATERIALS)
    assert item.status is SubmissionStatus.SENT


async def test_report_before_the_window_is_a_draft_then_late_after_it(
    bot, coordinator, clock
) -> None:
    maria = coordinator
    await steps.announce(maria, "Семинар по цифровой дидактике", "15.12.2026 10:00")
    clock.advance(days=30)  # 23.12.2026: the seminar took place

    intro = await maria.send("📊 Отчёт")
    assert "Отправка откроется 20.06.2027 (срок до 10.07.2027)" in intro
    assert "Семинар по цифровой дидактике — 15.12.2026" in intro
    assert (
        "Шаг 1 из 6" in intro
        and "Сколько человек участвовало в мероприятии «Семинар по цифровой дидактике»" in intro
    )
    assert "Нужно целое число" in await maria.send("много")
    await maria.send("34")
    await maria.send("Доля уроков с ЦОР выросла до 55%")
    await maria.press("Пропустить")
    await maria.press("Пропустить")
    await maria.press("Пропустить")
    await maria.send(document=bot.fake.world.add_file("otchet.docx", b"PK"))
    preview = await maria.press("Готово")
    assert "Участников: Семинар по цифровой дидактике: 34" in preview
    assert "Отправка откроется 20.06.2027" in preview
    answer = await maria.press("Отправить")
    assert "Отправить его можно будет с 20.06.2027" in answer
    [report] = await _of_kind(bot, SubmissionKind.REPORT)
    assert report.status is SubmissionStatus.DRAFT

    clock.set(datetime(2027, 7, 15, 9, 0, tzinfo=UTC))  # the window closed on 10 July
    await maria.send("📊 Отчёт")
    await maria.press("Продолжить")
    preview = maria.last.text
    assert "Проверьте перед отправкой" in preview
    assert "Срок подачи закончился 10.07.2027" in preview
    asked = await maria.press("Отправить")
    assert "Напишите причину опоздания" in asked
    sent = await maria.send("Болел координатор")
    assert "Отправлено в институт: отчёт за учебный год № 2" in sent
    [report] = await _of_kind(bot, SubmissionKind.REPORT)
    assert report.status is SubmissionStatus.SENT and report.late and report.school_year == 2026


async def test_report_in_the_window_is_sent_on_time(bot, coordinator, clock) -> None:
    maria = coordinator
    clock.set(datetime(2027, 6, 25, 9, 0, tzinfo=UTC))
    intro = await maria.send("📊 Отчёт")
    assert "Приём открыт до 10.07.2027 включительно" in intro
    assert "Анонсов мероприятий за этот учебный год в боте нет" in intro
    await maria.send("Все показатели достигнуты")
    for _ in range(3):
        await maria.press("Пропустить")
    await maria.send(document=bot.fake.world.add_file("otchet.pdf", b"%PDF"))
    await maria.press("Готово")
    sent = await maria.press("Отправить")
    assert "Отправлено в институт" in sent and "с опозданием" not in sent


async def test_plan_events_one_by_one(bot, coordinator, clock) -> None:
    maria = coordinator
    clock.set(datetime(2027, 6, 25, 9, 0, tzinfo=UTC))
    asked = await maria.send("🗓 План на год")
    assert "Шаг 1 из 2" in asked and "добавьте их по одному" in asked
    asked = await maria.press("Добавить мероприятие")
    assert "Мероприятие 1. Название мероприятия." in asked
    await maria.send("Мастер-класс «ИИ на уроке»")
    await maria.press("мастер-класс")
    await maria.send("октябрь 2027")
    asked = await maria.send("Иванова М. П.")
    assert "Ожидаемый результат" in asked
    added = await maria.press("Пропустить")
    assert "Добавлено: Мастер-класс «ИИ на уроке». В плане 1 мероприятие." in added
    await maria.press("Добавить мероприятие")
    await maria.send("Круглый стол")
    await maria.press("круглый стол")
    await maria.send("15.03.2028")
    await maria.send("Петров И. И.")
    await maria.send("Обмен опытом")
    asked = await maria.press("Готово")
    assert "Шаг 2 из 2" in asked
    preview = await maria.press("Пропустить")
    assert "1. Мастер-класс «ИИ на уроке» (мастер-класс, октябрь 2027, Иванова М. П.)" in preview
    assert "2. Круглый стол (круглый стол, 15.03.2028, Петров И. И.)" in preview
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: план на учебный год № 1" in sent
    [plan] = await _of_kind(bot, SubmissionKind.PLAN)
    assert plan.school_year == 2027


async def test_my_submissions_lists_statuses_newest_first_and_opens_one(
    bot, people, coordinator, clock
) -> None:
    maria = coordinator
    await steps.announce(maria, "Вебинар", "15.12.2026 10:00")
    await maria.send("📚 Материалы")
    await maria.send("Черновик материалов")
    await maria.send("/cancel")
    other = people("Ольга")
    await seed.coordinator(bot.app, other, "МБОУ Лицей № 12")
    await other.send("/start")
    await steps.announce(other, "Чужой анонс", "16.12.2026 10:00")

    listing = await maria.send("📂 Мои документы")
    assert "всего 2" in listing
    lines = [line for line in listing.splitlines() if line.startswith("№")]
    assert lines[0].startswith("№ 2 · Методические материалы") and lines[0].endswith("черновик")
    assert lines[1].startswith("№ 1 · Анонс мероприятия") and lines[1].endswith("отправлено")
    assert "Чужой" not in listing

    details = await maria.press("№ 1")
    assert "Анонс мероприятия № 1" in details and "Название: Вебинар" in details
    await maria.press("№ 2", message=bot.fake.bot_messages(maria.id)[-2])
    asked = await maria.press("Продолжить заполнение")
    assert "Шаг 2 из 4" in asked and "Тип материала" in asked

    # Someone else's submission cannot be opened, whatever the callback data says.
    update = bot.fake.callback_update(maria.user, maria.last, "my:open:3", check_button=False)
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert query.show_alert and "недоступна" in query.answer_text
