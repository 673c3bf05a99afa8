"""Who wrote an update: their language and, if registered, the person with their schools."""

from __future__ import annotations

from dataclasses import dataclass

from services.people import languages
from storage.models import Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Identified:
    language: str
    person: Person | None
    """With memberships, their schools and mentored districts loaded."""


async def identify(uow: UnitOfWork, telegram_id: int, client_language: str | None) -> Identified:
    """One statement in the usual case; a write only when something changed: a new client
    language, a first message, or a person who had blocked the bot writing again."""
    settings, person = await uow.people.identity(telegram_id)
    language = await languages.observe(uow, telegram_id, client_language, settings)
    if person is not None and person.unreachable:
        person.unreachable = False  # they wrote to us: reachable again
        await uow.commit()
    return Identified(language, person)
