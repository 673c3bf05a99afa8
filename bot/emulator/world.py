"""The simulated Telegram world: users, chats, memberships, messages and files."""

import itertools
import mimetypes
import time
from dataclasses import dataclass, field
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "left", "kicked"]

MEMBER_STATUSES: tuple[str, ...] = ("creator", "administrator", "member", "left", "kicked")
ADMIN_STATUSES: tuple[str, ...] = ("creator", "administrator")


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "ru"
    blocked_bot: bool = False
    started: bool = False
    """True once the user has written to the bot; only then may the bot message them."""
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    id: int
    type: ChatType
    title: str | None = None
    is_forum: bool = False


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    size: int
    """Reported size; may exceed ``len(content)`` to fake a big file cheaply."""
    content: bytes
    file_path: str

    def document_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.size,
        }

    def photo_api(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": self.size,
            }
        ]


@dataclass
class SentMessage:
    """A message in a chat's history, written by the bot or by a user."""

    chat_id: int
    message_id: int
    from_bot: bool
    from_user_id: int
    date: int = field(default_factory=lambda: int(time.time()))
    message_thread_id: int | None = None
    text: str | None = None
    """Plain text (entities decoded), current after edits."""
    html: str | None = None
    """The text as sent (HTML source when parse_mode was HTML)."""
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    document_id: str | None = None
    photo_id: str | None = None
    sticker: bool = False
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    media_group_id: str | None = None
    forward_origin: dict[str, Any] | None = None
    deleted: bool = False
    edited: int = 0
    edit_date: int | None = None
    pinned: bool = False
    reactions: list[str] = field(default_factory=list)

    @property
    def inline_keyboard(self) -> bool:
        return self.reply_markup is not None and "inline_keyboard" in self.reply_markup

    @property
    def reply_keyboard(self) -> bool:
        return self.reply_markup is not None and "keyboard" in self.reply_markup

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        return self.reply_markup if self.inline_keyboard else None

    def buttons(self) -> list[list[Button]]:
        if self.reply_markup is None:
            return []
        rows = self.reply_markup.get("inline_keyboard") or self.reply_markup.get("keyboard") or []
        return [[_button(raw) for raw in row] for row in rows]

    def button(self, text_substring: str) -> Button:
        """The first button whose text contains ``text_substring`` (exact matches win)."""
        flat = [b for row in self.buttons() for b in row]
        for candidate in [b for b in flat if b.text == text_substring] + flat:
            if text_substring in candidate.text:
                return candidate
        listing = [[b.text for b in row] for row in self.buttons()]
        raise AssertionError(
            f"no button containing {text_substring!r} in message {self.message_id} "
            f"of chat {self.chat_id} ({self.text or self.caption!r}); buttons: {listing}"
        )


def _button(raw: str | dict[str, Any]) -> Button:
    if isinstance(raw, str):
        return Button(raw)
    return Button(raw.get("text", ""), raw.get("callback_data"), raw.get("url"))


@dataclass
class CallbackQuery:
    id: str
    from_user: User
    message: SentMessage
    data: str
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    url: str | None = None
    answer_count: int = 0
    """Every answerCallbackQuery call for this id, including rejected repeats."""


@dataclass
class ForumTopic:
    message_thread_id: int
    name: str
    icon_color: int

    def to_api(self) -> dict[str, Any]:
        return {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }


class World:
    """Everything the fake server knows; tests may read and mutate it directly."""

    def __init__(self, bot: User) -> None:
        self.bot = bot
        self.users: dict[int, User] = {bot.id: bot}
        self.chats: dict[int, Chat] = {}
        self.members: dict[int, dict[int, str]] = {}
        self.messages: dict[int, dict[int, SentMessage]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.topics: dict[int, dict[int, ForumTopic]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        """Bot commands keyed by (canonical scope JSON, language_code)."""
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._file_counter = itertools.count(1)

    def add_user(
        self,
        id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "ru",
        *,
        blocked_bot: bool = False,
        started: bool = False,
    ) -> User:
        user = User(id, first_name, last_name, username, language_code, blocked_bot, started)
        self.users[id] = user
        return user

    def add_group(
        self,
        id: int,
        title: str,
        members: dict[int, str] | None = None,
        *,
        is_forum: bool = False,
        bot_status: str = "administrator",
        type: ChatType = "supergroup",
    ) -> Chat:
        """Create a group/supergroup/channel; ``members`` maps user id to status."""
        chat = Chat(id, type, title, is_forum)
        self.chats[id] = chat
        self.members[id] = {}
        self.topics[id] = {}
        for user_id, status in (members or {}).items():
            self.set_member(id, user_id, status)
        self.set_member(id, self.bot.id, bot_status)
        return chat

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}; use one of {MEMBER_STATUSES}")
        self.members.setdefault(chat_id, {})[user_id] = status

    def member_status(self, chat_id: int, user_id: int) -> str:
        chat = self.chats.get(chat_id)
        if chat is not None and chat.type == "private":
            return "member" if user_id in (chat_id, self.bot.id) else "left"
        return self.members.get(chat_id, {}).get(user_id, "left")

    def private_chat(self, user: User) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user.id, "private")
        return chat

    def find_chat(self, chat_id: int | str) -> Chat | None:
        """Resolve a numeric id or "@username" (users and titled chats) to a chat."""
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for named in self.users.values():
                if named.username and named.username.lower() == name and not named.is_bot:
                    return self.private_chat(named)
            return None
        if chat_id in self.chats:
            return self.chats[chat_id]
        user = self.users.get(chat_id)
        if user is None or user.is_bot:
            return None
        return self.private_chat(user)

    def chat_api(self, chat: Chat) -> dict[str, Any]:
        data: dict[str, Any] = {"id": chat.id, "type": chat.type}
        if chat.type == "private":
            user = self.users[chat.id]
            data["first_name"] = user.first_name
            if user.last_name:
                data["last_name"] = user.last_name
            if user.username:
                data["username"] = user.username
        else:
            data["title"] = chat.title or ""
            if chat.is_forum:
                data["is_forum"] = True
        return data

    def add_file(
        self,
        name: str,
        content: bytes,
        mime_type: str | None = None,
        size: int | None = None,
        *,
        folder: str = "documents",
    ) -> StoredFile:
        """Register a file; ``size`` may be larger than ``content`` to fake a huge file."""
        number = next(self._file_counter)
        extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:06d}",
            file_unique_id=f"AgAD{number:06d}",
            file_name=name,
            mime_type=mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=len(content) if size is None else size,
            content=content,
            file_path=f"{folder}/file_{number}.{extension}",
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    def next_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def add_message(self, message: SentMessage) -> SentMessage:
        self.messages.setdefault(message.chat_id, {})[message.message_id] = message
        return message

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """A message that exists and is not deleted."""
        message = self.messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def history(self, chat_id: int) -> list[SentMessage]:
        return list(self.messages.get(chat_id, {}).values())
