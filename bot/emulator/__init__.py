"""A Telegram Bot API emulator: the fake server of the tests and the server of `make demo`.

Typical journey test::

    async with FakeTelegram() as fake:
        bot = Bot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)))
        user = fake.world.add_user(1001, "Анна")
        fake.enqueue(fake.message_update(user, "/start"))  # the bot polls getUpdates
        await fake.wait_until(lambda: fake.bot_messages(user.id))
        fake.enqueue(fake.press(user, fake.last_bot_message(user.id), "Далее"))

Telegram misbehaving: ``fake.inject_faults(FaultPlan(seed=1, rate=0.2))`` makes a random
(reproducible) share of calls fail without side effects, ``fake.outage(60)`` loses the
network; afterwards ``fake.refused_calls()`` should be empty and every message there once.
"""

from .faults import DEFAULT_EXEMPT, FaultKind, FaultPlan
from .html_check import ParsedText, ParseError, parse_html, utf16_len
from .limits import RateLimits
from .protocol import ApiError, Call, Violation
from .server import FakeTelegram
from .world import Button, CallbackQuery, Chat, ForumTopic, SentMessage, StoredFile, User, World

__all__ = [
    "DEFAULT_EXEMPT",
    "ApiError",
    "Button",
    "Call",
    "CallbackQuery",
    "Chat",
    "FakeTelegram",
    "FaultKind",
    "FaultPlan",
    "ForumTopic",
    "ParseError",
    "ParsedText",
    "RateLimits",
    "SentMessage",
    "StoredFile",
    "User",
    "Violation",
    "World",
    "parse_html",
    "utf16_len",
]
