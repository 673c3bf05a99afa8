"""Retries around every Bot API call: 429 waits retry_after; 5xx, timeouts, a dropped
connection and an answer that cannot be read back off.

A 403 from a private chat means the person blocked the bot: it is reported once to
`on_blocked` (which marks them unreachable) and not retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[Any]]


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        on_blocked: Callable[[int], Awaitable[None]] | None = None,
        attempts: int = 5,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._on_blocked = on_blocked
        self._attempts = attempts
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = type(method).__name__
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self._attempts or error.retry_after > self._max_retry_after:
                    raise
                log.warning("%s: 429, waiting %s s (attempt %d)", name, error.retry_after, attempt)
                await self._sleep(error.retry_after)
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as error:
                if attempt == self._attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning("%s: %s, retrying in %.1f s", name, type(error).__name__, delay)
                await self._sleep(delay)
            except TelegramForbiddenError:
                chat_id = getattr(method, "chat_id", None)
                if isinstance(chat_id, int) and chat_id > 0 and self._on_blocked is not None:
                    log.info("%s: user %s blocked the bot", name, chat_id)
                    await self._on_blocked(chat_id)
                raise
        raise AssertionError("unreachable: the loop returns or raises")
