"""The real bot (dispatcher, middlewares, database) driven through the fake Bot API.

Updates are fed to the dispatcher the way polling would hand them over; everything the bot
says goes over HTTP to the fake server, which checks it against Telegram's limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import App, create_app
from bot.config import Settings
from bot.pacing import Limits
from services.programmes.definitions import load_presets
from tests.fake_telegram import Chat, FakeTelegram, SentMessage, StoredFile, User

LIMITS = Limits(private_per_second=50)
"""The fake lets journeys write fast to one person (see the `fake` fixture); groups keep
Telegram's 20 a minute."""
STAFF_CHAT_ID = -1001000000001
ADMIN_ID = 9001
TOKEN = "123456789:TEST-token"


class FrozenClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


def default_now() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class BotUnderTest:
    """One bot process: `restart()` builds a new one over the same database, as a restart does."""

    def __init__(
        self,
        fake: FakeTelegram,
        database_url: str,
        clock: FrozenClock,
        programme: tuple[str, ...] = ("krasnodar-digital",),
    ) -> None:
        self.fake = fake
        self.clock = clock
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            bot_token=TOKEN,
            bot_api_base_url=fake.base_url,
            database_url=database_url,
            staff_chat_id=STAFF_CHAT_ID,
            admin_ids=frozenset({ADMIN_ID}),
            staff_cache_seconds=0,
            programme=programme,
        )
        self.app: App | None = None
        self.deliver = True
        """Deliver the outbox after each update; off, rows wait as when Telegram is away."""

    async def start(self) -> None:
        self.app = create_app(
            self.settings, load_presets(self.settings.programme), clock=self.clock, limits=LIMITS
        )

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def feed(self, update: dict[str, Any]) -> None:
        """Handle the update, then deliver what it put in the outbox (cards, notices), as
        the running bot's sender does as soon as it is woken."""
        assert self.app is not None, "the bot is not running"
        await self.app.dispatcher.feed_raw_update(self.app.bot, update)
        if self.deliver:
            await self.app.sender.drain()


@dataclass
class Person:
    """A Telegram user at their phone: writes, taps buttons, reads what the bot answered."""

    bot: BotUnderTest
    user: User

    @property
    def fake(self) -> FakeTelegram:
        return self.bot.fake

    @property
    def id(self) -> int:
        return self.user.id

    def messages(self) -> list[SentMessage]:
        return self.fake.bot_messages(self.user.id)

    @property
    def last(self) -> SentMessage:
        return self.fake.last_bot_message(self.user.id)

    def texts_since(self, count: int) -> str:
        return "\n---\n".join(m.text or m.caption or "" for m in self.messages()[count:])

    async def send(self, text: str | None = None, **kwargs: Any) -> str:
        """Send a message; returns everything the bot answered, joined."""
        before = len(self.messages())
        await self.bot.feed(self.fake.message_update(self.user, text, **kwargs))
        return self.texts_since(before)

    async def send_in(self, chat: Chat, text: str, **kwargs: Any) -> None:
        await self.bot.feed(self.fake.message_update(self.user, text, chat=chat, **kwargs))

    async def send_file(self, file: StoredFile) -> str:
        return await self.send(document=file)

    async def press(self, button_text: str, message: SentMessage | None = None) -> str:
        """Tap an inline button (on the newest bot message that has it, unless given)."""
        target = message or self._message_with(button_text)
        before = len(self.messages())
        update = self.fake.press(self.user, target, button_text)
        await self.bot.feed(update)
        query = self.fake.callback_query(update["callback_query"]["id"])
        assert query.answered, f"callback {button_text!r} was not answered"
        return self.texts_since(before)

    def _message_with(self, button_text: str) -> SentMessage:
        for message in reversed(self.messages()):
            if message.inline_keyboard and any(
                button_text in b.text for row in message.buttons() for b in row
            ):
                return message
        raise AssertionError(
            f"no message of the bot to {self.user.id} has a button {button_text!r}; "
            f"last: {self.last.text!r} {self.last.buttons()}"
        )

    def reply_buttons(self) -> list[str]:
        """The reply keyboard currently shown (from the newest message that set one)."""
        for message in reversed(self.messages()):
            if message.reply_keyboard:
                return [b.text for row in message.buttons() for b in row]
        return []
