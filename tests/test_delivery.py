"""The outbox and the sender: planned once, claimed once, sent within Telegram's limits."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.config import Settings
from bot.delivery import LEASE, Sender, create_sender_bot
from bot.emulator import FakeTelegram, RateLimits
from bot.leases import Leases
from bot.pacing import Limits
from handlers.outgoing import Delivered
from services import outbox
from services.outbox import Planned
from storage.db import create_engine, create_session_factory
from storage.models import Person, Reminder, ReminderStatus, UserSettings
from storage.uow import UnitOfWorkFactory
from tests.harness import TOKEN, FrozenClock, close_quickly, default_now


@dataclass
class Outbox:
    uow: UnitOfWorkFactory
    fake: FakeTelegram
    bot: Bot
    clock: FrozenClock

    def sender(self, owner: str = "sender-1", limits: Limits | None = None) -> Sender:
        return Sender(self.bot, self.uow, _Reminders(), owner, self.clock.now, limits)

    async def plan(self, *items: Planned) -> int:
        async with self.uow() as uow:
            return await outbox.plan(uow, items)

    async def rows(self) -> list[Reminder]:
        async with self.uow() as uow:
            return list(await uow.session.scalars(select(Reminder).order_by(Reminder.id)))

    async def row(self, key: str) -> Reminder:
        return next(row for row in await self.rows() if row.key == key)

    def sends_to(self, chat_id: int) -> list[int]:
        return [
            call.status
            for call in self.fake.calls_of("sendMessage")
            if call.params.get("chat_id") == str(chat_id)
        ]


class _Reminders:
    """Each row as `[language] напоминание <key>`; rows of the rule "gone" no longer apply."""

    async def deliver(self, bot: Bot, row: Reminder, language: str) -> Delivered | None:
        if row.rule == "gone":
            return None
        sent = await bot.send_message(row.chat_id, f"[{language}] напоминание {row.key}")
        return Delivered(sent.message_id)

    async def undelivered(self, row: Reminder, now: datetime) -> list[Planned]:
        return []


def planned(key: str, chat_id: int, due: datetime | None = None, **kwargs: object) -> Planned:
    return Planned(
        key=key,
        rule=str(kwargs.pop("rule", "deadline")),
        subject=str(kwargs.pop("subject", "submission:1")),
        chat_id=chat_id,
        due_at=due or default_now() - timedelta(minutes=1),
        **kwargs,  # type: ignore[arg-type]
    )


async def _make_outbox(fake: FakeTelegram, database_url: str) -> AsyncIterator[Outbox]:
    engine = create_engine(database_url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=TOKEN,
        bot_api_base_url=fake.base_url,
        database_url=database_url,
    )
    bot = create_sender_bot(settings)
    try:
        yield Outbox(
            UnitOfWorkFactory(create_session_factory(engine)), fake, bot, FrozenClock(default_now())
        )
    finally:
        await close_quickly(bot)
        await engine.dispose()


@pytest.fixture
async def box(fake: FakeTelegram, database_url: str) -> AsyncIterator[Outbox]:
    async for made in _make_outbox(fake, database_url):
        yield made


@pytest.fixture
async def strict_fake() -> AsyncIterator[FakeTelegram]:
    """Telegram's real limits: a burst of 3 per private chat, 30/s overall."""
    server = FakeTelegram(TOKEN, limits=RateLimits())
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def strict_box(strict_fake: FakeTelegram, database_url: str) -> AsyncIterator[Outbox]:
    async for made in _make_outbox(strict_fake, database_url):
        yield made


def user(box: Outbox, user_id: int) -> int:
    box.fake.world.add_user(user_id, f"User {user_id}", started=True)
    return user_id


# ------------------------------------------------------------------ the outbox


async def test_planning_twice_plans_once(box: Outbox) -> None:
    items = [planned("deadline:submission:1:1001:d-3", 1001), planned("x:2", 1002)]
    assert await box.plan(*items) == 2
    assert await box.plan(*items, planned("x:3", 1003)) == 1
    assert sorted(row.key for row in await box.rows()) == sorted(
        ["deadline:submission:1:1001:d-3", "x:2", "x:3"]
    )


