"""Leases a process holds while it works: one planner and one sender at a time.

A lease is a row with an owner and an expiry. The holder renews it every third of its
lifetime (a heartbeat) and gives it back on a clean stop; a holder that stopped renewing (a
crash, `kill -9`) loses it when it expires, well within a minute, and another process takes
over — at once, when the holder was a process of the same machine that is gone. Owners are
named `<who> <host>:<pid>`, so a refusal can say who holds it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import datetime, timedelta
from enum import StrEnum

from aiogram.utils.i18n import gettext as _

from services import outbox
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

TTL = timedelta(seconds=45)


class Holder(StrEnum):
    BOT = "bot"
    COMMAND = "command"


def owner_name(who: Holder) -> str:
    return f"{who.value} {socket.gethostname()}:{os.getpid()}"


def describe(owner: str) -> str:
    """The holder as an operator reads it: the running bot, or another command."""
    who, _space, where = owner.partition(" ")
    if who == Holder.BOT:
        return _("работающий бот ({where})").format(where=where)
    if who == Holder.COMMAND:
        return _("другая команда ({where})").format(where=where)
    return owner


def _gone_from_here(owner: str) -> bool:
    """Whether `owner` names a process of this machine that no longer runs."""
    where = owner.partition(" ")[2]
    host, _, pid = where.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class Leases:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        owner: str,
        clock: Callable[[], datetime],
        ttl: timedelta = TTL,
    ) -> None:
        self._uow = uow_factory
        self.owner = owner
        self._clock = clock
        self.ttl = ttl
        self._lost: dict[str, asyncio.Event] = {}
        """Held leases; each event is set once the lease is lost or given back."""
        self.predecessors: dict[str, str] = {}
        """Leases taken over from a holder known to have stopped: what it left is ours now."""

    def holds(self, name: str) -> bool:
        event = self._lost.get(name)
        return event is not None and not event.is_set()

    def lost(self, name: str) -> asyncio.Event:
        """Set once the lease `name` is no longer held (a drain under it stops then)."""
        event = self._lost.get(name)
        if event is None:
            event = self._lost[name] = asyncio.Event()
            event.set()
        return event

    async def take(self, name: str) -> bool:
        """Take or renew the lease; False when another process holds it.

        A holder on this machine whose process is gone (a `kill -9` just before a restart)
        is taken over at once, not after its lease expires.
        """
        async with self._uow() as uow:
            taken = await outbox.acquire_lease(uow, name, self.owner, self._clock(), self.ttl)
        if not taken:
            holder = await self.holder(name)
            if holder is not None and _gone_from_here(holder):
                log.warning("taking over the %s lease of %s, which has stopped", name, holder)
                async with self._uow() as uow:
                    taken = await outbox.take_over_lease(
                        uow, name, holder, self.owner, self._clock(), self.ttl
                    )
                if taken:
                    self.predecessors[name] = holder
        held = self.holds(name)
        if taken and not held:
            self._lost[name] = asyncio.Event()
            log.info("took the %s lease", name)
        elif not taken and held:
            self._lost[name].set()
            log.error("lost the %s lease", name)
        return taken

    async def holder(self, name: str) -> str | None:
        async with self._uow() as uow:
            return await outbox.lease_holder(uow, name, self._clock())

    async def keep(self, names: Iterable[str], stop: asyncio.Event) -> None:
        """Take the leases as soon as they are free and renew them until `stop`; then give
        them back."""
        wanted = list(names)
        try:
            while not stop.is_set():
                for name in wanted:
                    try:
                        await self.take(name)
                    except Exception:  # the database is away for a moment: try again
                        log.exception("renewing the %s lease failed", name)
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.ttl.total_seconds() / 3)
        finally:
            await self.release(wanted)

    async def release(self, names: Iterable[str]) -> None:
        """Give the leases back, so that a successor need not wait for them to expire."""
        for name in names:
            if name in self._lost:
                self._lost[name].set()
            try:
                async with self._uow() as uow:
                    await outbox.release_lease(uow, name, self.owner)
            except Exception:  # it expires on its own within the TTL
                log.exception("giving the %s lease back failed", name)
