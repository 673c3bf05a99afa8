"""Steps a coordinator takes in the chat, shared by journeys that need them as a start."""

from __future__ import annotations

import re
from typing import Any

from bot.scheduler import Reminders
from storage.models import Submission
from tests.harness import STAFF_CHAT_ID, BotUnderTest, Person


def sent_number(answer: str) -> int:
    """The number of the submission the answer says was sent ("Отправлено в институт: … № 7.").

    Numbers are the database's ids: SQLite gives a deleted draft's id again, PostgreSQL does
    not, so a journey reads the number it was told instead of assuming one.
    """
    found = re.search(r"Отправлено в институт: [^№]*№ (\d+)", answer)
    assert found, f"no submission number in {answer!r}"
    return int(found[1])


def pdf(bot: BotUnderTest, name: str) -> Any:
    """A small PDF the user can send as a document."""
    return bot.fake.world.add_file(name, b"%PDF-1.4 test", "application/pdf")


def card(bot: BotUnderTest, title: str) -> Any:
    """The newest card in the staff group whose text starts with `title`, as it is now."""
    cards = [m for m in bot.fake.bot_messages(STAFF_CHAT_ID) if (m.text or "").startswith(title)]
    assert cards, f"no card {title!r}"
    return bot.fake.message(STAFF_CHAT_ID, cards[-1].message_id)


async def submission(bot: BotUnderTest, number: int) -> Submission:
    assert bot.app is not None
    async with bot.app.uow_factory() as uow:
        found = await uow.session.get(Submission, number)
        assert found is not None, f"no submission {number}"
        return found


async def tick(bot: BotUnderTest) -> None:
    """One planner pass and one drain of the outbox, as the running bot does."""
    assert bot.app is not None
    await Reminders(bot.app).plan()
    await bot.app.sender.drain()


async def announce(
    person: Person,
    title: str = "Семинар «Цифровая школа»",
    when: str = "15.12.2026 10:00",
    description: str = "Описание <b>семинара</b>",
) -> str:
    """An event announcement from the menu to "Отправить", with no registration link; the
    bot's answer to "Отправить"."""
    await person.send("📣 Анонс мероприятия")
    await person.send(title)
    await person.press("семинар")
    await person.send(when)
    await person.send("Актовый зал")
    await person.send("Учителя района")
    await person.press("Пропустить")
    await person.send(description)
    return await person.press("Отправить")
