"""Per-update injection (unit of work, person, roles, language) and the one-line update log."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware

from bot.staff import StaffDirectory
from services import languages, tutors
from services.roles import roles_of
from storage.models import Role
from storage.uow import UnitOfWorkFactory

log = logging.getLogger("coordbot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ContextMiddleware(BaseMiddleware):
    """Opens a unit of work for the update and tells handlers who is writing."""

    def __init__(self, uow_factory: UnitOfWorkFactory, staff: StaffDirectory) -> None:
        self._uow_factory = uow_factory
        self._staff = staff

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        async with self._uow_factory() as uow:
            data["uow"] = uow
            person = None
            language = languages.DEFAULT
            if user is not None and not user.is_bot:
                language = await languages.observe(uow, user.id, user.language_code)
                person = await uow.people.by_telegram_id(user.id)
                if person is not None and person.unreachable:
                    person.unreachable = False  # they wrote to us: reachable again
                    await uow.commit()
            is_staff = user is not None and await self._staff.is_staff(user.id)
            is_admin = user is not None and self._staff.is_admin(user.id)
            districts = await uow.people.districts_of(person.id) if person else ()
            coordinated = [
                m.school_id
                for m in (person.memberships if person else ())
                if m.role is Role.COORDINATOR
            ]
            programmes = data.get("programmes")
            appointing = (
                await tutors.appointing(uow, programmes, coordinated)
                if coordinated and programmes is not None
                else tutors.Appointing()
            )
            data["person"] = person
            data["roles"] = roles_of(
                person,
                staff=is_staff,
                admin=is_admin,
                districts=districts,
                district_schools=await uow.people.schools_of_districts(districts)
                if districts
                else (),
                appointing=appointing.school_ids,
                mentor_title=appointing.mentor_title,
            )
            data["language"] = language
            data["deps"] = data  # for code that asks a dialog's question again on its own
            return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return str(data.get("language") or self.i18n.default_locale)


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
