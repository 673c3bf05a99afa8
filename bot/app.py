"""Building the bot and the dispatcher from settings: the one place where the parts meet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine

import handlers
from bot.config import MissingTokenError, Settings
from bot.middlewares import (
    ContextMiddleware,
    HandlerNameMiddleware,
    LocaleMiddleware,
    UpdateLogMiddleware,
)
from bot.staff import StaffDirectory
from bot.telegram_retry import RetryMiddleware
from handlers.errors import on_error
from services import languages, people
from services.clock import Clock, SystemClock
from services.programmes import Programmes
from storage.db import create_engine, create_session_factory
from storage.fsm import DatabaseStorage
from storage.uow import UnitOfWorkFactory

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "coordbot"


def create_i18n() -> I18n:
    return I18n(path=LOCALES, default_locale=languages.DEFAULT, domain=DOMAIN)


def create_bot(settings: Settings, retry: RetryMiddleware) -> Bot:
    bot = create_bare_bot(settings)
    bot.session.middleware(retry)
    return bot


def create_bare_bot(settings: Settings) -> Bot:
    """A bot on the configured Bot API server, with no request middleware."""
    if settings.bot_token is None:
        raise MissingTokenError
    api = (
        TelegramAPIServer.from_base(settings.bot_api_base_url, is_local=settings.bot_api_local)
        if settings.bot_api_base_url
        else None
    )
    session = AiohttpSession(api=api) if api else AiohttpSession()
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    uow_factory: UnitOfWorkFactory
    bot: Bot
    dispatcher: Dispatcher
    i18n: I18n
    staff: StaffDirectory
    programmes: Programmes
    clock: Clock

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()


def create_app(settings: Settings, programmes: Programmes, clock: Clock | None = None) -> App:
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    uow_factory = UnitOfWorkFactory(session_factory)

    async def mark_unreachable(telegram_id: int) -> None:
        async with uow_factory() as uow:
            await people.mark_unreachable(uow, telegram_id)

    bot = create_bot(settings, RetryMiddleware(on_blocked=mark_unreachable))
    staff = StaffDirectory(
        bot, settings.staff_chat_id, settings.admin_ids, settings.staff_cache_seconds
    )
    i18n = create_i18n()
    clock = clock or SystemClock()
    dispatcher = Dispatcher(
        storage=DatabaseStorage(session_factory),
        events_isolation=SimpleEventIsolation(),
        settings=settings,
        programmes=programmes,
        clock=clock,
        staff=staff,
        staff_chat_id=settings.staff_chat_id,
        invite_ttl_days=settings.invite_ttl_days,
        zone=settings.zone,
        uow_factory=uow_factory,
    )
    dispatcher.update.outer_middleware(UpdateLogMiddleware())
    dispatcher.update.outer_middleware(ContextMiddleware(uow_factory, staff))
    dispatcher.update.outer_middleware(LocaleMiddleware(i18n))
    for observer in dispatcher.observers.values():
        observer.middleware(HandlerNameMiddleware())
    dispatcher.errors.register(on_error)
    dispatcher.include_router(handlers.setup(settings.staff_chat_id))
    return App(settings, engine, uow_factory, bot, dispatcher, i18n, staff, programmes, clock)