async def test_two_claimers_never_get_the_same_row(box: Outbox) -> None:
    await box.plan(*(planned(f"k{i}", 1000 + i) for i in range(60)))
    now = default_now()

    async def claim(owner: str) -> list[int]:
        taken: list[int] = []
        while True:
            async with box.uow() as uow:
                rows = await outbox.claim_due(uow, owner, now, 7)
            if not rows:
                return taken
            taken += [row.id for row in rows]

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert not set(first) & set(second)
    assert len(first) + len(second) == 60
    owners = {row.id: row.claimed_by for row in await box.rows()}
    assert all(owners[i] == "a" for i in first) and all(owners[i] == "b" for i in second)


async def test_claims_oldest_due_first_and_only_due(box: Outbox) -> None:
    now = default_now()
    await box.plan(
        planned("late", 1, now - timedelta(hours=1)),
        planned("later", 2, now - timedelta(minutes=1)),
        planned("future", 3, now + timedelta(minutes=1)),
    )
    async with box.uow() as uow:
        rows = await outbox.claim_due(uow, "a", now, 10)
    assert [row.key for row in rows] == ["late", "later"]
    assert all(row.status == ReminderStatus.CLAIMED and row.claimed_at == now for row in rows)


async def test_a_chat_gets_its_rows_one_at_a_time_in_order(box: Outbox) -> None:
    now = default_now()
    await box.plan(
        planned("a1", 1, now - timedelta(minutes=3)),
        planned("a2", 1, now - timedelta(minutes=2)),
        planned("b1", 2, now - timedelta(minutes=1)),
        planned("a3", 1, now - timedelta(minutes=1)),
    )
    async with box.uow() as uow:
        first = await outbox.claim_due(uow, "s", now, 10)
    assert [row.key for row in first] == ["a1", "b1"]
    async with box.uow() as uow:
        assert await outbox.claim_due(uow, "s", now, 10) == [], "a1 is still in flight"
        await outbox.mark_sent(uow, first[0].id, "s", now)
    async with box.uow() as uow:
        assert [row.key for row in await outbox.claim_due(uow, "s", now, 10)] == ["a2"]


async def test_a_row_waiting_for_its_retry_holds_back_the_rest_of_its_chat(box: Outbox) -> None:
    now = default_now()
    await box.plan(planned("card", 1), planned("edit", 1))
    async with box.uow() as uow:
        card = (await outbox.claim_due(uow, "s", now, 10))[0]
        await outbox.mark_retry(uow, card.id, "s", now + timedelta(minutes=1), "502")
    await box.plan(planned("other", 2))
    async with box.uow() as uow:
        assert [row.key for row in await outbox.claim_due(uow, "s", now, 10)] == ["other"]
    later = now + timedelta(minutes=1)
    async with box.uow() as uow:
        assert [row.key for row in await outbox.claim_due(uow, "s", later, 10)] == ["card"]


async def test_drain_sends_every_row_of_a_busy_chat_in_order(box: Outbox) -> None:
    chat = user(box, 1501)
    now = default_now()
    await box.plan(*(planned(f"k{i}", chat, now - timedelta(minutes=10 - i)) for i in range(4)))
    report = await box.sender(limits=Limits(private_per_second=50)).drain()
    assert report.sent == 4
    assert [m.text for m in box.fake.bot_messages(chat)] == [
        f"[ru] напоминание k{i}" for i in range(4)
    ]


async def test_cancel_keeps_the_given_keys_and_claimed_rows(box: Outbox) -> None:
    await box.plan(planned("a", 1), planned("b", 2), planned("c", 3, subject="school:1"))
    async with box.uow() as uow:
        await outbox.claim_due(uow, "x", default_now(), 1)  # "a" is being sent
    async with box.uow() as uow:
        assert await outbox.cancel(uow, "submission:1", keep_keys=["keep"]) == 1
    statuses = {row.key: row.status for row in await box.rows()}
    assert statuses == {
        "a": ReminderStatus.CLAIMED,
        "b": ReminderStatus.CANCELLED,
        "c": ReminderStatus.PLANNED,
    }


async def test_stale_claims_are_recovered(box: Outbox) -> None:
    now = default_now()
    await box.plan(planned("a", 1, now - timedelta(hours=1)), planned("b", 2))
    async with box.uow() as uow:
        await outbox.claim_due(uow, "dead", now - timedelta(minutes=20), 1)
        await outbox.claim_due(uow, "alive", now, 1)
    async with box.uow() as uow:
        assert await outbox.recover_stale(uow, now, timedelta(minutes=10)) == 1
    rows = {row.key: row for row in await box.rows()}
    assert rows["a"].status == ReminderStatus.PLANNED and rows["a"].claimed_by is None
    assert rows["b"].status == ReminderStatus.CLAIMED
    async with box.uow() as uow:  # the dead owner can no longer settle what it lost
        assert not await outbox.mark_sent(uow, rows["a"].id, "dead", now)


