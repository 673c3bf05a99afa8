"""A Bot API server (aiohttp) that emulates Telegram for the bot: tests and the demo.

It speaks the real wire format (``/bot{token}/{method}``, ``{"ok": ...}`` envelopes, HTTP
status = error_code), validates requests with Telegram's error descriptions, enforces flood
limits and keeps a :class:`World` that tests drive with update builders and inspect
afterwards. The methods live by concern in :mod:`.sending`, :mod:`.editing`, :mod:`.chats`
and :mod:`.updates`; what goes wrong on purpose in :mod:`.trouble`.
"""

import time
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from . import chats, editing, sending
from .core import Core
from .faults import FaultPlan
from .inspection import Inspection
from .limits import GLOBAL_SCOPE, RateLimiter, RateLimits
from .protocol import (
    MB,
    SEND_METHODS,
    TOKEN_RE,
    UPLOAD_LIMIT,
    ApiError,
    Call,
    Handler,
    InjectedError,
    NoAnswerError,
    Params,
    drop_connection,
    error_response,
    read_params,
)
from .trouble import Trouble
from .updates import Updates
from .webhook import Webhook
from .world import Chat, SentMessage, User, World

CallListener = Callable[[Call, int | None], None]
"""Told of every logged call with the chat it was about (the demo's page shows them live)."""


