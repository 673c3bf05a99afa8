"""Webhook mode: Telegram POSTs updates with its secret token, perhaps twice, perhaps to
different instances of the bot behind a load balancer."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from pydantic import SecretStr

from bot.app import App, create_app
from bot.webhook import start_webhook, stop_webhook
from services.programmes.loader import load_presets
from tests.harness import LIMITS, BotUnderTest, Person, close_quickly

SECRET = "s3cret-Token_for-tests"

Instance = Callable[[], AbstractAsyncContextManager[tuple[App, str]]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def instance(bot: BotUnderTest) -> Instance:
    """Another process of the bot in webhook mode over the same database: (app, its URL)."""

    @asynccontextmanager
    async def started() -> AsyncIterator[tuple[App, str]]:
        port = _free_port()
        url = f"http://127.0.0.1:{port}/telegram"
        settings = bot.settings.model_copy(
            update={
                "webhook_url": url,
                "webhook_secret": SecretStr(SECRET),
                "webhook_listen": f"127.0.0.1:{port}",
            }
        )
        app = create_app(settings, load_presets(settings.programme), bot.clock, LIMITS)
        runner = await start_webhook(app)
        try:
            yield app, url
        finally:
            await stop_webhook(runner, within=10)
            await close_quickly(app.bot)
            await close_quickly(app.sender.bot)
            await app.close()

    return started


async def test_set_webhook_with_the_secret_and_refuse_requests_without_it(
    bot: BotUnderTest, instance: Instance, people: Callable[..., Person]
) -> None:
    stranger = people("Пётр")
    async with instance() as (_, url):
        assert bot.fake.webhook.url == url and bot.fake.webhook.secret == SECRET
        forged = bot.fake.message_update(stranger.user, "/start")
        assert await bot.fake.deliver(forged, secret="guessed") == 401
        assert await bot.fake.deliver(forged, secret="") == 401
        assert await bot.fake.deliver(bot.fake.message_update(stranger.user, "/help")) == 200
        await bot.fake.wait_until(lambda: stranger.messages(), within=10)
    assert len(stranger.messages()) == 1, "only the request with the secret was answered"


async def test_an_update_delivered_again_is_answered_once(
    bot: BotUnderTest, instance: Instance, coordinator: Person
) -> None:
    maria = coordinator
    before = len(maria.messages())
    update = bot.fake.message_update(maria.user, "📣 Анонс мероприятия")
    async with instance():
        assert await bot.fake.deliver(update) == 200
        await bot.fake.wait_until(lambda: len(maria.messages()) > before, within=10)
        assert await bot.fake.deliver(update) == 200  # as if Telegram missed the first 200
        # her next message is handled after the copy (one person's updates wait in turn)
        title = bot.fake.message_update(maria.user, "Семинар «Цифровая школа»")
        assert await bot.fake.deliver(title) == 200
        await bot.fake.wait_until(lambda: "Шаг 2 из 7" in (maria.last.text or ""), within=10)
    answers = [m.text or "" for m in maria.messages()[before:]]
    assert len(answers) == 2 and "Шаг 1 из 7" in answers[0], answers


async def test_a_stopping_instance_finishes_what_it_answered(
    bot: BotUnderTest, instance: Instance, people: Callable[..., Person]
) -> None:
    """Telegram got its 200 and will not send the update again: a SIGTERM right after must
    not lose the answer (a redeploy)."""
    stranger = people("Пётр")
    async with instance():
        bot.fake.delay_next("sendMessage", 1.0)
        assert await bot.fake.deliver(bot.fake.message_update(stranger.user, "/help")) == 200
    assert len(stranger.messages()) == 1


@pytest.mark.postgres
class TestSeveralInstances:
    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """Several processes share one database: PostgreSQL (on SQLite there is one bot)."""
        return postgres_database_url

    async def test_one_persons_quick_messages_are_handled_in_order(
        self, bot: BotUnderTest, instance: Instance, coordinator: Person
    ) -> None:
        maria = coordinator
        await maria.send("📣 Анонс мероприятия")
        await maria.send("Семинар «Цифровая школа»")
        assert "Шаг 3 из 7" in await maria.press("мастер-класс")
        before = len(maria.messages())
        async with instance() as (_, first), instance() as (_, second):
            # three messages in quick succession, the middle one to the other instance
            for text, url in (
                ("15.12.2026 10:00", first),
                ("Актовый зал, ул. Ленина, 1", second),
                ("Учителя информатики района", first),
            ):
                assert await bot.fake.deliver(bot.fake.message_update(maria.user, text), url=url)
            await bot.fake.wait_until(lambda: len(maria.messages()) >= before + 3, within=20)
        answers = [m.text or "" for m in maria.messages()[before:]]
        assert ["Шаг 4 из 7" in answers[0], "Шаг 5 из 7" in answers[1]] == [True, True], answers
        assert "Шаг 6 из 7" in answers[2], answers


async def test_an_update_fed_twice_to_the_dispatcher_is_handled_once(
    bot: BotUnderTest, coordinator: Person
) -> None:
    """The same in polling mode, or when two instances got the copies at once."""
    maria = coordinator
    before = len(maria.messages())
    update = bot.fake.message_update(maria.user, "📣 Анонс мероприятия")
    await bot.feed(update)
    await bot.feed(update)
    await maria.send("Семинар «Цифровая школа»")
    answers = [m.text or "" for m in maria.messages()[before:]]
    assert len(answers) == 2 and "Шаг 2 из 7" in answers[1], answers
