"""Groups the bot was added to that are not the staff group: each is told once how to become it."""

from __future__ import annotations

from storage.models import KnownGroup
from storage.uow import UnitOfWork


async def first_time(uow: UnitOfWork, chat_id: int, title: str) -> bool:
    """Remember the group; True the first time, when it should be told how to set it up."""
    if await uow.groups.get(chat_id) is not None:
        return False
    uow.groups.add(KnownGroup(chat_id=chat_id, title=title))
    await uow.commit()
    return True
