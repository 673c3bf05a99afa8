"""Filters checked on the event loop, not in a thread.

aiogram calls every filter that is not a coroutine through `asyncio.to_thread`, and magic
filters (`F.text`, `F.chat.type == "private"`) and states used as filters
(`FormDialog.answer`) are such: each update went to the thread pool and back some thirty
times while the routers were tried in turn, which cost more CPU than the rest of the update.
Each of them is a few attribute reads, so the router tree's synchronous filters are made
awaitable once, when it is built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject


def on_the_loop(root: Router) -> Router:
    """Make the synchronous filters of `root` and of every router below it awaitable."""
    for router in _routers(root):
        for observer in router.observers.values():
            own: list[FilterObject] = observer._handler.filters or []
            for item in [*own, *_handler_filters(observer)]:
                if not item.awaitable:
                    item.callback = _awaitable(item.callback)
                    item.awaitable = True
    return root


def _routers(root: Router) -> Iterator[Router]:
    yield root
    for child in root.sub_routers:
        yield from _routers(child)


def _handler_filters(observer: Any) -> Iterator[FilterObject]:
    for handler in observer.handlers:
        yield from handler.filters or ()


def _awaitable(resolve: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def check(*args: Any, **kwargs: Any) -> Any:
        return resolve(*args, **kwargs)

    return check
