"""The Bot API's wire format: request fields, error envelopes, the call log, Telegram's limits."""

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from aiohttp import BodyPartReader, web

from .faults import RandomFault

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


def not_modified() -> ApiError:
    return bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))


class InjectedError(ApiError):
    """An error response the fake made up (fail_next, inject_faults), not one the bot caused."""


class NoAnswerError(Exception):
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

    @property
    def refused(self) -> bool:
        """The request itself was wrong: a bug of the bot (see ``FakeTelegram.refused_calls``)."""
        return (
            self.status in REFUSAL_STATUSES
            and not self.injected
            and not (self.description or "").startswith(NOT_MODIFIED)
        )


class Violation(NamedTuple):
    """A send made while the caller had been told to wait (retry_after not honoured)."""

    method: str
    chat_id: int | None
    at: float


@dataclass
class Fault:
    """A failure ``fail_next`` planned for the next calls of a method."""

    method: str
    status: int
    description: str | None
    retry_after: int | None
    times: int
    chat_id: int | None


@dataclass
class Upload:
    filename: str
    content_type: str | None
    content: bytes


class Params:
    """Request fields. aiogram sends every value as a string; JSON bodies send real types."""

    def __init__(self, raw: dict[str, Any], uploads: dict[str, Upload]) -> None:
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


def to_int(raw: str) -> int | str:
    try:
        return int(raw)
    except ValueError:
        return raw


async def read_params(request: web.Request) -> Params:
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
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
                    uploads[part.name] = Upload(
                        part.filename, content_type, bytes(await part.read())
                    )
        else:
            raw.update(await request.post())
    return Params(raw, uploads)


def drop_connection(request: web.Request) -> web.Response:
    """Close the connection unanswered; the client sees the server disconnect."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response()  # goes nowhere: the connection is gone


def error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)
