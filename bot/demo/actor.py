"""A person of the demo at their phone: writes, taps buttons, reads what the bot answered.

The demo's story is played through the bot's own updates, so every chat already shows how
the submissions got where they are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.demo.region import SetupError
from bot.emulator import Chat, FakeTelegram, SentMessage, StoredFile, User

Feed = Callable[[dict[str, Any]], Awaitable[None]]
"""Hands an update to the bot and waits until it is handled and its outbox delivered."""


class Actor:
    def __init__(self, fake: FakeTelegram, feed: Feed, user: User) -> None:
        self.fake = fake
        self.feed = feed
        self.user = user

    @property
    def name(self) -> str:
        return self.user.first_name

    def last(self, chat_id: int | None = None) -> SentMessage:
        return self.fake.last_bot_message(self.user.id if chat_id is None else chat_id)

    async def send(
        self,
        text: str | None = None,
        *,
        chat: Chat | None = None,
        document: StoredFile | None = None,
        reply_to: SentMessage | None = None,
    ) -> None:
        thread = reply_to.message_thread_id if reply_to is not None else None
        update = self.fake.message_update(
            self.user,
            text,
            chat=chat,
            document=document,
            reply_to=reply_to,
            message_thread_id=thread,
        )
        await self.feed(update)

    async def press(self, label: str, message: SentMessage | None = None) -> None:
        """Tap the inline button whose text contains `label` (on the newest message with one)."""
        target = message or self._with_button(label)
        update = self.fake.press(self.user, target, label)
        await self.feed(update)

    async def press_first(self, message: SentMessage | None = None) -> str:
        """Tap the first button of the message (the first option of a question)."""
        target = message or self.last()
        rows = target.buttons()
        if not rows or not rows[0]:
            raise SetupError(f"{self.name}: no buttons under {(target.text or '')[:80]!r}")
        label = rows[0][0].text
        await self.press(label, target)
        return label

    def _with_button(self, label: str) -> SentMessage:
        for message in reversed(self.fake.bot_messages(self.user.id)):
            if any(label in b.text for row in message.buttons() for b in row):
                return message
        last = self.last().text if self.fake.bot_messages(self.user.id) else None
        raise SetupError(f"{self.name}: no button {label!r}; the bot said last: {last!r}")

    def expect(self, words: str, chat_id: int | None = None) -> SentMessage:
        """The bot's last message here, which must contain `words`."""
        message = self.last(chat_id)
        text = message.text or message.caption or ""
        if words not in text:
            raise SetupError(f"{self.name}: expected {words!r}, the bot said {text[:200]!r}")
        return message
