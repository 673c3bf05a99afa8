"""What every Bot API method shares: the world, the flood limits and Telegram's common checks."""

import itertools
import time
from collections.abc import Callable
from typing import Any

from .html_check import CAPTION_LIMIT, TEXT_LIMIT, ParsedText, ParseError, parse_html, utf16_len
from .limits import RateLimiter
from .protocol import UPLOAD_LIMIT, ApiError, Params, bad_request, to_int
from .validation import check_markup
from .world import ADMIN_STATUSES, Chat, SentMessage, StoredFile, User, World


class Core:
    """The state the methods act on, and the checks Telegram makes before any of them acts.

    ``wall_clock`` gives the dates of messages (seconds since the epoch): the wall time, or
    a demo's clock that the trainer moves.
    """

    def __init__(
        self,
        world: World,
        limiter: RateLimiter,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.world = world
        self.bot_user: User = world.bot
        self.limiter = limiter
        self.wall_clock = wall_clock
        self.on_bot_message: Callable[[SentMessage], None] | None = None
        self.media_group_ids = itertools.count(1)

    def now(self) -> int:
        return int(self.wall_clock())

    def take_rate(self, chat: Chat, count: int = 1) -> None:
        denied = self.limiter.acquire(chat.id, chat.type == "private", count)
        if denied is not None:
            scope, retry_after = denied
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after, scope)

    # ---------------------------------------------------------------- chats

    def chat(self, params: Params, field: str = "chat_id") -> Chat:
        raw = params.get_str(field)
        if not raw:
            raise bad_request(f"{field} is empty")
        chat = self.world.find_chat(raw if raw.startswith("@") else to_int(raw))
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def chat_id_of(self, params: Params) -> int | None:
        """The chat a call is about, resolved like Telegram does, for limits and the log."""
        raw = params.get_str("chat_id")
        if raw is None:
            return None
        chat = self.world.find_chat(raw if raw.startswith("@") else to_int(raw))
        if chat is not None:
            return chat.id
        number = to_int(raw)
        return number if isinstance(number, int) else None

    def sendable_chat(self, params: Params) -> Chat:
        """The target chat, after Telegram's "may the bot write here" checks."""
        chat = self.chat(params)
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

    def bot_is_admin(self, chat: Chat) -> bool:
        return self.world.member_status(chat.id, self.bot_user.id) in ADMIN_STATUSES

    def thread_id(self, chat: Chat, params: Params) -> int | None:
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

    def reply_to(self, chat: Chat, params: Params) -> int | None:
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
        return int(reply_id)

    # ---------------------------------------------------------- texts, markup, files

    def parse(self, params: Params, field: str, entities_field: str) -> tuple[ParsedText, str]:
        """Plain text + entities of a text/caption field, and its source as sent."""
        source = params.get_str(field) or ""
        if (params.get_str("parse_mode") or "").lower() == "html":
            try:
                return parse_html(source), source
            except ParseError as error:
                raise bad_request(str(error)) from None
        return ParsedText(source, params.get_json(entities_field) or []), source

    def text(self, params: Params, too_long: str) -> tuple[ParsedText, str]:
        parsed, source = self.parse(params, "text", "entities")
        if not parsed.text.strip():
            raise bad_request("message text is empty")
        if utf16_len(parsed.text) > TEXT_LIMIT:
            raise bad_request(too_long)
        return parsed, source

    def caption(self, params: Params) -> tuple[ParsedText, str]:
        parsed, source = self.parse(params, "caption", "caption_entities")
        if utf16_len(parsed.text) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        return parsed, source

    def markup(self, params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
        return check_markup(params.get_json("reply_markup"), inline_only=inline_only)

    def input_file(
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

    # -------------------------------------------------------------- messages

    def new_bot_message(self, chat: Chat, **fields: Any) -> SentMessage:
        message = self.world.add_message(
            SentMessage(
                chat_id=chat.id,
                message_id=self.world.next_message_id(chat.id),
                from_bot=True,
                from_user_id=self.bot_user.id,
                date=self.now(),
                **fields,
            )
        )
        if self.on_bot_message is not None:
            self.on_bot_message(message)
        return message

    def message_api(self, message: SentMessage, *, with_reply: bool = True) -> dict[str, Any]:
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
        data.update(self._attachments_api(message))
        replied = (
            self.world.messages.get(message.chat_id, {}).get(message.reply_to_message_id)
            if with_reply and message.reply_to_message_id
            else None
        )
        if replied is not None:
            data["reply_to_message"] = self.message_api(replied, with_reply=False)
        return data

    def _attachments_api(self, message: SentMessage) -> dict[str, Any]:
        data: dict[str, Any] = {}
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
        return data

    def editable(self, params: Params) -> SentMessage:
        if params.has("inline_message_id") and not params.has("chat_id"):
            raise bad_request("inline messages are not supported by the fake server")
        chat = self.chat(params)
        message = self.world.message(chat.id, params.require_int("message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def touch(self, message: SentMessage, markup: dict[str, Any] | None) -> dict[str, Any]:
        """Apply the edit's markup (absent markup drops an inline keyboard, like Telegram)."""
        if markup is not None or message.inline_keyboard:
            message.reply_markup = markup
        message.edited += 1
        message.edit_date = self.now()
        return self.message_api(message)
