"""A fake Telegram Bot API server (aiohttp) for end-to-end tests of the bot.

It speaks the real wire format (``/bot{token}/{method}``, ``{"ok": ...}``
envelopes, HTTP status = error_code), validates requests with Telegram's error
descriptions, enforces flood limits and keeps a :class:`World` that tests drive
with update builders and inspect afterwards.
"""

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Self

from aiohttp import BodyPartReader, web

from .faults import FaultDice, FaultKind, FaultPlan, RandomFault
from .html_check import CAPTION_LIMIT, TEXT_LIMIT, ParsedText, ParseError, parse_html, utf16_len
from .limits import GLOBAL_SCOPE, RateLimiter, RateLimits
from .world import (
    ADMIN_STATUSES,
    CallbackQuery,
    Chat,
    ForumTopic,
    SentMessage,
    StoredFile,
    User,
    World,
)

TOKEN_RE = re.compile(r"\d+:[\w-]+")
MB = 1024 * 1024
DOWNLOAD_LIMIT = 20 * MB
UPLOAD_LIMIT = 50 * MB
ANSWER_TEXT_LIMIT = 200
CALLBACK_DATA_LIMIT = 64
INLINE_KEYBOARD_BUTTON_LIMIT = 100

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "media",
        "allowed_updates",
        "reaction",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
    }
)
SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage"}
)
INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Updates delivered when getUpdates never set allowed_updates (or set it to []).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "chat_join_request",
    }
)
REACTION_EMOJI = frozenset(
    [
        "❤",
        "👍",
        "👎",
        "🔥",
        "🥰",
        "👏",
        "😁",
        "🤔",
        "🤯",
        "😱",
        "🤬",
        "😢",
        "🎉",
        "🤩",
        "🤮",
        "💩",
        "🙏",
        "👌",
        "🕊",
        "🤡",
        "🥱",
        "🥴",
        "😍",
        "🐳",
        "❤\u200d🔥",
        "🌚",
        "🌭",
        "💯",
        "🤣",
        "⚡",
        "🍌",
        "🏆",
        "💔",
        "🤨",
        "😐",
        "🍓",
        "🍾",
        "💋",
        "🖕",
        "😈",
        "😴",
        "😭",
        "🤓",
        "👻",
        "👨\u200d💻",
        "👀",
        "🎃",
        "🙈",
        "😇",
        "😨",
        "🤝",
        "✍",
        "🤗",
        "🫡",
        "🎅",
        "🎄",
        "☃",
        "💅",
        "🤪",
        "🗿",
        "🆒",
        "💘",
        "🙉",
        "🦄",
        "😘",
        "💊",
        "🙊",
        "😎",
        "👾",
        "🤷\u200d♂",
        "🤷",
        "🤷\u200d♀",
        "😡",
    ]
)
CAPTION_KEYS = ("caption", "parse_mode", "caption_entities")
COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@\w+)?")
BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
DEFAULT_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
NETWORK_DOWN = "disconnect: the network is down"
# Statuses of logged calls that say the request itself was wrong. Not 403 (blocked by the
# user, not in the chat: a fact of the world), 409 (overlapping getUpdates) or 429 (flood
# control, which retry_after_violations judges); 401 and 404 are answered before logging.
REFUSAL_STATUSES = frozenset({400, 413})


