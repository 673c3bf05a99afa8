"""What tests read of the emulated Telegram: the bot's messages, answers, commands."""

import asyncio
from collections.abc import Callable
from typing import Any

from .protocol import Call
from .validation import scope_key
from .world import CallbackQuery, SentMessage, World


class Inspection:
    """Read-only questions about the world, for tests (mixed into ``FakeTelegram``)."""

    world: World
    calls: list[Call]

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
        return self.world.commands.get((scope_key(scope), language_code), [])

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
