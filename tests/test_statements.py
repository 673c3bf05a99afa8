"""How much database work one update costs: a regression to a query per relationship (or a
second read of the dialog state, or of the draft) fails here, long before anyone notices
the bot getting slow. Counted with SQLAlchemy's events on the bot's engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from tests import seed
from tests.harness import BotUnderTest, Person

ORDERING = ("seen_updates", "pg_advisory_")
"""On PostgreSQL each update is also recorded and takes its person's lock (storage.updates):
a fixed cost per update across instances, with commits of its own, left out of the count."""


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    commits: int = 0


@contextmanager
def counting(bot: BotUnderTest) -> Iterator[Counted]:
    """Statements and commits of the bot's engine while the block runs (the outbox's
    delivery after each update is left out: in production it runs apart, when woken)."""
    assert bot.app is not None
    engine = bot.app.engine.sync_engine
    counted = Counted()

    ordering = [False]

    def statement(_conn: object, _cursor: object, text: str, *_: object) -> None:
        ordering[0] = any(word in text for word in ORDERING)
        if not ordering[0]:
            counted.statements.append(" ".join(text.split()[:4]))

    def commit(_conn: object) -> None:
        if not ordering[0]:
            counted.commits += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    deliver, bot.deliver = bot.deliver, False
    try:
        yield counted
    finally:
        bot.deliver = deliver
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


async def _in_the_form(bot: BotUnderTest, people) -> Person:
    await seed.schools(bot.app)
    maria = people("Мария")
    await seed.coordinator(bot.app, maria)
    await maria.send("/start")
    await maria.send("📣 Анонс мероприятия")
    assert "Шаг 1" in maria.last.text
    return maria


async def test_a_typed_answer_in_a_form_is_five_statements_and_one_commit(bot, people) -> None:
    """Read the dialog state, who is writing (with the language), the draft; write the
    answer and the dialog state, together."""
    maria = await _in_the_form(bot, people)
    with counting(bot) as counted:
        reply = await maria.send("Семинар «Цифровая школа»")
    assert "Шаг 2" in reply
    assert len(counted.statements) <= 5, counted.statements
    assert counted.commits <= 1, counted.statements


async def test_a_button_answer_in_a_form_is_five_statements_and_one_commit(bot, people) -> None:
    maria = await _in_the_form(bot, people)
    await maria.send("Семинар")
    with counting(bot) as counted:
        reply = await maria.press("семинар")
    assert "Шаг 3" in reply
    assert len(counted.statements) <= 5, counted.statements
    assert counted.commits <= 1, counted.statements


async def test_a_menu_press_reads_who_and_what_once(bot, people) -> None:
    maria = await _in_the_form(bot, people)
    await maria.press("Отмена")
    with counting(bot) as counted:
        reply = await maria.send("📂 Мои документы")
    assert "Анонс" in reply
    assert len(counted.statements) <= 5, counted.statements
    assert counted.commits == 0, counted.statements
