"""Onboarding under bad input, interruptions, restarts and concurrent taps."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from services.domain import Role
from storage.models import Invitation, Membership, Person
from tests import seed

SCHOOL = "МАОУ Гимназия № 5"


async def _invited(bot, person, role: Role = Role.COORDINATOR, school: str = SCHOOL) -> str:
    code = await seed.invitation(bot.app, school, role)
    await person.send(f"/start {code}")
    return code


async def _people_in_db(bot) -> list[Person]:
    async with bot.app.uow_factory() as uow:
        return list((await uow.session.scalars(select(Person))).all())


async def test_bad_input_at_every_step_gets_a_clear_answer(bot, people) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    await _invited(bot, maria)

    # Consent step: text instead of the button.
    answer = await maria.send("да")
    assert "Не понял ответ" in answer and "152-ФЗ" in answer
    await maria.press("Даю согласие")

    # Full name step: sticker, photo, a huge text, a single word, a command.
    assert "нужен ответ текстом" in (await maria.send(sticker=True)).lower()
    photo = bot.fake.world.add_file("photo.jpg", b"\xff\xd8", "image/jpeg")
    answer = await maria.send(photo=photo)
    assert "ответ текстом" in answer and "Шаг 1 из 2" in answer
    answer = await maria.send("Я" * 5000)
    assert "Слишком длинно: не больше 200 символов" in answer and "Шаг 1 из 2" in answer
    assert "Похоже, это не ФИО" in await maria.send("Мария")
    answer = await maria.send("/unknown")
    assert "идёт заполнение анкеты" in answer and "Шаг 1 из 2" in answer

    # HTML in the name is kept as typed and shown escaped.
    assert "Шаг 2 из 2" in await maria.send("<b>Иванова</b> Мария&Анна")
    assert "Ответ пустой" in await maria.send("   ")
    await maria.send("Учитель")
    profile = await maria.send("👤 Мой профиль")
    assert "<b>Иванова</b> Мария&Анна" in profile
    assert "&lt;b&gt;Иванова&lt;/b&gt; Мария&amp;Анна" in maria.last.html


async def test_cancel_from_any_step_returns_to_the_menu(bot, people) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    await _invited(bot, maria)
    await maria.press("Даю согласие")
    await maria.send("Иванова Мария Петровна")
    answer = await maria.send("/cancel")
    assert "Отменено" in answer
    assert await maria.send("Учитель") and "Я не понял сообщение" in maria.last.text
    assert await _people_in_db(bot) == []

    # The Cancel button does the same, and a second press on it is only answered.
    await _invited(bot, maria)
    await maria.press("Даю согласие")
    button_message = maria.last
    answer = await maria.press("Отмена", message=button_message)
    assert "Отменено" in answer


async def test_back_returns_to_the_previous_question(bot, people) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    await _invited(bot, maria)
    await maria.press("Даю согласие")
    await maria.send("Иванова Мария Петровна")
    answer = await maria.press("Назад")
    assert "Шаг 1 из 2" in answer
    await maria.send("Петрова Мария Ивановна")
    await maria.send("Учитель")
    people_now = await _people_in_db(bot)
    assert [p.full_name for p in people_now] == ["Петрова Мария Ивановна"]


async def test_restart_mid_dialog_resumes_where_the_person_was(bot, people) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    await _invited(bot, maria)
    await maria.press("Даю согласие")
    await maria.send("Иванова Мария Петровна")

    await bot.restart()

    done = await maria.send("Заместитель директора")
    assert "Вы — координатор площадки: МАОУ Гимназия № 5" in done
    [person] = await _people_in_db(bot)
    assert person.full_name == "Иванова Мария Петровна"


async def test_expired_and_reused_invitations_are_refused(bot, people, clock) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    olga = people("Ольга")
    code = await seed.invitation(bot.app, SCHOOL, ttl_days=30)

    await maria.send(f"/start {code}")
    await maria.press("Даю согласие")
    await maria.send("Иванова Мария Петровна")
    await maria.send("Учитель")

    answer = await olga.send(f"/start {code}")
    assert "уже использовано" in answer
    assert olga.last.button("Запросить доступ")
    assert "уже зарегистрированы" in await maria.send(f"/start {code}")

    expiring = await seed.invitation(bot.app, SCHOOL, ttl_days=30)
    clock.advance(days=31)
    assert "Срок действия приглашения истёк" in await olga.send(f"/start {expiring}")
    assert "не найдено" in await olga.send("/start AAAAAAAAAAAAAAAAAAAAAA")


async def test_invitation_used_by_someone_else_while_filling_in(bot, people) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    olga = people("Ольга")
    code = await seed.invitation(bot.app, SCHOOL)
    for person in (maria, olga):
        await person.send(f"/start {code}")
        await person.press("Даю согласие")
        await person.send("Иванова Мария Петровна")
    await maria.send("Учитель")
    answer = await olga.send("Учитель")
    assert "недействительным" in answer
    assert len(await _people_in_db(bot)) == 1


async def test_mentor_accompanies_several_schools(bot, people) -> None:
    await seed.schools(bot.app)
    mentor = people("Наставник")
    await _invited(bot, mentor, Role.MENTOR, "МБОУ «СОШ № 1»")
    await mentor.press("Даю согласие")
    await mentor.send("Сидоров Иван Иванович")
    done = await mentor.send("Методист")
    assert "наставник школы: МБОУ «СОШ № 1»" in done

    answer = await _send_start(bot, mentor, Role.MENTOR, "МБОУ Лицей № 12")
    assert "наставник школы: МБОУ Лицей № 12" in answer  # no questions the second time
    profile = await mentor.send("👤 Мой профиль")
    assert "Наставник: МБОУ Лицей № 12" in profile and "Наставник: МБОУ «СОШ № 1»" in profile
    async with bot.app.uow_factory() as uow:
        roles = (await uow.session.scalars(select(Membership.role))).all()
    assert sorted(roles) == [Role.MENTOR, Role.MENTOR]


async def _send_start(bot, person, role: Role, school: str) -> str:
    code = await seed.invitation(bot.app, school, role)
    return await person.send(f"/start {code}")


async def test_double_tap_and_simultaneous_answers_keep_state_consistent(bot, people) -> None:
    await seed.schools(bot.app)
    maria = people("Мария")
    await _invited(bot, maria)
    consent_message = maria.last
    first = bot.fake.press(maria.user, consent_message, "Даю согласие")
    second = bot.fake.press(maria.user, consent_message, "Даю согласие")
    await asyncio.gather(bot.feed(first), bot.feed(second))
    for update in (first, second):
        assert bot.fake.callback_query(update["callback_query"]["id"]).answered
    asked = [m.text for m in maria.messages() if "Шаг 1 из 2" in (m.text or "")]
    assert len(asked) == 1, "the second tap must not ask the question again"

    # Two answers at the same moment: each is taken in turn, none overwrites the other.
    await asyncio.gather(
        bot.feed(bot.fake.message_update(maria.user, "Иванова Мария Петровна")),
        bot.feed(bot.fake.message_update(maria.user, "Учитель информатики")),
    )
    [person] = await _people_in_db(bot)
    assert (person.full_name, person.position) == ("Иванова Мария Петровна", "Учитель информатики")
    async with bot.app.uow_factory() as uow:
        invitation = (await uow.session.scalars(select(Invitation))).one()
    assert invitation.used_by == person.id
