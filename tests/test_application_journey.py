"""Applications: prefilled fields, attachments (types, sizes, albums), Back and Edit, restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from services.domain import SubmissionStatus
from storage.models import Submission
from tests import seed

SCHOOLS = [("МАОУ Гимназия № 5", "Центральный округ")]


async def _coordinator(bot, people):
    await seed.schools(bot.app, SCHOOLS)
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        school.address = "г. Краснодар, ул. Мира, 5"
        school.email = "gym5@example.ru"
        await uow.commit()
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    return maria


async def _submission(bot) -> Submission:
    async with bot.app.uow_factory() as uow:
        return (await uow.session.scalars(select(Submission))).one()


def _pdf(bot, name: str = "zayavka.pdf", size: int | None = None):
    return bot.fake.world.add_file(name, b"%PDF-1.4 test", "application/pdf", size=size)


async def _answer_fields(maria) -> None:
    """Through the nine fields of the Krasnodar application to the first attachment."""
    await maria.press("✅ Оставить как есть")  # full name from the school list
    await maria.press("✅ Оставить как есть")  # legal address
    await maria.press("✅ Оставить как есть")  # municipality
    await maria.press("✅ Оставить как есть")  # contacts
    await maria.send("Петров Иван Иванович")  # head of the school
    await maria.press("✅ Оставить как есть")  # head of the platform: the coordinator
    await maria.send("Цифровая образовательная среда")
    await maria.send("Сферум, ФГИС «Моя школа», Яндекс Учебник")
    await maria.press("Да")  # agreed with the municipality


async def test_application_with_prefill_attachments_album_and_preview(bot, people) -> None:
    maria = await _coordinator(bot, people)
    choice = await maria.send("📝 Заявка")
    assert "Какая заявка?" in choice
    asked = await maria.press("Заявка на присвоение")
    assert "Отправка откроется 01.06.2027" in asked
    # The agreement's file is asked only after "yes": 12 steps until then.
    assert "Шаг 1 из 12" in asked and "Сейчас: МАОУ Гимназия № 5" in asked
    await _answer_fields(maria)
    asked = maria.texts_since(len(maria.messages()) - 1)
    assert "Шаг 10 из 13" in asked and "документ о согласовании" in asked
    await maria.press("Пропустить")

    # Application file: a wrong type, an oversized file, then a good one.
    exe = bot.fake.world.add_file("virus.exe", b"MZ", "application/octet-stream")
    refused = await maria.send(document=exe)
    assert "не подходит" in refused and "PDF, DOC/DOCX" in refused
    huge = _pdf(bot, "big.pdf", size=25 * 1024 * 1024)
    assert "больше 20 МБ" in await maria.send(document=huge)
    assert "Принят 1 файл" in await maria.send(document=_pdf(bot))
    await maria.press("Готово")

    # Analytical note: an album of five files arrives as five updates at once.
    album = [_pdf(bot, f"spravka-{n}.pdf") for n in range(1, 6)]
    updates = [
        bot.fake.message_update(maria.user, document=f, media_group_id="album-1") for f in album
    ]
    await asyncio.gather(*(bot.feed(update) for update in updates))
    acknowledgement = maria.last
    assert "Принято 5 файлов" in acknowledgement.text
    await maria.press("Готово", message=acknowledgement)

    await maria.send(document=_pdf(bot, "roadmap.docx"))
    preview = await maria.press("Готово")
    assert "Проверьте перед отправкой: Заявка" in preview
    assert "Наименование по уставу: МАОУ Гимназия № 5" in preview
    assert "Руководитель площадки: Иванова Мария Петровна" in preview
    assert "spravka-1.pdf, spravka-2.pdf, spravka-3.pdf, spravka-4.pdf, spravka-5.pdf" in preview

    # Edit a field from the preview and come back to it.
    await maria.press("Изменить поле")
    asked = await maria.press("Тема")
    assert "Тема (направление)" in asked and "Сейчас: Цифровая образовательная среда" in asked
    preview = await maria.send("Цифровая дидактика")
    assert "Проверьте перед отправкой" in preview and "Тема: Цифровая дидактика" in preview

    # 1 June is in the window; today (23 November) is not: the draft waits for the window.
    not_yet = await maria.press("Отправить")
    assert "Отправить его можно будет с 01.06.2027" in not_yet
    submission = await _submission(bot)
    assert submission.status is SubmissionStatus.DRAFT
    assert sorted(f.file_name for f in submission.files if f.slot == "file:analytical_note") == [
        f"spravka-{n}.pdf" for n in range(1, 6)
    ]


async def test_back_goes_to_the_previous_question_and_required_files_are_required(
    bot, people
) -> None:
    maria = await _coordinator(bot, people)
    await maria.send("📝 Заявка")
    await maria.press("Досрочное прекращение")
    await maria.press("✅ Оставить как есть")
    asked = await maria.press("Назад")
    assert "Шаг 1 из" in asked
    asked = await maria.press("Назад")
    assert "Это первый вопрос" in asked
    await maria.press("✅ Оставить как есть")
    await maria.press("✅ Оставить как есть")  # contacts
    await maria.send("Петров Иван Иванович")
    await maria.press("✅ Оставить как есть")  # platform head
    asked = maria.last.text
    assert "Основание досрочного прекращения" in asked
    await maria.press("Инициатива закрытия")
    asked = maria.last.text
    assert "Заявка ОО о досрочном завершении" in asked
    assert [b.text for row in maria.last.buttons() for b in row] == ["◀️ Назад", "✖️ Отмена"]
    assert "Шаг 6 из 7" in await maria.send("Вот она")  # text where a file is asked
    assert "ответ текстом" not in maria.last.text


async def test_restart_in_the_middle_resumes_and_menu_offers_the_draft(bot, people) -> None:
    maria = await _coordinator(bot, people)
    await maria.send("📝 Заявка")
    await maria.press("Заявка на присвоение")
    await maria.press("✅ Оставить как есть")
    await maria.press("✅ Оставить как есть")

    await bot.restart()

    asked = await maria.press(
        "✅ Оставить как есть"
    )  # the button of the message before the restart
    assert "Шаг 4 из 12" in asked
    await maria.send("/cancel")
    offer = await maria.send("📝 Заявка")
    offer = await maria.press("Заявка на присвоение")
    assert "У вас есть черновик" in offer
    asked = await maria.press("Продолжить")
    assert "Шаг 5 из 12" in asked  # the first question still without an answer
    await maria.send("/cancel")
    await maria.send("📝 Заявка")
    await maria.press("Заявка на присвоение")
    asked = await maria.press("Начать заново")
    assert "Шаг 1 из 12" in asked
    async with bot.app.uow_factory() as uow:
        drafts = (await uow.session.scalars(select(Submission))).all()
    assert len(drafts) == 1


async def test_application_in_the_window_is_sent(bot, people, clock) -> None:
    clock.set(datetime(2027, 6, 10, 9, 0, tzinfo=UTC))
    maria = await _coordinator(bot, people)
    await maria.send("📝 Заявка")
    intro = await maria.press("Заявка на присвоение")
    assert "Приём открыт до 30.06.2027 включительно" in intro
    await _answer_fields(maria)
    await maria.send(document=_pdf(bot, "soglasovanie.pdf"))
    await maria.press("Готово")
    for name in ("zayavka.pdf", "spravka.pdf", "roadmap.pdf"):
        await maria.send(document=_pdf(bot, name))
        await maria.press("Готово")
    preview = maria.last.text
    assert "Документ о согласовании: soglasovanie.pdf" in preview
    sent = await maria.press("Отправить")
    assert "Отправлено в институт: заявка № 1." in sent
    submission = await _submission(bot)
    assert submission.status is SubmissionStatus.SENT and not submission.late
    assert len(submission.files) == 4
