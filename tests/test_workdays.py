"""The staff digest comes on working days: not on Russia's public holidays or the days off they
are moved to, nor on a deployment's own days off; on a working Saturday, yes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.workdays import WorkingCalendar
from tests import steps
from tests.harness import STAFF_CHAT_ID


def test_russia_s_production_calendar() -> None:
    russia = WorkingCalendar()
    assert not russia.is_working_day(date(2027, 1, 4)), "New Year holidays"
    assert not russia.is_working_day(date(2027, 11, 5)), "the day off moved from 02.01"
    assert not russia.is_working_day(date(2027, 6, 14)), "Russia Day falls on a Saturday"
    assert russia.is_working_day(date(2027, 2, 20)), "a working Saturday by the decree"
    assert not russia.is_working_day(date(2027, 2, 21)), "a Sunday"
    assert russia.is_working_day(date(2027, 11, 3))
    assert russia.holiday(date(2027, 11, 5)) is not None


def test_a_deployment_adds_its_own_days() -> None:
    own = WorkingCalendar(
        days_off=frozenset({date(2027, 11, 3)}), working_days=frozenset({date(2027, 11, 6)})
    )
    assert not own.is_working_day(date(2027, 11, 3)), "a regional day off"
    assert own.is_working_day(date(2027, 11, 6)), "a Saturday the institute works"


async def _waiting(bot, coordinator, clock) -> None:
    """One announcement waits for a decision."""
    clock.set(datetime(2027, 10, 20, 9, tzinfo=UTC))
    await steps.announce(coordinator, "Семинар", "15.12.2027 10:00")


async def _digest_on(bot, clock, day: date) -> bool:
    clock.set(datetime(day.year, day.month, day.day, 8, 5, tzinfo=UTC))  # 11:05 in Moscow
    before = len(bot.fake.bot_messages(STAFF_CHAT_ID))
    await steps.tick(bot)
    sent = bot.fake.bot_messages(STAFF_CHAT_ID)[before:]
    return any("Ждут решения" in (m.text or "") for m in sent)


async def test_digest_skips_holidays_and_transfers_but_not_working_saturdays(
    bot, coordinator, clock
) -> None:
    await _waiting(bot, coordinator, clock)
    assert not await _digest_on(bot, clock, date(2027, 11, 4)), "Unity Day"
    assert not await _digest_on(bot, clock, date(2027, 11, 5)), "the day off moved from 02.01"
    assert not await _digest_on(bot, clock, date(2027, 11, 6)), "a Saturday"
    assert await _digest_on(bot, clock, date(2027, 11, 8))


async def test_digest_follows_the_settings(bot, coordinator, clock) -> None:
    """EXTRA_DAYS_OFF and EXTRA_WORKING_DAYS, one line each in `.env`."""
    await _waiting(bot, coordinator, clock)
    bot.settings = bot.settings.model_copy(
        update={
            "extra_days_off": frozenset({date(2027, 11, 9)}),
            "extra_working_days": frozenset({date(2027, 11, 13)}),
        }
    )
    await bot.restart()
    assert not await _digest_on(bot, clock, date(2027, 11, 9)), "the deployment's day off"
    assert await _digest_on(bot, clock, date(2027, 11, 13)), "a Saturday the institute works"
