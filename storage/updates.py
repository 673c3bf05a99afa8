"""Updates across instances: each handled once, and one person's in the order they came.

Several webhook instances share one PostgreSQL database. Telegram delivers an update again
when its answer was slow, and a load balancer may hand a person's next message to another
instance while the first is still being handled. So:

- an update is recorded by `update_id` before it is handled (`received` by the webhook
  before it answers, or `take` when handling starts): a second copy finds the row and is
  dropped;
- on PostgreSQL an update then waits while an earlier update of the same person is not yet
  handled (`wait_for_earlier`), and holds an advisory lock on its own connection while it
  is handled (`person_lock`); the update's session uses that connection, so the lock outlives the
  commits the update makes before each message it shows.

On SQLite there is one process: the dispatcher's in-process lock keeps the order, and the
update_ids are remembered in memory (`RecentUpdates`), with no write per update.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.models import SeenUpdate

KEEP_SEEN = timedelta(days=2)
"""Telegram keeps an undelivered update for 24 hours; a day more is for clocks and doubt."""
WAIT_FOR_EARLIER = 10.0
"""Seconds an update waits for an earlier one of the same person; after that the earlier
one is taken to be lost with its instance (a crash), and the later goes ahead."""
LOOK_AGAIN = 0.02
KEEP_RECENT = 10_000
"""update_ids remembered in memory: far more than arrive while Telegram may redeliver."""


def _insert(connection: AsyncConnection) -> Any:
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    return module.insert(SeenUpdate)


async def received(
    connection: AsyncConnection, update_id: int, person: int | None, now: datetime
) -> bool:
    """The webhook got `update_id`: record it, waiting its turn; False for a copy."""
    statement = (
        _insert(connection)
        .values(update_id=update_id, person=person, seen_at=now, started=False, handled=False)
        .on_conflict_do_nothing(index_elements=[SeenUpdate.update_id])
        .returning(SeenUpdate.update_id)
    )
    fresh = (await connection.execute(statement)).first() is not None
    await connection.commit()
    return fresh


async def take(
    connection: AsyncConnection, update_id: int, person: int | None, now: datetime
) -> bool:
    """Start handling `update_id`: False when it was started before (a copy of it).

    Committed at once, before the update is handled: an instance that gets the same update
    meanwhile waits a moment for this row, then drops its copy. Recording it first loses
    nothing Telegram would resend: it was already answered (aiogram answers a webhook at
    once and handles the update after), and polling moved past it too.
    """
    insert = _insert(connection).values(
        update_id=update_id, person=person, seen_at=now, started=True, handled=False
    )
    statement = insert.on_conflict_do_update(
        index_elements=[SeenUpdate.update_id],
        set_={"started": True},
        where=SeenUpdate.started.is_(False),
    ).returning(SeenUpdate.update_id)
    taken = (await connection.execute(statement)).first() is not None
    await connection.commit()
    return taken


async def wait_for_earlier(connection: AsyncConnection, update_id: int, person: int) -> None:
    """Wait (at most WAIT_FOR_EARLIER s) while an earlier update of `person` is unhandled."""
    earlier = select(
        exists().where(
            SeenUpdate.person == person,
            SeenUpdate.update_id < update_id,
            SeenUpdate.handled.is_(False),
        )
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_FOR_EARLIER
    while await connection.scalar(earlier):
        await connection.rollback()
        if loop.time() >= deadline:
            # Lost with its instance: marked done, so that the person's next updates do not
            # wait for it too (it would otherwise hold them back until it is forgotten).
            await connection.execute(
                update(SeenUpdate)
                .where(
                    SeenUpdate.person == person,
                    SeenUpdate.update_id < update_id,
                    SeenUpdate.handled.is_(False),
                )
                .values(handled=True)
            )
            await connection.commit()
            return
        await asyncio.sleep(LOOK_AGAIN)
    await connection.rollback()


async def handled(connection: AsyncConnection, update_id: int) -> None:
    """The update is done with (handled, or failed): the person's next may go."""
    await connection.rollback()
    await connection.execute(
        update(SeenUpdate).where(SeenUpdate.update_id == update_id).values(handled=True)
    )
    await connection.commit()


async def forget_seen(connection: AsyncConnection, now: datetime) -> int:
    """Drop records older than Telegram redelivers; returns how many went."""
    result = await connection.execute(
        delete(SeenUpdate).where(SeenUpdate.seen_at < now - KEEP_SEEN)
    )
    await connection.commit()
    return result.rowcount


def shared(engine: AsyncEngine) -> bool:
    """PostgreSQL may be shared by instances; SQLite serves one process, which orders by
    itself and remembers its updates in memory (a write per update would cost SQLite's one
    writer more than the whole update)."""
    return engine.dialect.name == "postgresql"


class RecentUpdates:
    """The update_ids one process took on lately (SQLite's whole story: one process)."""

    def __init__(self, keep: int = KEEP_RECENT) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._keep = keep

    def first_time(self, update_id: int) -> bool:
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._keep:
            self._ids.popitem(last=False)
        return True


@asynccontextmanager
async def person_lock(connection: AsyncConnection, person: int | None) -> AsyncIterator[None]:
    """On PostgreSQL, `person`'s advisory lock on `connection` until the end of the block.

    A session-level lock, keyed by the person: it waits while another instance handles that
    person's update, and goes with the connection if the process dies.
    """
    if person is None or connection.dialect.name != "postgresql":
        yield
        return
    key = func.hashtextextended(f"coordbot person {person}", 0)
    await connection.execute(select(func.pg_advisory_lock(key)))
    await connection.commit()
    try:
        yield
    finally:
        if not connection.invalidated:
            try:
                await connection.rollback()
                await connection.execute(select(func.pg_advisory_unlock(key)))
                await connection.commit()
            except BaseException:
                # Back in the pool still holding the lock, the connection would block the
                # person's updates for good: closed instead, which releases it.
                await connection.invalidate()
                raise