async def test_the_lease_has_one_holder_until_it_expires(box: Outbox) -> None:
    now, ttl = default_now(), timedelta(seconds=60)
    async with box.uow() as uow:
        assert await outbox.acquire_lease(uow, "sender", "a", now, ttl)
        assert not await outbox.acquire_lease(uow, "sender", "b", now + timedelta(seconds=30), ttl)
        assert await outbox.acquire_lease(uow, "sender", "a", now + timedelta(seconds=30), ttl)
        assert not await outbox.acquire_lease(uow, "sender", "b", now + timedelta(seconds=89), ttl)
        assert await outbox.acquire_lease(uow, "sender", "b", now + timedelta(seconds=91), ttl)
        assert not await outbox.acquire_lease(uow, "sender", "a", now + timedelta(seconds=92), ttl)
        assert await outbox.release_lease(uow, "sender", "b")
        assert await outbox.acquire_lease(uow, "sender", "a", now + timedelta(seconds=93), ttl)


# ------------------------------------------------------------------ the sender


async def test_sends_due_reminders_in_the_recipients_language(box: Outbox) -> None:
    user(box, 1001)
    user(box, 1002)
    async with box.uow() as uow:
        uow.settings.add(UserSettings(telegram_id=1002, client_language="en-GB"))
        await uow.commit()
    await box.plan(planned("a", 1001), planned("b", 1002), planned("gone", 1001, rule="gone"))
    report = await box.sender().drain()
    assert (report.sent, report.counts["cancelled"]) == (2, 1)
    assert box.fake.last_bot_message(1001).text == "[ru] напоминание a"
    assert box.fake.last_bot_message(1002).text == "[en] напоминание b"
    statuses = {row.key: row.status for row in await box.rows()}
    assert statuses == {
        "a": ReminderStatus.SENT,
        "b": ReminderStatus.SENT,
        "gone": ReminderStatus.CANCELLED,
    }


async def test_429_pauses_every_send_then_the_row_is_sent(box: Outbox) -> None:
    chats = [user(box, 2000 + i) for i in range(5)]
    await box.plan(*(planned(f"k{chat}", chat) for chat in chats))
    box.fake.fail_next("sendMessage", 429, retry_after=1)
    report = await box.sender().drain()
    assert report.sent == 5
    assert box.fake.retry_after_violations == []
    calls = box.fake.calls_of("sendMessage")
    assert sorted(call.status for call in calls) == [200] * 5 + [429]
    refused = next(call for call in calls if call.status == 429)
    again = [call for call in calls if call.params["chat_id"] == refused.params["chat_id"]]
    assert [call.status for call in again] == [429, 200]
    assert again[1].at - refused.at >= 1
    assert {row.status for row in await box.rows()} == {ReminderStatus.SENT}


async def test_server_error_is_retried_later_then_sent(box: Outbox) -> None:
    chat = user(box, 3001)
    await box.plan(planned("k", chat))
    box.fake.fail_next("sendMessage", 502)
    report = await box.sender().drain()
    assert (report.sent, report.counts["retried"]) == (0, 1)
    row = await box.row("k")
    assert row.status == ReminderStatus.PLANNED and row.attempts == 1
    assert row.due_at == default_now() + timedelta(seconds=5)

    assert (await box.sender().drain()).total == 0  # not due yet
    box.clock.advance(seconds=6)
    assert (await box.sender().drain()).sent == 1
    assert (await box.row("k")).status == ReminderStatus.SENT
    assert box.sends_to(chat) == [502, 200]


async def test_server_errors_give_up_after_the_last_attempt(box: Outbox) -> None:
    chat = user(box, 3002)
    await box.plan(planned("k", chat))
    box.fake.fail_next("sendMessage", 500, times=5)
    delays = []
    for _ in range(5):
        await box.sender(limits=Limits(max_attempts=5)).drain()
        row = await box.row("k")
        delays.append(row.due_at - box.clock.now())
        box.clock.advance(minutes=5)
    assert delays[:4] == [timedelta(seconds=s) for s in (5, 10, 20, 40)]
    assert row.status == ReminderStatus.FAILED and row.attempts == 5


