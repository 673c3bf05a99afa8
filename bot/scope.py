"""The update's scope: one database session per update, and on PostgreSQL the update's
place among the instances (recorded once, after the person's earlier ones, under their lock)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.telegram import update_uow
from handlers.ui.dialogs import expired
from storage import updates
from storage.fsm import DatabaseStorage
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("coordbot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateScope(BaseMiddleware):
    """One database session per update, shared by the handler and the dialog state.

    An update delivered again is dropped: on SQLite (one process) remembered here, on
    PostgreSQL recorded in the database (`storage.updates.take`), where it also waits for the
    person's earlier updates and its connection holds the person's lock across instances
    (`updates.person_lock`).
    It is opened after the person's in-process lock (their updates are handled one at a time,
    and the ones waiting for it hold no connection) and at most `limit` at once, below the
    pool's size, so no crowd can exhaust the pool: the rest wait their turn here. (On
    PostgreSQL the wait for an earlier update handled by another instance happens inside a
    slot, on its connection, for at most `updates.WAIT_FOR_EARLIER` seconds.) The dialog state is read
    once and written with the update's commit; a question left past its `expires_at` is
    closed before the update is handled.
    """

    def __init__(
        self,
        fsm: FSMContextMiddleware,
        engine: AsyncEngine,
        uow_factory: UnitOfWorkFactory,
        storage: DatabaseStorage,
        limit: int,
        clock: Callable[[], datetime],
        kick: asyncio.Event,
    ) -> None:
        self._fsm = fsm
        self._engine = engine
        self._shared = updates.shared(engine)
        self._recent = updates.RecentUpdates()
        self._uow_factory = uow_factory
        self._storage = storage
        self._slots = asyncio.Semaphore(limit)
        self._clock = clock
        self._kick = kick

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        context = self._fsm.resolve_event_context(bot, data)
        data["fsm_storage"] = self._fsm.storage
        lock: AbstractAsyncContextManager[None] = (
            self._fsm.events_isolation.lock(key=context.key) if context else nullcontext()
        )
        user: User | None = data.get("event_from_user")
        person = user.id if user is not None else None
        update_id = event.update_id if isinstance(event, Update) else None
        if update_id is not None and not self._shared and not self._recent.first_time(update_id):
            log.info("update %s came again: it was taken on before", update_id)
            return UNHANDLED
        async with lock, self._slots, self._engine.connect() as connection:
            shared = update_id if self._shared else None  # recorded in the database
            if shared is not None and not await updates.take(
                connection, shared, person, self._clock()
            ):
                log.info("update %s came again: another instance took it on", shared)
                return UNHANDLED
            try:
                if shared is not None and person is not None:
                    await updates.wait_for_earlier(connection, shared, person)
                async with updates.person_lock(connection, person):
                    result, uow = await self._handle(handler, event, data, context, connection)
            finally:
                if shared is not None:
                    await self._mark_handled(connection, shared)
        if uow.outbox_written:
            self._kick.set()
        return result

    @staticmethod
    async def _mark_handled(connection: AsyncConnection, update_id: int) -> None:
        """Best effort: a failure here must not hide the handler's own error; a mark that
        did not land costs the person's next update one wait (`updates.wait_for_earlier`)."""
        try:
            await updates.handled(connection, update_id)
        except Exception:
            log.exception("update %s: could not mark it handled", update_id)

    async def _handle(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
        context: FSMContext | None,
        connection: AsyncConnection,
    ) -> tuple[Any, UnitOfWork]:
        async with self._uow_factory(connection) as uow, self._storage.bound(uow):
            data["uow"] = uow
            if context is not None:
                data["state"] = context
                data["raw_state"] = await self._current_state(context)
            token = update_uow.set(uow)
            try:
                result = await handler(event, data)
            finally:
                update_uow.reset(token)
            await uow.finish()
        return result, uow

    async def _current_state(self, context: FSMContext) -> str | None:
        state = await context.get_state()
        if state is not None and expired(await context.get_data(), self._clock()):
            log.info("a question left unanswered expired: %s", state)
            await context.clear()
            return None
        return state
