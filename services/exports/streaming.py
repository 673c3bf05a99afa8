"""Building a file in a worker thread while its rows still arrive from the database.

The event loop reads partitions of rows (a few milliseconds each) and hands them over a
bounded queue; the thread turns them into the file. So the loop answers other people's
buttons meanwhile, the two overlap in time, and only a few partitions are ever in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

DEPTH = 8
"""Partitions waiting for the thread at most."""
_END = object()
_POLL = 0.005


class _Pipe:
    def __init__(self) -> None:
        self.queue: queue.Queue[object] = queue.Queue(maxsize=DEPTH)
        self.aborted = threading.Event()

    def rows(self) -> Iterator[Any]:
        """In the thread: every row, until the producer ends (or gives up)."""
        while True:
            try:
                item = self.queue.get(timeout=0.1)
            except queue.Empty:
                if self.aborted.is_set():
                    raise AbortedError from None
                continue
            if item is _END:
                return
            yield from item  # type: ignore[misc]

    async def put(self, item: object, worker: asyncio.Future[Any]) -> bool:
        """Hand `item` over; False if the thread has stopped (its error tells why)."""
        while not worker.done():
            try:
                self.queue.put_nowait(item)
                return True
            except queue.Full:
                await asyncio.sleep(_POLL)
        return False


class AbortedError(Exception):
    """The rows stopped coming (the reading failed or was cancelled)."""


async def build_streamed(
    parts: AsyncGenerator[Sequence[Any], None], build: Callable[[Iterator[Any]], T]
) -> T:
    """`build(rows)` in a worker thread, with `rows` fed from `parts` as they are read."""
    pipe = _Pipe()
    worker: asyncio.Future[T] = asyncio.ensure_future(asyncio.to_thread(build, pipe.rows()))
    try:
        async with contextlib.aclosing(parts):
            async for part in parts:
                if not await pipe.put(part, worker):
                    break
            else:
                await pipe.put(_END, worker)
    except BaseException:
        pipe.aborted.set()
        worker.add_done_callback(_forget)
        raise
    return await worker


def _forget(worker: asyncio.Future[Any]) -> None:
    if not worker.cancelled():
        worker.exception()  # retrieved: the reading's own error is the one that matters


async def in_thread(build: Callable[..., T], *args: Any) -> T:
    """A file built off the event loop."""
    return await asyncio.to_thread(build, *args)
