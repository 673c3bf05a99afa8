"""The demo's clock: the wall clock, moved forward by the trainer to see a day's reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.app import App
from bot.scheduler import Reminders

PAST = "Часы демо идут только вперёд: выберите сегодняшний или более поздний день."


class DemoClock:
    """Ticks like the wall clock from `start`; `jump` moves it forward (never back)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def timestamp(self) -> float:
        """Seconds since the epoch: the dates of messages in the emulator."""
        return self.now().timestamp()

    def jump(self, to: datetime) -> None:
        if to < self.now():
            raise ValueError(PAST)
        self._offset = to - datetime.now(UTC)


class Travel:
    """What the page's clock does: move to a day, a few minutes after the reminders' hour,
    and run the bot's planner there, so that day's reminders arrive in every chat."""

    def __init__(self, clock: DemoClock, zone: ZoneInfo, reminder_hour: int) -> None:
        self.clock = clock
        self.zone = zone
        self.reminder_hour = reminder_hour
        self.app: App | None = None
        """The running bot, once it runs."""

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.zone)

    async def travel(self, day: date) -> None:
        if day < self.now().date():
            raise ValueError(PAST)
        target = datetime.combine(day, time(self.reminder_hour, 5), self.zone)
        if target > self.clock.now():
            self.clock.jump(target)
        if self.app is not None:
            await Reminders(self.app).plan()  # and the running sender is woken