async def test_blocked_user_is_unreachable_and_never_retried(box: Outbox) -> None:
    chat = user(box, 4001)
    async with box.uow() as uow:
        uow.people.add(Person(telegram_id=chat, full_name="Пётр", consent_at=default_now()))
        await uow.commit()
    box.fake.world.users[chat].blocked_bot = True
    await box.plan(planned("k", chat))

    assert (await box.sender().drain()).counts["unreachable"] == 1
    assert (await box.row("k")).status == ReminderStatus.UNREACHABLE
    async with box.uow() as uow:
        person = await uow.people.by_telegram_id(chat)
        assert person is not None and person.unreachable
    box.clock.advance(hours=1)
    assert (await box.sender().drain()).total == 0
    assert box.sends_to(chat) == [403]


async def test_bad_request_fails_the_row_with_the_description(box: Outbox) -> None:
    chat = user(box, 4101)
    await box.plan(planned("k", chat))
    box.fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    assert (await box.sender().drain()).counts["failed"] == 1
    row = await box.row("k")
    assert row.status == ReminderStatus.FAILED
    assert "can't parse entities" in row.last_error


async def test_muted_people_get_only_mandatory_reminders(box: Outbox) -> None:
    chat = user(box, 5001)
    async with box.uow() as uow:
        uow.settings.add(UserSettings(telegram_id=chat, muted=True))
        await uow.commit()
    await box.plan(planned("optional", chat, mandatory=False), planned("deadline", chat))
    report = await box.sender().drain()
    assert (report.sent, report.counts["skipped_muted"]) == (1, 1)
    statuses = {row.key: row.status for row in await box.rows()}
    assert statuses == {"optional": ReminderStatus.CANCELLED, "deadline": ReminderStatus.SENT}
    assert [m.text for m in box.fake.bot_messages(chat)] == ["[ru] напоминание deadline"]


async def test_run_sends_only_while_holding_the_lease(box: Outbox) -> None:
    chat = user(box, 6001)
    await box.plan(planned("k", chat))
    async with box.uow() as uow:
        await outbox.acquire_lease(uow, "sender", "other", default_now(), timedelta(minutes=1))
    stop = asyncio.Event()
    leases = Leases(box.uow, "me", box.clock.now, ttl=timedelta(seconds=0.3))
    keeper = asyncio.create_task(leases.keep([LEASE], stop))
    running = asyncio.create_task(box.sender("me").run(stop, 0.05, leases))
    await asyncio.sleep(0.3)
    assert box.sends_to(chat) == []
    box.clock.advance(minutes=2)  # the other holder's lease has expired
    await box.fake.wait_until(lambda: box.sends_to(chat) == [200])
    stop.set()
    await asyncio.gather(running, keeper)
    async with box.uow() as uow:  # released on stop
        assert await outbox.acquire_lease(
            uow, "sender", "next", box.clock.now(), timedelta(minutes=1)
        )


async def test_a_failed_round_does_not_stop_the_sender(
    box: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database away for a moment (a restart of PostgreSQL, a locked SQLite file): the
    round fails, is logged, and the next one delivers — the sender does not die with it."""
    chat = user(box, 6002)
    await box.plan(planned("k", chat))
    claim = outbox.claim_due
    failures = iter([OSError("connection reset by peer")])

    async def flaky(*args: object, **kwargs: object) -> object:
        if (failure := next(failures, None)) is not None:
            raise failure
        return await claim(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox, "claim_due", flaky)
    stop = asyncio.Event()
    leases = Leases(box.uow, "me", box.clock.now, ttl=timedelta(minutes=1))
    await leases.take(LEASE)
    running = asyncio.create_task(box.sender("me").run(stop, 0.05, leases))
    await box.fake.wait_until(lambda: box.sends_to(chat) == [200])
    stop.set()
    await running


async def test_real_limits_fan_out_without_429(strict_box: Outbox) -> None:
    box = strict_box
    chats = [user(box, 7000 + i) for i in range(60)]
    busy = user(box, 8000)
    await box.plan(
        *(planned(f"k{chat}", chat) for chat in chats),
        *(planned(f"busy{i}", busy) for i in range(3)),
    )
    report = await box.sender().drain()
    assert report.sent == 63
    statuses = [call.status for call in box.fake.calls_of("sendMessage")]
    assert statuses == [200] * 63
    assert box.fake.retry_after_violations == []
    times = [c.at for c in box.fake.calls_of("sendMessage") if c.params["chat_id"] == str(busy)]
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


def test_limits_default_to_telegrams() -> None:
    limits = Limits()
    assert (limits.global_per_second, limits.private_per_second, limits.group_per_minute) == (
        30,
        1,
        20,
    )