class FakeTelegram(Inspection):
    """The emulated Bot API server plus the test-facing world API.

    Use ``base_url`` with ``TelegramAPIServer.from_base`` and ``token`` for the bot.
    ``clock`` drives rate limits and the call log; message dates come from ``wall_clock``
    (the wall time unless a demo moves its own).
    """

    def __init__(
        self,
        token: str = "123456789:TEST-token",
        *,
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if not TOKEN_RE.fullmatch(token):
            raise ValueError(f"token {token!r} does not look like a Telegram bot token")
        self.token = token
        self.bot_user = User(
            int(token.split(":")[0]), "Coordbot", username="coord_test_bot", is_bot=True
        )
        self.world = World(self.bot_user)
        self.limits = limits or RateLimits()
        self.clock = clock
        self.calls: list[Call] = []
        self.call_listeners: list[CallListener] = []
        self.base_url = ""
        self._core = Core(self.world, RateLimiter(self.limits, clock), wall_clock)
        self._updates = Updates(self._core, self._check_network)
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for table in (sending.METHODS, editing.METHODS, chats.METHODS):
            for name, method in table.items():
                self._handlers[name.lower()] = (name, _bound(method, self._core))
        self.webhook = Webhook()
        self._handlers["getupdates"] = ("getUpdates", self._get_updates)
        self._handlers["setwebhook"] = ("setWebhook", self.webhook.set_webhook)
        self._handlers["deletewebhook"] = ("deleteWebhook", self.webhook.delete_webhook)
        self._handlers["getwebhookinfo"] = ("getWebhookInfo", self.webhook.get_webhook_info)
        self._trouble = Trouble(clock, frozenset(self._handlers))
        self.retry_after_violations = self._trouble.retry_after_violations
        self.faults_injected = self._trouble.faults_injected
        """Faults from inject_faults and outages by kind (fail_next ones are not counted)."""
        self._runner: web.AppRunner | None = None

    @property
    def on_bot_message(self) -> Callable[[SentMessage], None] | None:
        """Called with each new message of the bot (a benchmark waits on it, not polling)."""
        return self._core.on_bot_message

    @on_bot_message.setter
    def on_bot_message(self, callback: Callable[[SentMessage], None] | None) -> None:
        self._core.on_bot_message = callback

    @property
    def core(self) -> Core:
        """The methods' shared state and checks (for the demo's page: message objects, time)."""
        return self._core

    # ------------------------------------------------------------------ lifecycle

    async def start(
        self, port: int = 0, *, extend: Callable[[web.Application], None] | None = None
    ) -> str:
        """Serve on 127.0.0.1 (a free port unless given) and return the base URL.

        ``extend`` adds routes of its own (the demo's page) before the server starts.
        """
        app = web.Application(client_max_size=UPLOAD_LIMIT + MB)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        if extend is not None:
            extend(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        host, bound = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{bound}"
        return self.base_url

    async def stop(self) -> None:
        self._updates.closing = True
        self._trouble.stopping.set()
        self._updates.wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` if given) fail.

        The failed call has no side effects. For 429 ``retry_after`` defaults to 5.
        """
        self._trouble.fail_next(method, status, description, retry_after, times, chat_id)

    def delay_next(self, method: str, seconds: float) -> None:
        """Delay the next call of ``method`` before it is processed (it still takes effect)."""
        self._trouble.delay_next(method, seconds)

    def inject_faults(self, plan: FaultPlan | None) -> None:
        """From now on make a random share of calls fail as ``plan`` says; None stops it.

        Every injected fault is decided before the method runs, so the failed call has no
        side effect: nothing is sent, edited or answered. That is what makes "exactly once"
        checkable: a message the bot retried until it got through appears once, one it gave
        up on not at all. (Real Telegram may act on a request whose answer is then lost; the
        fake never does.) Each ``inject_faults(plan)`` restarts ``random.Random(plan.seed)``;
        :mod:`.faults` says what aiogram raises for each kind.
        """
        self._trouble.inject_faults(plan)

    def network_down(self) -> None:
        """Lose the network until :meth:`network_up`.

        Every request, a pending getUpdates included, has its connection dropped
        (``disconnect``) and no effect.
        """
        self._trouble.network_down()
        self._updates.wake()  # the pending getUpdates notices and drops too

    def network_up(self) -> None:
        self._trouble.network_up()

    def outage(self, seconds: float) -> None:
        """:meth:`network_down` for ``seconds`` of ``clock`` (a manual clock: until advanced)."""
        self._trouble.network_down(seconds)
        self._updates.wake()

    @property
    def network_is_down(self) -> bool:
        return self._trouble.network_is_down

    def _check_network(self) -> None:
        self._trouble.check_network()

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        self.webhook.refuse_polling()
        return await self._updates.get_updates(params)

    async def deliver(
        self, update: dict[str, Any], secret: str | None = None, url: str | None = None
    ) -> int:
        """POST `update` to the bot's webhook as Telegram does; the HTTP status it answered.

        `secret` replaces the webhook's own (a forged request); "" sends no secret at all;
        `url` picks one instance of several (see :meth:`.Webhook.deliver`).
        """
        return await self.webhook.deliver(update, secret, url)

    # ------------------------------------------------------------ update builders

    def message_update(self, user: User, text: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """A user's message as an Update; it is recorded in the chat but not enqueued.

        Keywords: ``chat``, ``document``, ``photo``, ``sticker``, ``caption``, ``reply_to``,
        ``media_group_id``, ``message_thread_id`` (see :meth:`.Updates.message_update`).
        """
        return self._updates.message_update(user, text, **kwargs)

    def callback_update(
        self, user: User, message: SentMessage, data: str, *, check_button: bool = True
    ) -> dict[str, Any]:
        """A button press as an Update; registers a fresh callback query id.

        With ``check_button`` the message must currently carry a button with ``data``.
        """
        return self._updates.callback_update(user, message, data, check_button=check_button)

    def press(self, user: User, message: SentMessage, button_text: str) -> dict[str, Any]:
        """``callback_update`` for the inline button whose text contains ``button_text``."""
        button = message.button(button_text)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} has no callback_data")
        return self.callback_update(user, message, button.callback_data)

    def my_chat_member_update(
        self, chat: Chat, actor: User, old_status: str, new_status: str
    ) -> dict[str, Any]:
        """The bot's membership changed (blocked/unblocked in private, added/removed in groups)."""
        return self._updates.my_chat_member_update(chat, actor, old_status, new_status)

    def enqueue(self, *updates: dict[str, Any]) -> None:
        """Make updates available to getUpdates."""
        self._updates.enqueue(*updates)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates.queue)

    # ---------------------------------------------------------------- inspection

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def refused_calls(self) -> list[Call]:
        """Calls refused because the request was wrong, i.e. bugs in the bot.

        Non-injected 400 (bad HTML, too long, bad callback data, query too old ...) and 413
        (upload too large). A run with random faults should have none. "Message is not
        modified" is not among them: it is what a second tap on a button that edits its own
        message gets, and a bot cannot know that the message already shows the new state.
        """
        return [c for c in self.calls if c.refused]

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(ApiError(401, "Unauthorized"))
        entry = self._handlers.get(request.match_info["method"].lower())
        if entry is None:
            return error_response(ApiError(404, "Not Found"))
        method, handler = entry
        params = await read_params(request)
        await self._trouble.delay(method)
        at = self.clock()
        chat_id = self._core.chat_id_of(params)
        trouble = self._trouble
        try:
            trouble.check_network()
            if method in SEND_METHODS:
                trouble.check_violation(method, chat_id, at)
            trouble.planned_failure(method, chat_id)
            trouble.random_fault(method)
            result = await handler(params)
        except NoAnswerError as no_answer:
            fault = no_answer.fault
            self._log(
                Call(method, params.snapshot(), fault.status, at, fault.description, True), chat_id
            )
            return await trouble.no_answer(request, fault)
        except ApiError as error:
            if error.retry_after is not None:
                scope = error.scope or (GLOBAL_SCOPE if chat_id is None else chat_id)
                trouble.retry_until[scope] = at + error.retry_after
            injected = isinstance(error, InjectedError)
            call = Call(method, params.snapshot(), error.status, at, error.description, injected)
            self._log(call, chat_id)
            return error_response(error)
        self._log(Call(method, params.snapshot(), 200, at), chat_id)
        return web.json_response({"ok": True, "result": result})

    def _log(self, call: Call, chat_id: int | None) -> None:
        self.calls.append(call)
        for listener in self.call_listeners:
            listener(call, chat_id)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if self.network_is_down:
            self.faults_injected["disconnect"] += 1
            return drop_connection(request)
        stored = self.world.file_by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.content, content_type=stored.mime_type)


def _bound(method: Callable[[Core, Params], Any], core: Core) -> Handler:
    async def handle(params: Params) -> Any:
        return await method(core, params)

    return handle
