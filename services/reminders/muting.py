"""Whether a person wants the optional reminders; deadline reminders come regardless."""

from __future__ import annotations

from storage.models import UserSettings
from storage.uow import UnitOfWork


async def muted(uow: UnitOfWork, telegram_id: int) -> bool:
    settings = await uow.settings.get(telegram_id)
    return settings is not None and settings.muted


async def set_muted(uow: UnitOfWork, telegram_id: int, value: bool) -> None:
    settings = await uow.settings.get(telegram_id)
    if settings is None:
        uow.settings.add(UserSettings(telegram_id=telegram_id, muted=value))
    else:
        settings.muted = value
    await uow.commit()
