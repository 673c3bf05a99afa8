"""What a handler may use while it handles one update: the typed per-update context.

The dispatcher's middleware builds one `Ctx` per update (`bot/middlewares.py`); handlers take
it as `ctx: Ctx`, and the dialog helpers pass it along. Who is writing (the person and their
roles) is loaded on first use, once, so an update that does not ask costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from aiogram.filters import Filter

from services.clock import Clock
from services.messages import Destinations
from services.people.roles import Roles
from services.programmes.schema import Programmes
from storage.models import Person
from storage.uow import UnitOfWork


class UnknownPersonError(Exception):
    """The update needs a registered person, and whoever wrote it is not one (any more)."""


class Identity(Protocol):
    """Who wrote the update, loaded when first asked."""

    async def person(self) -> Person | None: ...

    async def roles(self) -> Roles: ...


class Staff(Filter):
    """Only the institute's staff (members of the staff group and administrators)."""

    async def __call__(self, event: Any, ctx: Ctx) -> bool:
        return (await ctx.roles()).staff


class Admin(Filter):
    """Only the bot's administrators (ADMIN_IDS)."""

    async def __call__(self, event: Any, ctx: Ctx) -> bool:
        return (await ctx.roles()).admin


@dataclass(frozen=True)
class Ctx:
    uow: UnitOfWork
    """The update's unit of work: one database session, the only place that commits."""
    clock: Clock
    zone: ZoneInfo
    programmes: Programmes
    staff_chat_id: int | None
    destinations: Destinations
    files_local: bool
    """The Bot API server runs with --local: files up to 2000 MB instead of 20 MB."""
    invite_ttl_days: int
    identity: Identity

    async def person(self) -> Person | None:
        return await self.identity.person()

    async def member(self) -> Person:
        """The person, where only a registered one can have got this far (a draft of theirs)."""
        person = await self.identity.person()
        if person is None:
            raise UnknownPersonError
        return person

    async def roles(self) -> Roles:
        return await self.identity.roles()
