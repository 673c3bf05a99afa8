"""The fake Telegram server, driven by a real aiogram Bot over HTTP."""

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    Message,
)

from bot.emulator import DEFAULT_EXEMPT, FakeTelegram, FaultKind, FaultPlan, RateLimits, User
from tests.harness import FrozenClock, close_quickly

MB = 1024 * 1024
NO_STALL: dict[FaultKind, float] = {
    "server_error": 1.0,
    "flood": 1.0,
    "malformed": 1.0,
    "disconnect": 1.0,
}
ANY_FAULT = (TelegramAPIError, ClientDecodeError)


@pytest.fixture
async def fake(clock: FrozenClock) -> AsyncIterator[FakeTelegram]:
    """Telegram's limits on the frozen clock: they move only when the test advances it."""
    async with FakeTelegram(clock=clock.monotonic, limits=RateLimits()) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot(fake.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await close_quickly(bot)


@pytest.fixture
async def impatient_bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    """A bot whose requests give up after 0.1 s, to meet injected timeouts quickly."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url), timeout=0.1)
    bot = Bot(fake.token, session=session)
    yield bot
    await close_quickly(bot)


@pytest.fixture
def user(fake: FakeTelegram) -> User:
    return fake.world.add_user(1001, "Анна", username="anna", started=True)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == 123456789
    assert me.is_bot
    assert me.username == "coord_test_bot"
    assert fake.calls_of("getMe")[0].status == 200


async def test_send_message_stores_plain_text_and_entities(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    html = '<b>Отчёт</b> &amp; <a href="https://example.org/?a=1&amp;b=2">ссылка</a> &#x1F600;'

    sent = await bot.send_message(user.id, html)

    stored = fake.last_bot_message(user.id)
    assert stored.text == "Отчёт & ссылка 😀"
    assert stored.html == html
    assert sent.text == stored.text
    assert sent.entities is not None
    assert sent.entities[1].url == "https://example.org/?a=1&b=2"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [
        ("bold", 0, 5),
        ("text_link", 8, 6),
    ]


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("Hello<div>x</div>", 'Unsupported start tag "div" at byte offset 5'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
        ("<a>link</a>", 'Tag "a" must have non-empty attribute "href" at byte offset 0'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Ё<u>x</ins>", 'Unmatched end tag at byte offset 6, expected "</u>", found "</ins>"'),
    ],
)
async def test_invalid_html_is_rejected_like_telegram(
    fake: FakeTelegram, bot: Bot, user: User, html: str, description: str
) -> None:
    with pytest.raises(TelegramBadRequest) as error:
        await bot.send_message(user.id, html)

    assert error.value.message == f"Bad Request: can't parse entities: {description}"
    assert fake.bot_messages(user.id) == []
    assert fake.calls_of("sendMessage")[-1].status == 400


async def test_text_without_parse_mode_is_taken_as_is(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    await bot.send_message(user.id, "1 < 2 & <div>", parse_mode=None)

    assert fake.last_bot_message(user.id).text == "1 < 2 & <div>"


async def test_text_length_is_counted_on_plain_text_in_utf16(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    await bot.send_message(user.id, "x" * 4096)
    markup_heavy = "<b>" + "&lt;" * 4000 + "</b>" + "y" * 96
    await bot.send_message(user.id, markup_heavy)

    for too_long in ["x" * 4097, "😀" * 2049]:  # the emoji take two UTF-16 units each
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(user.id, too_long)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "<b> </b>")

    texts = [m.text for m in fake.bot_messages(user.id)]
    assert texts == ["x" * 4096, "<" * 4000 + "y" * 96]


async def test_callback_data_is_limited_to_64_utf8_bytes(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    await bot.send_message(user.id, "ok", reply_markup=keyboard(("Да", "d" * 64)))

    for data in ["d" * 65, "я" * 33]:
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(user.id, "bad", reply_markup=keyboard(("Да", data)))
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(user.id, "bad", reply_markup=keyboard(("Да", "")))

    assert [m.text for m in fake.bot_messages(user.id)] == ["ok"]
    assert fake.last_bot_message(user.id).button("Да").callback_data == "d" * 64


async def test_callback_query_can_be_answered_once(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    await bot.send_message(user.id, "Подтвердить?", reply_markup=keyboard(("Да", "yes")))
    update = fake.press(user, fake.last_bot_message(user.id), "Да")
    query_id = update["callback_query"]["id"]

    await bot.answer_callback_query(query_id, text="Готово", show_alert=True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)

    query = fake.callback_query(query_id)
    assert (query.answered, query.answer_text, query.show_alert) == (True, "Готово", True)
    assert query.answer_count == 2
    with pytest.raises(AssertionError, match="no button"):
        fake.callback_update(user, fake.last_bot_message(user.id), "forged")


async def test_edit_checks_existence_and_changes(fake: FakeTelegram, bot: Bot, user: User) -> None:
    sent = await bot.send_message(user.id, "<i>v1</i>", reply_markup=keyboard(("Далее", "next")))

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="<i>v1</i>",
            chat_id=user.id,
            message_id=sent.message_id,
            reply_markup=keyboard(("Далее", "next")),
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="v2", chat_id=user.id, message_id=999)
    await bot.edit_message_text(text="v2", chat_id=user.id, message_id=sent.message_id)

    stored = fake.message(user.id, sent.message_id)
    assert (stored.text, stored.edited, stored.reply_markup) == ("v2", 1, None)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, 999)


async def test_global_rate_limit_and_retry_after_violations(
    fake: FakeTelegram, bot: Bot, clock: FrozenClock
) -> None:
    users = [fake.world.add_user(2000 + i, f"U{i}", started=True) for i in range(31)]
    for member in users[:30]:
        await bot.send_message(member.id, "hi")

    with pytest.raises(TelegramRetryAfter) as error:
        await bot.send_message(users[30].id, "hi")
    assert error.value.retry_after >= 1
    assert fake.retry_after_violations == []

    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[30].id, "too early")
    assert [(v.method, v.chat_id) for v in fake.retry_after_violations] == [
        ("sendMessage", users[30].id)
    ]

    clock.advance(seconds=error.value.retry_after)
    await bot.send_message(users[30].id, "after waiting")
    assert len(fake.retry_after_violations) == 1
    assert fake.last_bot_message(users[30].id).text == "after waiting"


async def test_private_chat_burst_then_one_per_second(
    fake: FakeTelegram, bot: Bot, user: User, clock: FrozenClock
) -> None:
    for n in range(3):
        await bot.send_message(user.id, f"burst {n}")
    with pytest.raises(TelegramRetryAfter) as error:
        await bot.send_message(user.id, "one too many")
    assert error.value.retry_after == 1

    clock.advance(seconds=1)
    await bot.send_message(user.id, "refilled")
    assert len(fake.bot_messages(user.id)) == 4


async def test_forbidden_chats(fake: FakeTelegram, bot: Bot) -> None:
    blocked = fake.world.add_user(3001, "Blocked", started=True, blocked_bot=True)
    stranger = fake.world.add_user(3002, "Stranger")
    group = fake.world.add_group(-1001, "Школа", bot_status="left")

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(blocked.id, "hi")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(stranger.id, "hi")
    with pytest.raises(TelegramForbiddenError, match="not a member of the supergroup chat"):
        await bot.send_message(group.id, "hi")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")

    fake.message_update(stranger, "/start")
    await bot.send_message(stranger.id, "now allowed")
    assert fake.last_bot_message(stranger.id).text == "now allowed"


async def test_files_upload_download_and_size_limit(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    big = fake.world.add_file("big.pdf", b"%PDF-1.4", size=30 * MB)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big.file_id)

    sent = await bot.send_document(
        user.id,
        BufferedInputFile(b"plan contents", filename="plan.docx"),
        caption="<b>План</b>",
    )
    assert sent.document is not None
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"plan contents"
    assert fake.last_bot_message(user.id).caption == "План"

    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(user.id, big.file_id, caption="c" * 1025)
    album = await bot.send_media_group(
        user.id,
        [
            InputMediaDocument(media=big.file_id),
            InputMediaDocument(media=BufferedInputFile(b"second", filename="b.txt")),
        ],
    )
    assert len({m.media_group_id for m in album}) == 1
    assert len(fake.bot_messages(user.id)) == 3


async def test_get_updates_round_trip(fake: FakeTelegram, bot: Bot, user: User) -> None:
    first = fake.message_update(user, "/start@coord_test_bot hello")
    fake.enqueue(first)

    updates = await bot.get_updates(timeout=1)
    assert [u.update_id for u in updates] == [first["update_id"]]
    message = updates[0].message
    assert message is not None and message.text == "/start@coord_test_bot hello"
    assert [(e.type, e.length) for e in message.entities or []] == [("bot_command", 21)]

    poll = asyncio.create_task(bot.get_updates(offset=first["update_id"] + 1, timeout=5))
    await asyncio.sleep(0.05)
    assert fake.pending_updates == []
    second = fake.callback_update(
        user, fake.world.message(user.id, 1) or message, "x", check_button=False
    )
    fake.enqueue(second)
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [second["update_id"]]
    assert updates[0].callback_query is not None
    assert updates[0].callback_query.data == "x"


async def test_dispatcher_polling_journey(fake: FakeTelegram, bot: Bot, user: User) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Привет, <b>{message.from_user.first_name}</b>!")  # type: ignore[union-attr]

    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, polling_timeout=1, close_bot_session=False
        )
    )
    try:
        fake.enqueue(fake.message_update(user, "/start"))
        await fake.wait_until(lambda: fake.bot_messages(user.id))
    finally:
        await dispatcher.stop_polling()
        await polling

    assert fake.last_bot_message(user.id).text == "Привет, Анна!"


async def test_fail_next_injects_server_error(fake: FakeTelegram, bot: Bot, user: User) -> None:
    fake.fail_next("sendMessage", status=500)

    with pytest.raises(TelegramServerError):
        await bot.send_message(user.id, "lost")
    await bot.send_message(user.id, "delivered")

    assert [(c.status, c.injected) for c in fake.calls_of("sendMessage")] == [
        (500, True),
        (200, False),
    ]
    assert [m.text for m in fake.bot_messages(user.id)] == ["delivered"]


async def test_wire_format_for_other_clients(fake: FakeTelegram, user: User) -> None:
    base = f"{fake.base_url}/bot{fake.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.post(
            f"{base}/sendMessage", json={"chat_id": user.id, "text": "json"}
        ) as response:
            assert (await response.json())["result"]["text"] == "json"
        async with http.get(
            f"{base}/sendMessage", params={"chat_id": user.id, "text": "query"}
        ) as response:
            assert response.status == 200
        async with http.post(f"{fake.base_url}/bot1:wrong/getMe") as response:
            assert response.status == 401

    assert [m.text for m in fake.bot_messages(user.id)] == ["json", "query"]


def only(kind: FaultKind, **options: Any) -> FaultPlan:
    """A plan under which every non-exempt call fails with ``kind``."""
    return FaultPlan(seed=1, rate=1.0, weights={kind: 1.0}, **options)


@pytest.mark.parametrize(
    ("kind", "error_class"),
    [
        ("server_error", TelegramServerError),
        ("flood", TelegramRetryAfter),
        ("malformed", ClientDecodeError),
        ("disconnect", TelegramNetworkError),
    ],
)
async def test_injected_fault_reaches_aiogram_as(
    fake: FakeTelegram, bot: Bot, user: User, kind: FaultKind, error_class: type[Exception]
) -> None:
    fake.inject_faults(only(kind))
    with pytest.raises(error_class):
        await bot.send_message(user.id, "lost")
    fake.inject_faults(None)
    await bot.send_message(user.id, "delivered")

    assert [m.text for m in fake.bot_messages(user.id)] == ["delivered"]
    assert [c.injected for c in fake.calls_of("sendMessage")] == [True, False]
    assert fake.faults_injected == Counter({kind: 1})
    assert fake.refused_calls() == []


async def test_malformed_responses_are_client_decode_errors(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    fake.inject_faults(only("malformed"))
    seen: dict[str | None, str] = {}
    for _ in range(12):
        with pytest.raises(ClientDecodeError) as error:
            await bot.send_message(user.id, "lost")
        seen[fake.calls[-1].description] = error.value.message

    assert seen == {
        "malformed response: cut JSON": "Failed to decode object",
        "malformed response: HTML page": "Failed to decode object",
        "malformed response: wrong result": "Failed to deserialize object",
    }
    assert {c.status for c in fake.calls} == {200}
    assert fake.bot_messages(user.id) == []
    # Not an API error: `except TelegramAPIError` lets it through.
    assert not issubclass(ClientDecodeError, TelegramAPIError)


async def test_timeout_fault_stalls_then_drops_the_connection(
    fake: FakeTelegram, bot: Bot, impatient_bot: Bot, user: User
) -> None:
    fake.inject_faults(only("timeout", stall_seconds=0.3))
    with pytest.raises(TelegramNetworkError, match="Request timeout error"):
        await impatient_bot.send_message(user.id, "gave up waiting")
    fake.inject_faults(only("timeout", stall_seconds=0.05))
    with pytest.raises(TelegramNetworkError, match="Server disconnected"):
        await bot.send_message(user.id, "waited, got nothing")
    await asyncio.sleep(0.3)  # the first stall is over by now: still no effect
    fake.inject_faults(None)
    await bot.send_message(user.id, "delivered")

    assert [m.text for m in fake.bot_messages(user.id)] == ["delivered"]
    assert [(c.status, c.injected) for c in fake.calls_of("sendMessage")] == [
        (0, True),
        (0, True),
        (200, False),
    ]
    assert fake.faults_injected == Counter({"timeout": 2})


async def test_stop_does_not_wait_for_a_stall(
    fake: FakeTelegram, impatient_bot: Bot, user: User
) -> None:
    fake.inject_faults(only("timeout", stall_seconds=30))
    with pytest.raises(TelegramNetworkError):
        await impatient_bot.send_message(user.id, "lost")

    started = time.monotonic()
    await fake.stop()
    assert time.monotonic() - started < 5


async def test_injected_flood_asks_for_a_real_wait(
    fake: FakeTelegram, bot: Bot, user: User, clock: FrozenClock
) -> None:
    fake.inject_faults(only("flood", retry_after=2))
    with pytest.raises(TelegramRetryAfter) as error:
        await bot.send_message(user.id, "lost")
    assert error.value.retry_after == 2
    fake.inject_faults(None)

    clock.advance(seconds=1)
    await bot.send_message(user.id, "too early")
    assert [(v.method, v.chat_id) for v in fake.retry_after_violations] == [
        ("sendMessage", user.id)
    ]
    clock.advance(seconds=1)
    await bot.send_message(user.id, "in time")
    assert len(fake.retry_after_violations) == 1


async def test_faulted_calls_have_no_side_effect(fake: FakeTelegram, bot: Bot, user: User) -> None:
    sent = await bot.send_message(user.id, "v1", reply_markup=keyboard(("Да", "yes")))
    query_id = fake.press(user, fake.last_bot_message(user.id), "Да")["callback_query"]["id"]

    fake.inject_faults(FaultPlan(seed=3, rate=1.0, weights=NO_STALL))
    for _ in range(8):
        with pytest.raises(ANY_FAULT):
            await bot.edit_message_text(text="v2", chat_id=user.id, message_id=sent.message_id)
        with pytest.raises(ANY_FAULT):
            await bot.answer_callback_query(query_id, text="Готово")
        with pytest.raises(ANY_FAULT):
            await bot.send_message(user.id, "lost")
        with pytest.raises(ANY_FAULT):
            await bot.delete_message(user.id, sent.message_id)
    fake.inject_faults(None)
    await bot.answer_callback_query(query_id, text="Готово")

    stored = fake.message(user.id, sent.message_id)
    assert (stored.text, stored.edited, stored.deleted) == ("v1", 0, False)
    assert [m.text for m in fake.bot_messages(user.id)] == ["v1"]
    query = fake.callback_query(query_id)
    assert (query.answer_count, query.answer_text) == (1, "Готово")
    assert set(fake.faults_injected) == set(NO_STALL)
    assert fake.refused_calls() == []


async def fault_sequence(
    fake: FakeTelegram, bot: Bot, user: User, plan: FaultPlan, *, with_get_me: bool = False
) -> list[str | None]:
    """Send 60 messages under ``plan``: each call's injected fault, or None."""
    fake.inject_faults(plan)
    start = len(fake.calls_of("sendMessage"))
    for n in range(60):
        with contextlib.suppress(*ANY_FAULT):
            await bot.send_message(user.id, f"#{n}")
        if with_get_me:
            await bot.get_me()  # exempt: draws nothing, so it does not shift the sequence
    fake.inject_faults(None)
    return [c.description if c.injected else None for c in fake.calls_of("sendMessage")[start:]]


async def test_same_seed_same_faults(fake: FakeTelegram, bot: Bot, user: User) -> None:
    fake.limits.enabled = False
    plan = FaultPlan(seed=42, rate=0.3, weights=NO_STALL)

    first = await fault_sequence(fake, bot, user, plan)
    again = await fault_sequence(fake, bot, user, plan, with_get_me=True)
    other_seed = await fault_sequence(fake, bot, user, replace(plan, seed=43))

    assert first == again
    assert other_seed != first
    assert 5 < sum(fault is not None for fault in first) < 35


async def test_exempt_methods_never_fail(fake: FakeTelegram, bot: Bot, user: User) -> None:
    fake.inject_faults(FaultPlan(seed=5, rate=1.0, weights=NO_STALL))
    await bot.get_me()
    await bot.delete_webhook()
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    await bot.delete_my_commands()
    await bot.set_chat_menu_button()
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(ANY_FAULT):
        await bot.send_message(user.id, "lost")
    assert [c.method for c in fake.calls if c.injected] == ["sendMessage"]

    fake.inject_faults(
        FaultPlan(seed=5, rate=1.0, weights=NO_STALL, exempt=frozenset({"sendMessage"}))
    )
    await bot.send_message(user.id, "delivered")
    with pytest.raises(ANY_FAULT):
        await bot.get_me()
    assert "getUpdates" in DEFAULT_EXEMPT
    with pytest.raises(ValueError, match="getUpdate"):
        fake.inject_faults(FaultPlan(seed=5, exempt=DEFAULT_EXEMPT | {"getUpdate"}))


@pytest.mark.parametrize(
    "options",
    [
        {"rate": 1.5},
        {"weights": {"teapot": 1.0}},
        {"weights": {"flood": 0.0}},
        {"weights": {"flood": -1.0, "disconnect": 2.0}},
        {"retry_after": 0},
        {"stall_seconds": -1},
    ],
)
def test_fault_plan_rejects_nonsense(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FaultPlan(seed=1, **options)


async def test_share_of_faulted_calls_follows_the_plan(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    fake.limits.enabled = False
    fake.inject_faults(FaultPlan(seed=2024, rate=0.1, weights=NO_STALL))
    for n in range(500):
        with contextlib.suppress(*ANY_FAULT):
            await bot.send_message(user.id, f"#{n}")

    injected = [c for c in fake.calls if c.injected]
    assert 30 <= len(injected) <= 70  # 50 expected; the seed makes it exact anyway
    assert fake.faults_injected.total() == len(injected)
    assert set(fake.faults_injected) == set(NO_STALL)
    assert len(fake.bot_messages(user.id)) == 500 - len(injected)
    assert fake.refused_calls() == []


async def test_outage_drops_every_call_and_loses_nothing(
    fake: FakeTelegram, bot: Bot, user: User, clock: FrozenClock
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    fake.outage(60)
    with pytest.raises(TelegramNetworkError, match="Server disconnected"):
        await asyncio.wait_for(poll, 2)
    update = fake.message_update(user, "/start")
    fake.enqueue(update)
    with pytest.raises(TelegramNetworkError):
        await bot.get_updates(timeout=1)
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(user.id, "lost")
    assert fake.network_is_down

    clock.advance(seconds=60)
    assert [u.update_id for u in await bot.get_updates(timeout=1)] == [update["update_id"]]
    await bot.send_message(user.id, "delivered")

    assert [m.text for m in fake.bot_messages(user.id)] == ["delivered"]
    assert [(c.method, c.status) for c in fake.calls if c.injected] == [
        ("getUpdates", 0),
        ("getUpdates", 0),
        ("getMe", 0),
        ("sendMessage", 0),
    ]
    assert fake.faults_injected == Counter({"disconnect": 4})


async def test_network_down_until_up_includes_file_downloads(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    stored = fake.world.add_file("plan.pdf", b"%PDF-1.4")
    fake.network_down()
    with pytest.raises(TelegramNetworkError):
        await bot.get_file(stored.file_id)
    # Downloads are not wrapped by aiogram: the bare aiohttp error comes through.
    with pytest.raises(aiohttp.ClientConnectionError):
        await bot.download_file(stored.file_path)

    fake.network_up()
    downloaded = await bot.download_file(stored.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"%PDF-1.4"


async def test_refused_calls_are_the_bots_mistakes_only(
    fake: FakeTelegram, bot: Bot, user: User
) -> None:
    blocked = fake.world.add_user(3001, "Blocked", started=True, blocked_bot=True)
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(user.id, "injected")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(user.id, "<b>unclosed")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(blocked.id, "hi")
    fake.inject_faults(only("flood"))
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(user.id, "flooded")
    fake.inject_faults(None)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("404")

    refused = fake.refused_calls()
    assert [(c.method, c.status) for c in refused] == [
        ("sendMessage", 400),
        ("answerCallbackQuery", 400),
    ]
    assert refused[0].params["text"] == "<b>unclosed"
