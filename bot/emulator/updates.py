"""Updates: what people do, built as Telegram would send it, and getUpdates that hands it over."""

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

from .core import Core
from .html_check import utf16_len
from .protocol import GET_UPDATES_CONFLICT, ApiError, Params
from .validation import COMMAND_RE, member_api, words
from .world import CallbackQuery, Chat, SentMessage, StoredFile, User

# Updates delivered when getUpdates never set allowed_updates (or set it to []).
DEFAULT_UPDATE_TYPES = words(
    "message edited_message channel_post edited_channel_post callback_query inline_query "
    "chosen_inline_result my_chat_member chat_join_request"
)


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


class Updates:
    """The queue getUpdates reads, and the builders of the updates people cause.

    ``check_network`` raises when the network is down: a pending poll then drops too.
    """

    def __init__(self, core: Core, check_network: Callable[[], None]) -> None:
        self.core = core
        self.check_network = check_network
        self.queue: list[dict[str, Any]] = []
        self.event = asyncio.Event()
        self.closing = False
        self._allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def enqueue(self, *updates: dict[str, Any]) -> None:
        self.queue.extend(updates)
        self.event.set()

    def wake(self) -> None:
        """Make a pending getUpdates look again (to end, or to notice the network is down)."""
        self.event.set()

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        offset = params.get_int("offset")
        limit = min(max(params.get_int("limit") or 100, 1), 100)
        timeout = params.get_int("timeout") or 0
        allowed = params.get_json("allowed_updates")
        if allowed is not None:
            self._allowed = frozenset(allowed) or DEFAULT_UPDATE_TYPES
        if offset is not None and offset < 0:
            self.queue = self.queue[offset:]
        elif offset is not None:
            self.queue = [u for u in self.queue if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self.event.set()  # wake an older long poll so it ends with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.check_network()
            self.queue = [u for u in self.queue if update_type(u) in self._allowed]
            if self.queue or self.closing or loop.time() >= deadline:
                return self.queue[:limit]
            self.event.clear()
            try:
                async with asyncio.timeout_at(deadline):
                    await self.event.wait()
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, GET_UPDATES_CONFLICT)

    # ------------------------------------------------------------ builders

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
        world = self.core.world
        chat = chat or world.private_chat(user)
        user.started = True
        if chat.type != "private" and world.member_status(chat.id, user.id) in ("left", "kicked"):
            world.set_member(chat.id, user.id, "member")
        entities = []
        if text and (command := COMMAND_RE.match(text)):
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
        message = world.add_message(
            SentMessage(
                chat_id=chat.id,
                message_id=world.next_message_id(chat.id),
                from_bot=False,
                from_user_id=user.id,
                date=self.core.now(),
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
        return {"update_id": next(self._update_ids), "message": self.core.message_api(message)}

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
        self.core.world.callback_queries[query_id] = CallbackQuery(query_id, user, message, data)
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": query_id,
                "from": user.to_api(),
                "message": self.core.message_api(message),
                "chat_instance": str(message.chat_id),
                "data": data,
            },
        }

    def my_chat_member_update(
        self, chat: Chat, actor: User, old_status: str, new_status: str
    ) -> dict[str, Any]:
        """The bot's membership changed (blocked/unblocked in private, added/removed in groups)."""
        bot = self.core.bot_user
        if chat.type == "private":
            actor.blocked_bot = new_status == "kicked"
            actor.started = actor.started or new_status == "member"
        else:
            self.core.world.set_member(chat.id, bot.id, new_status)
        return {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": self.core.world.chat_api(chat),
                "from": actor.to_api(),
                "date": self.core.now(),
                "old_chat_member": member_api(bot, old_status, chat),
                "new_chat_member": member_api(bot, new_status, chat),
            },
        }
