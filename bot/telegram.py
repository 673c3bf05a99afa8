"""The Bot API client: the bot objects, and what wraps every call to Telegram.

`UiCalls` makes pressing a button idempotent in one place: a callback query is answered at
most once (a second answer would be refused as "query is too old"), and an edit that changes
nothing ("message is not modified") is not an error — it is what a second press looks like.

`CommitFirst` commits what the update changed (its dialog state above all) before the bot
shows anything: a question on the screen is always one the database knows is being asked,
even if the process dies right after.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChat,
    GetChatMember,
    GetFile,
    GetMe,
    Response,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from bot.config import MissingTokenError, Settings
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption)
ANSWERED_KEPT = 10_000
"""Answered callback ids remembered; a query cannot be answered after 15 minutes anyway."""


def create_bare_bot(settings: Settings, timeout: float | None = None) -> Bot:
    """A bot on the configured Bot API server, with no request middleware."""
    if settings.bot_token is None:
        raise MissingTokenError
    api = (
        TelegramAPIServer.from_base(settings.bot_api_base_url, is_local=settings.bot_api_local)
        if settings.bot_api_base_url
        else None
    )
    session = AiohttpSession(api=api) if api else AiohttpSession()
    if timeout is not None:
        session.timeout = timeout
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


update_uow: ContextVar[UnitOfWork | None] = ContextVar("update_uow", default=None)
"""The unit of work of the update being handled in this task, if any."""

QUIET = (AnswerCallbackQuery, GetChat, GetChatMember, GetMe, GetFile)
"""Calls that show the person nothing new: no need to commit before them."""


class CommitFirst(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        uow = update_uow.get()
        if uow is not None and not isinstance(method, QUIET):
            await uow.finish()
        return await make_request(bot, method)


class KeepResponseModels(BaseRequestMiddleware):
    """Keeps each parametrised `Response[...]` model alive for the life of the process.

    aiogram builds `Response[<the method's result type>]` for every answer it reads, and
    pydantic caches parametrised generics only weakly: at each garbage collection the models
    go, and the next call builds one again (about 10 ms of CPU each, several times a second
    under load). A strong reference per method type makes every later build a cache hit.
    """

    def __init__(self) -> None:
        self._kept: dict[type[Any], Any] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._kept:
            self._kept[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)


class UiCalls(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._answered: OrderedDict[str, None] = OrderedDict()

    def answered(self, query_id: str) -> bool:
        return query_id in self._answered

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, AnswerCallbackQuery):
            if method.callback_query_id in self._answered:
                log.debug("callback %s already answered", method.callback_query_id)
                return _done()
            self._remember(method.callback_query_id)
            try:
                return await make_request(bot, method)  # type: ignore[arg-type]
            except TelegramBadRequest as error:
                if "query is too old" not in error.message:
                    raise
                log.info("callback %s answered too late: %s", method.callback_query_id, error)
                return _done()
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, EDITS) and "message is not modified" in error.message:
                return _done()
            raise

    def _remember(self, query_id: str) -> None:
        self._answered[query_id] = None
        if len(self._answered) > ANSWERED_KEPT:
            self._answered.popitem(last=False)


_DONE = Response[bool](ok=True, result=True)
"""Made once: a generic pydantic model parametrised per call costs milliseconds."""


def _done() -> Response[TelegramType]:
    return cast(Response[TelegramType], _DONE)
