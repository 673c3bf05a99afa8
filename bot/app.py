"""Building the bot and the dispatcher from settings: the one place where the parts meet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine

import handlers
from bot.config import Settings
from bot.delivery import Sender
from bot.leases import Holder, Leases, owner_name
from bot.metrics import ErrorMetrics, Metrics, UpdateMetrics
from bot.middlewares import (
    AnswerCallbacks,
    ContextMiddleware,
    HandlerNameMiddleware,
    LeaveQuestion,
    LocaleMiddleware,
    UpdateLogMiddleware,
)
from bot.pacing import Limits
from bot.scope import UpdateScope
from bot.staff import StaffDirectory
from bot.telegram import CommitFirst, KeepResponseModels, UiCalls, create_bare_bot
from bot.telegram_retry import RetryMiddleware
from handlers.outgoing import Outgoing
from handlers.people.delivery import AccessDelivery
from handlers.reminders.texts import make_renderer
from handlers.review.delivery import CardDelivery
from handlers.ui.errors import on_error
from handlers.ui.menu import menu_labels
from services.clock import Clock, SystemClock
from services.people import languages, reachability
from services.programmes.schema import Programmes
from storage.db import POOL_OVERFLOW, POOL_SIZE, create_engine, create_session_factory
from storage.fsm import DatabaseStorage
from storage.uow import UnitOfWorkFactory

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "coordbot"
UPDATES_AT_ONCE = POOL_SIZE + POOL_OVERFLOW - 6
"""Updates holding a database session at once: the pool keeps connections for the sender,
the planner, the leases and a blocked person's mark, so no crowd makes anyone wait for one."""


def create_i18n() -> I18n:
    return I18n(path=LOCALES, default_locale=languages.DEFAULT, domain=DOMAIN)


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
    sender: Sender
    """Delivers the outbox: cards, notices, publications and reminders."""
    leases: Leases
    metrics: Metrics

    async def close(self) -> None:
        await self.bot.session.close()
        await self.sender.bot.session.close()
        await self.engine.dispose()


def create_app(
    settings: Settings,
    programmes: Programmes,
    clock: Clock | None = None,
    limits: Limits | None = None,
    holder: Holder = Holder.BOT,
) -> App:
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    uow_factory = UnitOfWorkFactory(session_factory)
    clock = clock or SystemClock()

    async def mark_unreachable(telegram_id: int) -> None:
        async with uow_factory() as uow:
            await reachability.mark_unreachable(uow, telegram_id)

    ui = UiCalls()
    bot = create_bare_bot(settings)
    bot.session.middleware(KeepResponseModels())
    bot.session.middleware(CommitFirst())
    bot.session.middleware(ui)
    bot.session.middleware(RetryMiddleware(on_blocked=mark_unreachable))
    staff = StaffDirectory(
        bot, settings.staff_chat_id, settings.admin_ids, settings.staff_cache_seconds
    )
    i18n = create_i18n()
    owner = owner_name(holder)
    sender_bot = create_bare_bot(settings)  # the sender decides about waits: no retries
    sender_bot.session.middleware(KeepResponseModels())
    sender_bot.session.middleware(UiCalls())
    rules = {
        **CardDelivery(uow_factory, programmes, settings.zone).rules(),
        **AccessDelivery(uow_factory, settings.zone, settings.staff_chat_id).rules(),
    }
    outgoing = Outgoing(i18n, rules, make_renderer(i18n, settings.zone), settings.staff_chat_id)
    metrics = Metrics()
    sender = Sender(sender_bot, uow_factory, outgoing, owner, clock.now, limits, metrics)
    storage = DatabaseStorage(session_factory)
    dispatcher = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation(), i18n=i18n)
    # The dialog state is read inside the update's own database session: that scope takes
    # the place of aiogram's FSM middleware (and keeps its per-person lock).
    dispatcher.update.outer_middleware.unregister(dispatcher.fsm)
    dispatcher.update.outer_middleware(UpdateMetrics(metrics))
    dispatcher.update.outer_middleware(UpdateLogMiddleware())
    dispatcher.update.outer_middleware(
        UpdateScope(
            dispatcher.fsm, engine, uow_factory, storage, UPDATES_AT_ONCE, clock.now, sender.kick
        )
    )
    dispatcher.update.outer_middleware(ContextMiddleware(settings, programmes, clock, staff))
    dispatcher.update.outer_middleware(LocaleMiddleware(i18n))
    dispatcher.message.outer_middleware(LeaveQuestion(menu_labels(i18n)))
    dispatcher.callback_query.outer_middleware(AnswerCallbacks(ui))
    for observer in dispatcher.observers.values():
        observer.middleware(HandlerNameMiddleware())
    dispatcher.errors.outer_middleware(ErrorMetrics(metrics))
    dispatcher.errors.register(on_error)
    dispatcher.include_router(handlers.setup(settings.staff_chat_id))
    leases = Leases(uow_factory, owner, clock.now)
    return App(
        settings,
        engine,
        uow_factory,
        bot,
        dispatcher,
        i18n,
        staff,
        programmes,
        clock,
        sender,
        leases,
        metrics,
    )
