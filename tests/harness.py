"""The real bot (dispatcher, middlewares, database) driven through the fake Bot API.

Updates are fed to the dispatcher the way polling would hand them over; everything the bot
says goes over HTTP to the fake server, which checks it against Telegram's limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession

from bot.app import App, create_app
from bot.config import Settings
from bot.emulator import Chat, FakeTelegram, SentMessage, StoredFile, User
from bot.pacing import Limits
from services.programmes.loader import load_presets
from services.reminders.planner import Moment

LIMITS = Limits(private_per_second=50)
"""The fake lets journeys write fast to one person (see the `fake` fixture); groups keep
Telegram's 20 a minute."""
STAFF_CHAT_ID = -1001000000001
ADMIN_ID = 9001
TOKEN = "123456789:TEST-token"


class FrozenClock:
    """The one clock of the tests: it moves only when a test moves it.

    `now` is the bot's clock (`services.clock.Clock`); `monotonic` is the same time as
    seconds, for the fake server's rate limits (`FakeTelegram(clock=clock.monotonic)`).
    """

    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._now.timestamp()

    def set(self, now: datetime) -> None:
        """Jump to `now` (an aware datetime), forwards or back."""
        assert now.tzinfo is not None, "the clock keeps aware datetimes"
        self._now = now

    def advance(self, **delta: float) -> None:
        """Move forward by `timedelta(**delta)`: `advance(days=30)`, `advance(seconds=1)`."""
        self._now += timedelta(**delta)


def default_now() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


MOSCOW = ZoneInfo("Europe/Moscow")
"""The deployments' time zone (`TIMEZONE`'s default)."""


def moment(year: int, month: int, day: int, hour: int = 9) -> Moment:
    """A planner pass at `hour` o'clock in Moscow on that day, reminders due at 10:00."""
    return Moment(datetime(year, month, day, hour, tzinfo=MOSCOW).astimezone(UTC), MOSCOW, 10)


async def close_quickly(bot: Bot) -> None:
    """`bot.session.close()` without aiogram's 250 ms wait for SSL connections to close: the
    fake server speaks plain HTTP, and every bot of every test would wait for nothing."""
    session = bot.session
    if isinstance(session, AiohttpSession) and session._session is not None:
        await session._session.close()
    await session.close()


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
            await close_quickly(self.app.bot)
            await close_quickly(self.app.sender.bot)
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
