"""Which language a person reads: the one they chose, else their Telegram client's."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from storage.models import UserSettings
from storage.uow import UnitOfWork

SUPPORTED = ("ru", "en")
DEFAULT = "ru"


def from_client(language_code: str | None) -> str:
    """English for English clients; Russian for everyone else."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT


def effective(settings: UserSettings | None) -> str:
    if settings is None:
        return DEFAULT
    return settings.language or from_client(settings.client_language)


async def observe(
    uow: UnitOfWork,
    telegram_id: int,
    client_language: str | None,
    settings: UserSettings | None = None,
) -> str:
    """Note the client's language when it changes and return the effective language.

    `settings`: the person's settings row when the caller has already read it.
    """
    if settings is None:
        settings = await uow.settings.get(telegram_id)
    if settings is None:
        settings = UserSettings(telegram_id=telegram_id, client_language=client_language)
        uow.settings.add(settings)
        try:
            await uow.commit()
        except IntegrityError:  # the same person's update from another chat got there first
            await uow.rollback()
            return effective(await uow.settings.get(telegram_id))
    elif client_language and settings.client_language != client_language:
        settings.client_language = client_language
        await uow.commit()
    return effective(settings)


async def choose(uow: UnitOfWork, telegram_id: int, language: str) -> None:
    if language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}")
    settings = await uow.settings.get(telegram_id)
    if settings is None:
        uow.settings.add(UserSettings(telegram_id=telegram_id, language=language))
    else:
        settings.language = language
    await uow.commit()


async def of(uow: UnitOfWork, telegram_id: int) -> str:
    return effective(await uow.settings.get(telegram_id))
