"""Per update: who is writing (the typed context), the menu that always works, callbacks
answered once, and the one-line update log. The update's database scope is `bot.scope`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware

from bot.config import Settings
from bot.staff import StaffDirectory
from bot.telegram import UiCalls
from handlers.context import Ctx
from services.clock import Clock
from services.domain import Role
from services.messages import Destinations
from services.people import community, identity, languages, tutors
from services.people.roles import Roles, roles_of
from services.programmes.schema import Programmes
from storage.models import Person
from storage.uow import UnitOfWork

log = logging.getLogger("coordbot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

ANSWER_WITHIN = 2.0
"""Seconds after which a button press still unanswered gets an empty answer (the spinner
stops); a handler answers first, before slow work, so this is for the unforeseen."""
LEAVING_COMMANDS = frozenset({"/start", "/settings"})
"""Commands of the private chat that leave a pending question to do what they say. The
others deal with it themselves (/cancel, /help, /language), and an unknown one is answered
with the question asked again."""


class UpdateIdentity:
    """Who wrote the update: the person (read with the language, in one statement) and their
    roles, worked out when a handler first asks."""

    def __init__(
        self,
        uow: UnitOfWork,
        user: User | None,
        person: Person | None,
        staff: StaffDirectory,
        programmes: Programmes,
    ) -> None:
        self._uow = uow
        self._user = user
        self._person = person
        self._staff = staff
        self._programmes = programmes
        self._roles: Roles | None = None

    async def person(self) -> Person | None:
        return self._person

    async def roles(self) -> Roles:
        if self._roles is None:
            self._roles = await self._load_roles()
        return self._roles

    async def _load_roles(self) -> Roles:
        uow, user, person = self._uow, self._user, self._person
        is_staff = user is not None and await self._staff.is_staff(user.id)
        is_admin = user is not None and self._staff.is_admin(user.id)
        districts = [d.district for d in person.districts] if person else []
        coordinated = [
            m.school_id
            for m in (person.memberships if person else ())
            if m.role is Role.COORDINATOR
        ]
        appointing = await tutors.appointing(uow, self._programmes, coordinated)
        return roles_of(
            person,
            staff=is_staff,
            admin=is_admin,
            districts=districts,
            district_schools=await uow.people.schools_of_districts(districts) if districts else (),
            appointing=appointing.school_ids,
            mentor_title=appointing.mentor_title,
            regional_tutor=await community.is_member(uow, self._programmes, person),
        )


class ContextMiddleware(BaseMiddleware):
    """Builds the update's typed context (`handlers.context.Ctx`) and its language."""

    def __init__(
        self, settings: Settings, programmes: Programmes, clock: Clock, staff: StaffDirectory
    ) -> None:
        self._settings = settings
        self._programmes = programmes
        self._clock = clock
        self._staff = staff
        self._destinations = Destinations(
            settings.staff_chat_id, settings.public_channel_id, settings.admin_ids
        )

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        uow: UnitOfWork = data["uow"]
        language, person = languages.DEFAULT, None
        if user is not None and not user.is_bot:
            who = await identity.identify(uow, user.id, user.language_code)
            language, person = who.language, who.person
        settings = self._settings
        data["language"] = language
        data["ctx"] = Ctx(
            uow=uow,
            clock=self._clock,
            zone=settings.zone,
            programmes=self._programmes,
            staff_chat_id=settings.staff_chat_id,
            destinations=self._destinations,
            files_local=settings.bot_api_local,
            invite_ttl_days=settings.invite_ttl_days,
            identity=UpdateIdentity(uow, user, person, self._staff, self._programmes),
        )
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return str(data.get("language") or self.i18n.default_locale)


class LeaveQuestion(BaseMiddleware):
    """A menu button or a command is never taken as the answer to a pending question.

    On a message, before the filters: in a private chat with a question pending, the menu's
    buttons (in any language) and the commands that open something else leave it, and the
    update goes on as if none was pending. What was answered so far is kept: drafts are
    saved as they are filled in.
    """

    def __init__(self, labels: frozenset[str]) -> None:
        self._labels = labels

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if (
            isinstance(event, Message)
            and state is not None
            and data.get("raw_state") is not None
            and event.chat.type == "private"
            and self._leaves(event.text)
        ):
            log.info("left the question %s for %r", data["raw_state"], _command_of(event.text))
            await state.clear()
            data["raw_state"] = None
        return await handler(event, data)

    def _leaves(self, text: str | None) -> bool:
        if not text:
            return False
        if text.startswith("/"):
            return _command_of(text) in LEAVING_COMMANDS
        return text in self._labels


def _command_of(text: str | None) -> str:
    """`/start@coord_bot payload` -> `/start`."""
    return (text or "").split(maxsplit=1)[0].split("@", 1)[0].lower() if text else ""


class AnswerCallbacks(BaseMiddleware):
    """Every button press is answered exactly once: by its handler, else here.

    Runs around the callback handlers: if a handler has not answered within
    `ANSWER_WITHIN` seconds, an empty answer stops the client's spinner; after the handler,
    an unanswered press gets an empty answer (after a failure, the error handler's). `UiCalls`
    drops second answers, so a handler's late answer is harmless.
    """

    def __init__(self, calls: UiCalls, within: float = ANSWER_WITHIN) -> None:
        self._calls = calls
        self._within = within
        self._late: set[asyncio.Task[None]] = set()
        """Answers the watchdog started: held until done (the loop keeps only weak ones)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        watchdog = asyncio.get_running_loop().call_later(self._within, self._answer_late, event)
        try:
            result = await handler(event, data)
        finally:
            watchdog.cancel()  # on a failure the error handler answers, saying so
        await self._answer(event)
        return result

    def _answer_late(self, query: CallbackQuery) -> None:
        task = asyncio.ensure_future(self._answer(query))
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    async def _answer(self, query: CallbackQuery) -> None:
        if self._calls.answered(query.id):
            return
        try:
            await query.answer()
        except Exception:  # an answer is a courtesy: a failure must not fail the update
            log.warning("could not answer callback %s", query.id, exc_info=True)


class UpdateLogMiddleware(BaseMiddleware):
    """One INFO line per update: type, user id, handler. No personal data beyond ids."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace: dict[str, str] = {"handler": "unhandled"}
        data["trace"] = trace
        user: User | None = data.get("event_from_user")
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        update_id = event.update_id if isinstance(event, Update) else "-"
        try:
            return await handler(event, data)
        except Exception:
            trace["handler"] += " (failed)"
            raise
        finally:
            log.info(
                "update=%s type=%s user=%s handler=%s",
                update_id,
                kind,
                user.id if user else "-",
                trace["handler"],
            )


class HandlerNameMiddleware(BaseMiddleware):
    """Inner middleware: notes which handler took the update, for the update log."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        handler_object: HandlerObject | None = data.get("handler")
        trace: dict[str, str] | None = data.get("trace")
        if handler_object is not None and trace is not None:
            callback = handler_object.callback
            trace["handler"] = f"{callback.__module__}.{callback.__qualname__}"
        return await handler(event, data)