class ApiError(Exception):
    """A Bot API error response; raised by handlers, turned into JSON by the dispatcher."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        scope: str | int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.scope = scope
        """Which flood-limit scope ("global" or a chat id) ``retry_after`` applies to."""


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _InjectedError(ApiError):
    """An error response the fake made up (fail_next, inject_faults), not one the bot caused."""


class _NoAnswerError(Exception):
    """An injected fault that leaves the client without a usable Bot API answer."""

    def __init__(self, fault: RandomFault) -> None:
        super().__init__(fault.description)
        self.fault = fault


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    """The HTTP status; 0 when no response was given (an injected timeout or disconnect)."""
    at: float
    description: str | None = None
    injected: bool = False
    """The fake made this call fail (fail_next, inject_faults, an outage); it had no effect."""


class Violation(NamedTuple):
    """A send made while the caller had been told to wait (retry_after not honoured)."""

    method: str
    chat_id: int | None
    at: float


@dataclass
class _Fault:
    method: str
    status: int
    description: str | None
    retry_after: int | None
    times: int
    chat_id: int | None


@dataclass
class _Upload:
    filename: str
    content_type: str | None
    content: bytes


class Params:
    """Request fields. aiogram sends every value as a string; JSON bodies send real types."""

    def __init__(self, raw: dict[str, Any], uploads: dict[str, _Upload]) -> None:
        self.raw = raw
        self.uploads = uploads

    def has(self, name: str) -> bool:
        return name in self.raw

    def get_str(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value)

    def get_int(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def require_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def get_bool(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def snapshot(self) -> dict[str, Any]:
        """Values for the call log, with JSON fields decoded and uploads named."""
        result: dict[str, Any] = {}
        for name, value in self.raw.items():
            try:
                result[name] = self.get_json(name) if name in JSON_FIELDS else value
            except ApiError:
                result[name] = value
        for name, upload in self.uploads.items():
            result[name] = f"<upload {upload.filename}, {len(upload.content)} bytes>"
        return result


Handler = Callable[[Params], Awaitable[Any]]


class FakeTelegram:
    """The fake Bot API server plus the test-facing world API.

    Use ``base_url`` with ``TelegramAPIServer.from_base`` and ``token`` for the bot.
    ``clock`` drives rate limits and the call log; message dates use wall time.
    """

    def __init__(
        self,
        token: str = "123456789:TEST-token",
        *,
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
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
        self.retry_after_violations: list[Violation] = []
        self.on_bot_message: Callable[[SentMessage], None] | None = None
        """Called with each new message of the bot (a benchmark waits on it, not polling)."""
        self.faults_injected: Counter[FaultKind] = Counter()
        """Faults from inject_faults and outages by kind (fail_next ones are not counted)."""
        self.base_url = ""
        self._limiter = RateLimiter(self.limits, clock)
        self._retry_until: dict[str | int, float] = {}
        self._faults: list[_Fault] = []
        self._delays: dict[str, list[float]] = {}
        self._dice: FaultDice | None = None
        self._offline_until = -math.inf
        self._updates: list[dict[str, Any]] = []
        self._updates_event = asyncio.Event()
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._media_group_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._stopping = asyncio.Event()
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._return_true,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "editMessageCaption": self._edit_message_caption,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMember": self._get_chat_member,
                "getChat": self._get_chat,
                "sendChatAction": self._send_chat_action,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendMediaGroup": self._send_media_group,
                "copyMessage": self._copy_message,
                "forwardMessage": self._forward_message,
                "getFile": self._get_file,
                "createForumTopic": self._create_forum_topic,
                "leaveChat": self._leave_chat,
                "pinChatMessage": self._pin_chat_message,
                "unpinChatMessage": self._unpin_chat_message,
                "setMessageReaction": self._set_message_reaction,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> str:
        """Serve on a free 127.0.0.1 port and return the base URL."""
        app = web.Application(client_max_size=UPLOAD_LIMIT + MB)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        self._stopping.set()
        self._updates_event.set()
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
        if status == 429 and retry_after is None:
            retry_after = 5
        self._faults.append(
            _Fault(method.lower(), status, description, retry_after, times, chat_id)
        )

    def delay_next(self, method: str, seconds: float) -> None:
        """Delay the next call of ``method`` before it is processed (it still takes effect)."""
        self._delays.setdefault(method.lower(), []).append(seconds)

    def inject_faults(self, plan: FaultPlan | None) -> None:
        """From now on make a random share of calls fail as ``plan`` says; None stops it.

        Every injected fault is decided before the method runs, so the failed call has no
        side effect: nothing is sent, edited or answered. That is what makes "exactly once"
        checkable: a message the bot retried until it got through appears once, one it gave
        up on not at all. (Real Telegram may act on a request whose answer is then lost; the
        fake never does.) Each ``inject_faults(plan)`` restarts ``random.Random(plan.seed)``;
        :mod:`.faults` says what aiogram raises for each kind.
        """
        if plan is not None and (
            unknown := sorted(m for m in plan.exempt if m.lower() not in self._handlers)
        ):
            raise ValueError(f"exempt names methods the fake does not serve: {unknown}")
        self._dice = None if plan is None else FaultDice(plan)

    def network_down(self) -> None:
        """Lose the network until :meth:`network_up`.

        Every request, a pending getUpdates included, has its connection dropped
        (``disconnect``) and no effect.
        """
        self._offline_until = math.inf
        self._updates_event.set()  # the pending getUpdates notices and drops too

    def network_up(self) -> None:
        self._offline_until = -math.inf

    def outage(self, seconds: float) -> None:
        """:meth:`network_down` for ``seconds`` of ``clock`` (a manual clock: until advanced)."""
        self._offline_until = self.clock() + seconds
        self._updates_event.set()

    @property
    def network_is_down(self) -> bool:
        return self.clock() < self._offline_until

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def refused_calls(self) -> list[Call]:
        """Calls refused because the request was wrong, i.e. bugs in the bot.

        Non-injected 400 (bad HTML, too long, bad callback data, query too old ...) and 413
        (upload too large). A run with random faults should have none. "Message is not
        modified" is not among them: it is what a second tap on a button that edits its own
        message gets, and a bot cannot know that the message already shows the new state.
        """
        return [
            c
            for c in self.calls
            if c.status in REFUSAL_STATUSES
            and not c.injected
            and not (c.description or "").startswith(NOT_MODIFIED)
        ]

    # ------------------------------------------------------------ update builders

    def message_update(
        self,
        user: User,
        text: str | None = None,
        *,
        chat: Chat | None = None,
        document: StoredFile | None = None,
        photo: StoredFile | None = None,
        sticker: bool = False,
        caption: str | None = None,
        reply_to: SentMessage | None = None,
        media_group_id: str | None = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        """A user's message as an Update; it is recorded in the chat but not enqueued."""
        chat = chat or self.world.private_chat(user)
        user.started = True
        if chat.type != "private" and self.world.member_status(chat.id, user.id) in (
            "left",
            "kicked",
        ):
            self.world.set_member(chat.id, user.id, "member")
        entities = []
        if text and (command := COMMAND_RE.match(text)):
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
        message = self.world.add_message(
            SentMessage(
                chat_id=chat.id,
                message_id=self.world.next_message_id(chat.id),
                from_bot=False,
                from_user_id=user.id,
                message_thread_id=message_thread_id,
                text=text,
                html=text,
                entities=entities,
                caption=caption,
                document_id=document.file_id if document else None,
                photo_id=photo.file_id if photo else None,
                sticker=sticker,
                reply_to_message_id=reply_to.message_id if reply_to else None,
                media_group_id=media_group_id,
            )
        )
        return {"update_id": next(self._update_ids), "message": self._message_api(message)}

    def callback_update(
        self, user: User, message: SentMessage, data: str, *, check_button: bool = True
    ) -> dict[str, Any]:
        """A button press as an Update; registers a fresh callback query id.

        With ``check_button`` the message must currently carry a button with ``data``.
        """
        if check_button and not any(
            button.callback_data == data for row in message.buttons() for button in row
        ):
            raise AssertionError(
                f"message {message.message_id} has no button with callback_data {data!r}; "
                f"buttons: {message.buttons()}"
            )
        user.started = True
        query_id = str(next(self._callback_ids))
        self.world.callback_queries[query_id] = CallbackQuery(query_id, user, message, data)
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": query_id,
                "from": user.to_api(),
                "message": self._message_api(message),
                "chat_instance": str(message.chat_id),
                "data": data,
            },
        }

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
        user_side = chat.type == "private"
        if user_side:
            actor.blocked_bot = new_status == "kicked"
            actor.started = actor.started or new_status == "member"
        else:
            self.world.set_member(chat.id, self.bot_user.id, new_status)
        return {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": self.world.chat_api(chat),
                "from": actor.to_api(),
                "date": int(time.time()),
                "old_chat_member": _member_api(self.bot_user, old_status, chat),
                "new_chat_member": _member_api(self.bot_user, new_status, chat),
            },
        }

    def enqueue(self, *updates: dict[str, Any]) -> None:
        """Make updates available to getUpdates."""
        self._updates.extend(updates)
        self._updates_event.set()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    # ---------------------------------------------------------------- inspection

    def bot_messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in the chat, oldest first, without deleted ones."""
        return [m for m in self.world.history(chat_id) if m.from_bot and not m.deleted]

    def last_bot_message(self, chat_id: int) -> SentMessage:
        messages = self.bot_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot has no messages in chat {chat_id}")
        return messages[-1]

    def new_bot_messages(self, chat_id: int, since: int) -> list[SentMessage]:
        """Messages after the first ``since`` ones, i.e. pass ``len(fake.bot_messages(...))``."""
        return self.bot_messages(chat_id)[since:]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        message = self.world.messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise AssertionError(f"no message {message_id} in chat {chat_id}")
        return message

    def callback_query(self, query_id: str) -> CallbackQuery:
        return self.world.callback_queries[query_id]

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """Bot commands keyed by (canonical scope JSON, language_code); see ``commands_for``."""
        return self.world.commands

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        return self.world.commands.get((_scope_key(scope), language_code), [])

    async def wait_until(self, predicate: Callable[[], object], within: float = 5.0) -> None:
        """Poll ``predicate`` until it is truthy; raise AssertionError after ``within`` s.

        The bot handles updates concurrently, so tests wait for effects, not deliveries.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            if loop.time() >= deadline:
                raise AssertionError(f"condition not met within {within} s")
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        entry = self._handlers.get(request.match_info["method"].lower())
        if entry is None:
            return _error_response(ApiError(404, "Not Found"))
        method, handler = entry
        params = await _read_params(request)
        if delays := self._delays.get(method.lower()):
            await asyncio.sleep(delays.pop(0))
        at = self.clock()
        chat_id = self._chat_id_of(params)
        try:
            self._check_network()
            if method in SEND_METHODS:
                self._check_violation(method, chat_id, at)
            self._inject_fault(method, chat_id)
            self._roll_fault(method)
            result = await handler(params)
        except _NoAnswerError as no_answer:
            fault = no_answer.fault
            self.calls.append(
                Call(method, params.snapshot(), fault.status, at, fault.description, injected=True)
            )
            return await self._no_answer(request, fault)
        except ApiError as error:
            if error.retry_after is not None:
                scope = error.scope or (GLOBAL_SCOPE if chat_id is None else chat_id)
                self._retry_until[scope] = at + error.retry_after
            injected = isinstance(error, _InjectedError)
            self.calls.append(
                Call(method, params.snapshot(), error.status, at, error.description, injected)
            )
            return _error_response(error)
        self.calls.append(Call(method, params.snapshot(), 200, at))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if self.network_is_down:
            self.faults_injected["disconnect"] += 1
            return _drop_connection(request)
        stored = self.world.file_by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return _error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.content, content_type=stored.mime_type)

    def _chat_id_of(self, params: Params) -> int | None:
        raw = params.get_str("chat_id")
        if raw is None:
            return None
        chat = self.world.find_chat(raw if raw.startswith("@") else _to_int(raw))
        if chat is not None:
            return chat.id
        number = _to_int(raw)
        return number if isinstance(number, int) else None

    def _check_violation(self, method: str, chat_id: int | None, at: float) -> None:
        scopes: list[str | int] = [GLOBAL_SCOPE] if chat_id is None else [GLOBAL_SCOPE, chat_id]
        if any(at < self._retry_until.get(scope, float("-inf")) for scope in scopes):
            self.retry_after_violations.append(Violation(method, chat_id, at))

    def _inject_fault(self, method: str, chat_id: int | None) -> None:
        for fault in self._faults:
            if fault.method == method.lower() and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                description = fault.description or DEFAULT_FAULT_DESCRIPTIONS.get(
                    fault.status, "Injected failure"
                ).format(retry_after=fault.retry_after)
                raise _InjectedError(fault.status, description, fault.retry_after)

    def _roll_fault(self, method: str) -> None:
        """Raise the fault the plan draws for this call, if any."""
        fault = None if self._dice is None else self._dice.roll(method)
        if fault is None:
            return
        self.faults_injected[fault.kind] += 1
        if fault.kind in ("server_error", "flood"):
            raise _InjectedError(fault.status, fault.description, fault.retry_after)
        raise _NoAnswerError(fault)

    def _check_network(self) -> None:
        if self.network_is_down:
            self.faults_injected["disconnect"] += 1
            raise _NoAnswerError(RandomFault("disconnect", NETWORK_DOWN))

    async def _no_answer(self, request: web.Request, fault: RandomFault) -> web.Response:
        """Act out a fault without a Bot API answer: a broken 200, or a dropped connection."""
        if fault.body is not None:
            return web.Response(text=fault.body, content_type=fault.content_type)
        if fault.stall:
            with contextlib.suppress(TimeoutError):  # stop() must not wait for the stall
                await asyncio.wait_for(self._stopping.wait(), fault.stall)
        return _drop_connection(request)

    def _take_rate(self, chat: Chat, count: int = 1) -> None:
        denied = self._limiter.acquire(chat.id, chat.type == "private", count)
        if denied is not None:
            scope, retry_after = denied
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after, scope)

    # ------------------------------------------------------------ shared checks

    def _chat(self, params: Params, field: str = "chat_id") -> Chat:
        raw = params.get_str(field)
        if not raw:
            raise bad_request(f"{field} is empty")
        chat = self.world.find_chat(raw if raw.startswith("@") else _to_int(raw))
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _sendable_chat(self, params: Params) -> Chat:
        """The target chat, after Telegram's "may the bot write here" checks."""
        chat = self._chat(params)
        if chat.type == "private":
            user = self.world.users[chat.id]
            if user.blocked_bot:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            return chat
        status = self.world.member_status(chat.id, self.bot_user.id)
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        if chat.type == "channel" and status not in ADMIN_STATUSES:
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def _thread_id(self, chat: Chat, params: Params) -> int | None:
        thread_id = params.get_int("message_thread_id")
        if thread_id is None:
            return None
        exists = (
            thread_id in self.world.topics.get(chat.id, {})
            if chat.is_forum
            else self.world.message(chat.id, thread_id) is not None
        )
        if not exists:
            raise bad_request("message thread not found")
        return thread_id

    def _reply_to(self, chat: Chat, params: Params) -> int | None:
        reply_id = params.get_int("reply_to_message_id")
        allow_missing = params.get_bool("allow_sending_without_reply")
        if reply_parameters := params.get_json("reply_parameters"):
            reply_id = reply_parameters.get("message_id")
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply"))
        if reply_id is None:
            return None
        if self.world.message(chat.id, reply_id) is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return reply_id

    def _parse(self, params: Params, field: str, entities_field: str) -> tuple[ParsedText, str]:
        """Plain text + entities of a text/caption field, and its source as sent."""
        source = params.get_str(field) or ""
        if (params.get_str("parse_mode") or "").lower() == "html":
            try:
                return parse_html(source), source
            except ParseError as error:
                raise bad_request(str(error)) from None
        return ParsedText(source, params.get_json(entities_field) or []), source

    def _text(self, params: Params, too_long: str) -> tuple[ParsedText, str]:
        parsed, source = self._parse(params, "text", "entities")
        if not parsed.text.strip():
            raise bad_request("message text is empty")
        if utf16_len(parsed.text) > TEXT_LIMIT:
            raise bad_request(too_long)
        return parsed, source

    def _caption(self, params: Params) -> tuple[ParsedText, str]:
        parsed, source = self._parse(params, "caption", "caption_entities")
        if utf16_len(parsed.text) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        return parsed, source

    def _markup(self, params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _check_inline_keyboard(markup["inline_keyboard"])
        elif inline_only:
            raise bad_request("inline keyboard expected")
        elif "keyboard" in markup:
            _check_reply_keyboard(markup["keyboard"])
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _input_file(
        self, params: Params, field: str, value: Any = None, kind: str | None = None
    ) -> StoredFile:
        """Resolve a file given by id, by ``attach://name`` or as the field's own upload."""
        value = params.get_str(field) if value is None else value
        upload = params.uploads.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = params.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"can't find the attached file {value}")
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            if len(upload.content) > UPLOAD_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            folder = "photos" if (kind or field) == "photo" else "documents"
            return self.world.add_file(
                upload.filename, upload.content, upload.content_type, folder=folder
            )
        if not value:
            raise bad_request(f"there is no {field} in the request")
        stored = self.world.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def _new_bot_message(self, chat: Chat, **fields: Any) -> SentMessage:
        message = self.world.add_message(
            SentMessage(
                chat_id=chat.id,
                message_id=self.world.next_message_id(chat.id),
                from_bot=True,
                from_user_id=self.bot_user.id,
                **fields,
            )
        )
        if self.on_bot_message is not None:
            self.on_bot_message(message)
        return message

    def _message_api(self, message: SentMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """The Message object Telegram would return for ``message``."""
        chat = self.world.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self.world.chat_api(chat),
        }
        if chat.type == "channel":
            data["sender_chat"] = data["chat"]
        else:
            data["from"] = self.world.users[message.from_user_id].to_api()
        if message.message_thread_id is not None:
            data["message_thread_id"] = message.message_thread_id
            if chat.is_forum:
                data["is_topic_message"] = True
        optional = {
            "text": message.text,
            "entities": message.entities,
            "caption": message.caption,
            "caption_entities": message.caption_entities,
            "media_group_id": message.media_group_id,
            "edit_date": message.edit_date,
            "forward_origin": message.forward_origin,
            "reply_markup": message.inline_markup,
        }
        data.update({key: value for key, value in optional.items() if value})
        if message.document_id:
            data["document"] = self.world.files[message.document_id].document_api()
        if message.photo_id:
            data["photo"] = self.world.files[message.photo_id].photo_api()
        if message.sticker:
            data["sticker"] = {
                "file_id": f"CAACAgIAAxkBAAI{message.message_id:06d}",
                "file_unique_id": f"AgADst{message.message_id:06d}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        replied = (
            self.world.messages.get(message.chat_id, {}).get(message.reply_to_message_id)
            if with_reply and message.reply_to_message_id
            else None
        )
        if replied is not None:
            data["reply_to_message"] = self._message_api(replied, with_reply=False)
        return data

    def _editable(self, params: Params) -> tuple[Chat, SentMessage]:
        if params.has("inline_message_id") and not params.has("chat_id"):
            raise bad_request("inline messages are not supported by the fake server")
        chat = self._chat(params)
        message = self.world.message(chat.id, params.require_int("message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _touch(self, message: SentMessage, markup: dict[str, Any] | None) -> dict[str, Any]:
        """Apply the edit's markup (absent markup drops an inline keyboard, like Telegram)."""
        if markup is not None or message.inline_keyboard:
            message.reply_markup = markup
        message.edited += 1
        message.edit_date = int(time.time())
        return self._message_api(message)

    # -------------------------------------------------------------------- methods

    async def _return_true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        offset = params.get_int("offset")
        limit = min(max(params.get_int("limit") or 100, 1), 100)
        timeout = params.get_int("timeout") or 0
        allowed = params.get_json("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset is not None:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_event.set()  # wake an older long poll so it ends with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._check_network()
            self._updates = [u for u in self._updates if _update_type(u) in self._allowed_updates]
            if self._updates or self._closing or loop.time() >= deadline:
                return self._updates[:limit]
            self._updates_event.clear()
            try:
                async with asyncio.timeout_at(deadline):
                    await self._updates_event.wait()
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, GET_UPDATES_CONFLICT)

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._sendable_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat, params)
        parsed, source = self._text(params, "message is too long")
        markup = self._markup(params)
        self._take_rate(chat)
        message = self._new_bot_message(
            chat,
            text=parsed.text,
            html=source,
            entities=parsed.entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            message_thread_id=thread_id,
        )
        return self._message_api(message)

    async def _send_file(self, params: Params, field: str) -> dict[str, Any]:
        chat = self._sendable_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat, params)
        stored = self._input_file(params, field)
        caption, source = self._caption(params)
        markup = self._markup(params)
        self._take_rate(chat)
        message = self._new_bot_message(
            chat,
            caption=caption.text or None,
            caption_html=source or None,
            caption_entities=caption.entities,
            document_id=stored.file_id if field == "document" else None,
            photo_id=stored.file_id if field == "photo" else None,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            message_thread_id=thread_id,
        )
        return self._message_api(message)

    async def _send_document(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "document")

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def _send_media_group(self, params: Params) -> list[dict[str, Any]]:
        chat = self._sendable_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat, params)
        media = params.get_json("media")
        if not isinstance(media, list) or not media:
            raise bad_request("there are no messages to send")
        if len(media) > 10:
            raise bad_request("too many messages to send as an album")
        if len(media) < 2:
            raise bad_request("media group must include 2-10 items")
        kinds = {item.get("type") if isinstance(item, dict) else None for item in media}
        if not kinds <= {"document", "photo"}:
            raise bad_request("can't parse InputMedia: the fake supports only photo and document")
        if len(kinds) > 1:
            raise bad_request("document can't be mixed with other media types")
        items: list[tuple[str, StoredFile, ParsedText, str]] = []
        for item in media:
            caption, source = self._caption(
                Params({key: item.get(key) for key in CAPTION_KEYS}, {})
            )
            stored = self._input_file(params, "media", item.get("media"), item["type"])
            items.append((item["type"], stored, caption, source))
        self._take_rate(chat, len(items))
        group_id = f"1{next(self._media_group_ids):017d}"
        return [
            self._message_api(
                self._new_bot_message(
                    chat,
                    caption=caption.text or None,
                    caption_html=source or None,
                    caption_entities=caption.entities,
                    document_id=stored.file_id if kind == "document" else None,
                    photo_id=stored.file_id if kind == "photo" else None,
                    media_group_id=group_id,
                    reply_to_message_id=reply_to,
                    message_thread_id=thread_id,
                )
            )
            for kind, stored, caption, source in items
        ]

    def _source_message(self, params: Params, missing: str) -> SentMessage:
        from_chat = self._chat(params, "from_chat_id")
        source = self.world.message(from_chat.id, params.require_int("message_id"))
        if source is None:
            raise bad_request(missing)
        return source

    async def _copy_message(self, params: Params) -> dict[str, Any]:
        chat = self._sendable_chat(params)
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat, params)
        source = self._source_message(params, "message to copy not found")
        caption_fields: dict[str, Any] = {
            "caption": source.caption,
            "caption_html": source.caption_html,
            "caption_entities": source.caption_entities,
        }
        if params.has("caption"):
            caption, caption_source = self._caption(params)
            caption_fields = {
                "caption": caption.text or None,
                "caption_html": caption_source or None,
                "caption_entities": caption.entities,
            }
        markup = self._markup(params)
        self._take_rate(chat)
        message = self._new_bot_message(
            chat,
            text=source.text,
            html=source.html,
            entities=source.entities,
            document_id=source.document_id,
            photo_id=source.photo_id,
            sticker=source.sticker,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            message_thread_id=thread_id,
            **caption_fields,
        )
        return {"message_id": message.message_id}

    async def _forward_message(self, params: Params) -> dict[str, Any]:
        chat = self._sendable_chat(params)
        thread_id = self._thread_id(chat, params)
        source = self._source_message(params, "message to forward not found")
        source_chat = self.world.chats[source.chat_id]
        if source_chat.type == "channel":
            origin: dict[str, Any] = {
                "type": "channel",
                "chat": self.world.chat_api(source_chat),
                "message_id": source.message_id,
                "date": source.date,
            }
        else:
            sender = self.world.users[source.from_user_id]
            origin = {"type": "user", "sender_user": sender.to_api(), "date": source.date}
        self._take_rate(chat)
        message = self._new_bot_message(
            chat,
            text=source.text,
            html=source.html,
            entities=source.entities,
            caption=source.caption,
            caption_html=source.caption_html,
            caption_entities=source.caption_entities,
            document_id=source.document_id,
            photo_id=source.photo_id,
            sticker=source.sticker,
            forward_origin=origin,
            message_thread_id=thread_id,
        )
        return self._message_api(message)

    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        _, message = self._editable(params)
        parsed, source = self._text(params, "MESSAGE_TOO_LONG")
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        markup = self._markup(params, inline_only=True)
        if (parsed.text, parsed.entities, markup) == (
            message.text,
            message.entities,
            message.inline_markup,
        ):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.text, message.html, message.entities = parsed.text, source, parsed.entities
        return self._touch(message, markup)

    async def _edit_message_caption(self, params: Params) -> dict[str, Any]:
        _, message = self._editable(params)
        if message.document_id is None and message.photo_id is None:
            raise bad_request("there is no caption in the message to edit")
        caption, source = self._caption(params)
        markup = self._markup(params, inline_only=True)
        if (caption.text or None, caption.entities, markup) == (
            message.caption,
            message.caption_entities,
            message.inline_markup,
        ):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.caption = caption.text or None
        message.caption_html = source or None
        message.caption_entities = caption.entities
        return self._touch(message, markup)

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        _, message = self._editable(params)
        markup = self._markup(params, inline_only=True)
        if markup == message.inline_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        return self._touch(message, markup)

    async def _delete_message(self, params: Params) -> bool:
        chat = self._chat(params)
        message = self.world.message(chat.id, params.require_int("message_id"))
        if message is None:
            raise bad_request("message to delete not found")
        bot_status = self.world.member_status(chat.id, self.bot_user.id)
        if chat.type != "private" and not message.from_bot and bot_status not in ADMIN_STATUSES:
            raise bad_request("message can't be deleted")
        message.deleted = True
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        query = self.world.callback_queries.get(params.get_str("callback_query_id") or "")
        if query is not None:
            query.answer_count += 1
        if query is None or query.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.get_str("text")
        if text is not None and len(text) > ANSWER_TEXT_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer_text = text
        query.show_alert = params.get_bool("show_alert")
        query.url = params.get_str("url")
        return True

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = params.get_json("scope")
        if scope is not None:
            if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
                raise bad_request("unsupported bot command scope type")
            if "chat_id" in scope and self.world.find_chat(scope["chat_id"]) is None:
                raise bad_request("chat not found")
        return _scope_key(scope), params.get_str("language_code") or ""

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        for command in commands:
            if not BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self.world.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.world.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: Params) -> list[dict[str, str]]:
        return self.world.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: Params) -> bool:
        self.world.commands.pop(self._commands_key(params), None)
        return True

    async def _set_chat_menu_button(self, params: Params) -> bool:
        chat_id = self._chat(params).id if params.has("chat_id") else None
        menu_button = params.get_json("menu_button") or {"type": "default"}
        if not isinstance(menu_button, dict) or menu_button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("unsupported menu button type")
        self.world.menu_buttons[chat_id] = menu_button
        return True

    async def _get_chat_member(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params)
        user = self.world.users.get(params.require_int("user_id"))
        if user is None:
            raise bad_request("user not found")
        return _member_api(user, self.world.member_status(chat.id, user.id), chat)

    async def _get_chat(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params)
        return {
            **self.world.chat_api(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _send_chat_action(self, params: Params) -> bool:
        chat = self._sendable_chat(params)
        self._thread_id(chat, params)
        if params.get_str("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self.world.files.get(params.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _create_forum_topic(self, params: Params) -> dict[str, Any]:
        chat = self._sendable_chat(params)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        if self.world.member_status(chat.id, self.bot_user.id) not in ADMIN_STATUSES:
            raise bad_request("not enough rights to create a topic")
        name = params.get_str("name") or ""
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
        topic = ForumTopic(
            self.world.next_message_id(chat.id), name, params.get_int("icon_color") or 7322096
        )
        self.world.topics.setdefault(chat.id, {})[topic.message_thread_id] = topic
        return topic.to_api()

    async def _leave_chat(self, params: Params) -> bool:
        chat = self._chat(params)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self.world.set_member(chat.id, self.bot_user.id, "left")
        return True

    def _pinnable(self, chat: Chat) -> None:
        status = self.world.member_status(chat.id, self.bot_user.id)
        if chat.type != "private" and status not in ADMIN_STATUSES:
            raise bad_request("not enough rights to manage pinned messages in the chat")

    async def _pin_chat_message(self, params: Params) -> bool:
        chat = self._chat(params)
        message = self.world.message(chat.id, params.require_int("message_id"))
        if message is None:
            raise bad_request("message to pin not found")
        self._pinnable(chat)
        message.pinned = True
        return True

    async def _unpin_chat_message(self, params: Params) -> bool:
        chat = self._chat(params)
        self._pinnable(chat)
        message_id = params.get_int("message_id")
        pinned = [m for m in self.world.history(chat.id) if m.pinned and not m.deleted]
        if message_id is not None:
            pinned = [m for m in pinned if m.message_id == message_id]
        if not pinned:
            raise bad_request("message to unpin not found")
        pinned[-1].pinned = False
        return True

    async def _set_message_reaction(self, params: Params) -> bool:
        chat = self._chat(params)
        message = self.world.message(chat.id, params.require_int("message_id"))
        if message is None:
            raise bad_request("message to react not found")
        reactions = params.get_json("reaction") or []
        if len(reactions) > 1:
            raise bad_request("REACTIONS_TOO_MANY")
        emoji = [r.get("emoji") for r in reactions]
        if any(
            r.get("type") != "emoji" or e not in REACTION_EMOJI
            for r, e in zip(reactions, emoji, strict=True)
        ):
            raise bad_request("REACTION_INVALID")
        message.reactions = emoji
        return True


def _to_int(raw: str) -> int | str:
    try:
        return int(raw)
    except ValueError:
        return raw


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True, separators=(",", ":"))


def _update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _member_api(user: User, status: str, chat: Chat) -> dict[str, Any]:
    """A ChatMember object with every field aiogram's model requires for ``status``."""
    data: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        rights = [
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_promote_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
            "can_send_welcome_messages",
            "can_pin_messages",
        ]
        data.update({"can_be_edited": False, "is_anonymous": False}, **dict.fromkeys(rights, True))
        if chat.is_forum:
            data["can_manage_topics"] = True
    elif status == "kicked":
        data["until_date"] = 0
    return data


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > INLINE_KEYBOARD_BUTTON_LIMIT:
        raise bad_request("reply markup is too long")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict):
            raise bad_request(
                "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
            )
        _check_button_text(button, "inline keyboard button")
        # An empty callback_data counts as absent, which is what Telegram reports.
        actions = [key for key in INLINE_BUTTON_ACTIONS if button.get(key) not in (None, "")]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                "can't parse inline keyboard button: "
                f"exactly one of the optional fields must be used, got {actions}"
            )
        data = button.get("callback_data")
        if data is not None and not (
            isinstance(data, str) and len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
            raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    for button in (button for row in rows for button in row):
        _check_button_text(
            {"text": button} if isinstance(button, str) else button, "keyboard button"
        )


def _check_button_text(button: dict[str, Any], what: str) -> None:
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(f'can\'t parse {what}: Field "text" must be of type String')
    if not text.strip():
        raise bad_request(f"can't parse {what}: Text must be non-empty")


async def _read_params(request: web.Request) -> Params:
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, _Upload] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is None:
                    raw[part.name] = await part.text()
                else:
                    content_type = part.headers.get("Content-Type")
                    uploads[part.name] = _Upload(
                        part.filename, content_type, bytes(await part.read())
                    )
        else:
            raw.update(await request.post())
    return Params(raw, uploads)


def _drop_connection(request: web.Request) -> web.Response:
    """Close the connection unanswered; the client sees the server disconnect."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response()  # goes nowhere: the connection is gone


def _error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)
