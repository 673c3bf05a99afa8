"""Telegram errors: 429 waits retry_after, 5xx and timeouts back off, 403 marks unreachable."""

from __future__ import annotations

import logging

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import SendMessage

from bot.telegram_retry import RetryMiddleware
from tests import seed
from tests.harness import STAFF_CHAT_ID


async def test_429_is_waited_out_and_the_message_arrives(bot, people) -> None:
    guest = people("Гость")
    bot.fake.fail_next("sendMessage", 429, retry_after=1, chat_id=guest.id)
    answer = await guest.send("/start")
    assert "ссылку-приглашение" in answer
    assert bot.fake.retry_after_violations == []
    statuses = [call.status for call in bot.fake.calls_of("sendMessage")]
    assert statuses == [429, 200]


async def test_server_errors_are_retried(bot, people) -> None:
    guest = people("Гость")
    bot.fake.fail_next("sendMessage", 502, times=2, chat_id=guest.id)
    assert "ссылку-приглашение" in await guest.send("/start")
    assert [call.status for call in bot.fake.calls_of("sendMessage")] == [502, 502, 200]


async def test_blocked_user_is_marked_unreachable_and_decision_stands(bot, people) -> None:
    await seed.schools(bot.app)
    staff = people("Ольга", staff=True)
    guest = people("Пётр")
    await guest.send("/start")
    await guest.send("🔑 Запросить доступ")
    await guest.press("Даю согласие")
    await guest.send("гимн")
    await guest.press("Гимназия № 5")
    await guest.send("Петров Пётр Петрович")
    await guest.send("Учитель")
    await guest.send("petrov@example.ru")
    guest.user.blocked_bot = True

    await staff.press("Одобрить", message=bot.fake.last_bot_message(STAFF_CHAT_ID))
    assert "Одобрено" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    assert [
        c.status
        for c in bot.fake.calls_of("sendMessage")
        if c.params.get("chat_id") == str(guest.id)
    ][-1] == 403
    async with bot.app.uow_factory() as uow:
        person = await uow.people.by_telegram_id(guest.id)
        assert person is not None and person.unreachable

    guest.user.blocked_bot = False
    await guest.send("/start")
    async with bot.app.uow_factory() as uow:
        person = await uow.people.by_telegram_id(guest.id)
        assert person is not None and not person.unreachable


class _Flaky:
    """make_request that fails with the given errors first, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, bot: object, method: object) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def _method() -> SendMessage:
    return SendMessage(chat_id=1, text="x")


async def test_retry_policy_waits_and_backs_off() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    middleware = RetryMiddleware(attempts=4, backoff=0.5, sleep=sleep)
    flaky = _Flaky(
        TelegramRetryAfter(_method(), "Too Many Requests: retry after 7", 7),
        TelegramNetworkError(_method(), "Request timeout error"),
        TelegramServerError(_method(), "Bad Gateway"),
    )
    assert await middleware(flaky, None, _method()) == "ok"  # type: ignore[arg-type]
    assert slept == [7, 1.0, 2.0]

    slept.clear()
    always = _Flaky(*[TelegramServerError(_method(), "Bad Gateway") for _ in range(4)])
    with pytest.raises(TelegramServerError):
        await middleware(always, None, _method())  # type: ignore[arg-type]
    assert always.calls == 4 and slept == [0.5, 1.0, 2.0]


async def test_one_log_line_per_update_without_personal_data(bot, people, caplog) -> None:
    guest = people("Гость")
    with caplog.at_level(logging.INFO, logger="coordbot.updates"):
        await guest.send("Меня зовут Секретов Секрет")
        await guest.send("/start")
    lines = [r.getMessage() for r in caplog.records if r.name == "coordbot.updates"]
    assert len(lines) == 2
    assert f"type=message user={guest.id} handler=handlers.ui.fallback.outside_dialog" in lines[0]
    assert "handler=handlers.people.onboarding.start_plain" in lines[1]
    assert not any("Секрет" in line for line in caplog.messages)
