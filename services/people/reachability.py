"""People the bot talks to: reachability."""

from __future__ import annotations

from collections.abc import Sequence

from storage.models import Person
from storage.uow import UnitOfWork


async def mark_unreachable(uow: UnitOfWork, telegram_id: int) -> None:
    """They blocked the bot: keep them, but stop expecting messages to arrive."""
    person = await uow.people.by_telegram_id(telegram_id)
    if person is not None and not person.unreachable:
        person.unreachable = True
        await uow.commit()


async def unreachable(uow: UnitOfWork) -> Sequence[Person]:
    """Who blocked the bot: staff see them, since reminders to them go nowhere."""
    return await uow.people.unreachable()
