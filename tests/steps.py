"""Steps a coordinator takes in the chat, shared by journeys that need them as a start."""

from __future__ import annotations

from bot.scheduler import Reminders
from tests.harness import BotUnderTest, Person


async def tick(bot: BotUnderTest) -> None:
    """One planner pass and one drain of the outbox, as the running bot does."""
    scheduled = Reminders(bot.app, owner="test")
    try:
        await scheduled.plan()
        await scheduled.sender.drain()
    finally:
        await scheduled.close()


async def announce(
    person: Person,
    title: str = "Семинар «Цифровая школа»",
    when: str = "15.12.2026 10:00",
    description: str = "Описание <b>семинара</b>",
) -> None:
    """An event announcement from the menu to "Отправить", with no registration link."""
    await person.send("📣 Анонс мероприятия")
    await person.send(title)
    await person.press("семинар")
    await person.send(when)
    await person.send("Актовый зал")
    await person.send("Учителя района")
    await person.press("Пропустить")
    await person.send(description)
    await person.press("Отправить")
