"""Setting the demo up: the emulator and its page, the database, the story, the running bot."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import App, create_app
from bot.config import Settings
from bot.demo import cast
from bot.demo.clock import DemoClock, Travel
from bot.demo.story import Story
from bot.emulator import FakeTelegram
from bot.emulator.client import Client
from bot.pacing import Limits
from bot.runner import run
from services.programmes.loader import load_presets
from storage import migrate

log = logging.getLogger(__name__)

STORY_LIMITS = Limits(global_per_second=1000, private_per_second=1000, group_per_minute=6000)
"""The story is played before anyone looks: the bot need not pace itself then, and the
emulator's limits are off for it; the running bot gets Telegram's."""
DATABASE = "demo.db"


@dataclass(frozen=True)
class Options:
    port: int = 8080
    programme: str = "krasnodar-digital"
    start: datetime | None = None
    """The bot's time when the demo starts; the wall clock's by default."""
    data: Path = Path("data")
    """The folder of the demo's SQLite file, recreated at every start."""


def database_url(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / DATABASE).resolve()
    for leftover in (path, path.with_name(DATABASE + "-wal"), path.with_name(DATABASE + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{path}"


def demo_settings(base_url: str, url: str, programme: str) -> Settings:
    """Everything the bot reads from `.env`, for the demo: `.env` itself is never read."""
    fields: dict[str, Any] = {
        "bot_token": cast.TOKEN,
        "bot_api_base_url": base_url,
        "database_url": url,
        "staff_chat_id": cast.STAFF_CHAT_ID,
        "public_channel_id": cast.CHANNEL_ID,
        "admin_ids": frozenset({cast.ADMIN.id}),
        "programme": (programme,),
        "timezone": "Europe/Moscow",
        "reminder_hour": 10,
        "staff_cache_seconds": 0,
    }
    return Settings(_env_file=None, **fields)


class Demo:
    """The emulator with its page and the bot, once `start` has set everything up."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.clock = DemoClock(options.start or datetime.now().astimezone())
        self.fake = FakeTelegram(cast.TOKEN, wall_clock=self.clock.timestamp)
        people = cast.populate(self.fake.world)
        self.programmes = load_presets((options.programme,))
        self.settings: Settings | None = None
        self.travel: Travel | None = None
        self.client = Client(self.fake, people, None)

    @property
    def address(self) -> str:
        return f"{self.fake.base_url}/"

    async def start(self) -> App:
        """Serve the emulator, load the region and play the story; return the bot to run."""
        base_url = await self.fake.start(self.options.port, extend=self.client.attach)
        url = database_url(self.options.data)
        await asyncio.to_thread(migrate.upgrade, url)
        self.settings = settings = demo_settings(base_url, url, self.options.programme)
        self.travel = Travel(self.clock, settings.zone, settings.reminder_hour)
        self.client.clock = self.travel
        await self._play(settings)
        app = create_app(settings, self.programmes, clock=self.clock)
        self.travel.app = app
        return app

    async def _play(self, settings: Settings) -> None:
        story_app = create_app(settings, self.programmes, clock=self.clock, limits=STORY_LIMITS)

        async def feed(update: dict[str, Any]) -> None:
            await story_app.dispatcher.feed_raw_update(story_app.bot, update)
            await story_app.sender.drain()

        self.fake.limits.enabled = False
        try:
            await Story(story_app, self.fake, feed, self.programmes.default).play()
        finally:
            self.fake.limits.enabled = True
            await story_app.close()

    async def stop(self) -> None:
        await self.fake.stop()


async def serve(options: Options, announce: Any = print) -> None:
    """Set the demo up, say where to open it, run the bot until Ctrl+C (or SIGTERM)."""
    demo = Demo(options)
    try:
        app = await demo.start()
        announce(demo.address)
        await run(app)
    finally:
        await demo.stop()
