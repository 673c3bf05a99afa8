"""The page's HTTP side: what it reads (people, chats, files) and what people do (write, press).

Everything a person does becomes an update the bot fetches with getUpdates, exactly as from
Telegram; what the bot answers reaches every open tab as an event (``events.Hub``).
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from ..protocol import Call
from ..server import FakeTelegram
from ..world import Chat, User
from .events import Hub, events_of
from .views import (
    Persona,
    chat_view,
    commands_for,
    message_view,
    person_view,
    reply_keyboard,
    visible_chats,
)

STATIC = Path(__file__).resolve().parent / "static"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


class TimeControl(Protocol):
    """The bot's clock, which the trainer moves from the page."""

    def now(self) -> datetime:
        """The bot's time now, in its own time zone."""

    async def travel(self, day: date) -> None:
        """Move to ``day`` and let the bot do what it does then; ValueError says why not."""


class Client:
    def __init__(
        self, fake: FakeTelegram, cast: list[Persona], clock: TimeControl | None = None
    ) -> None:
        self.fake = fake
        self.cast = {persona.user_id: persona for persona in cast}
        self.clock = clock
        self.hub = Hub()
        fake.call_listeners.append(self._on_call)

    def attach(self, app: web.Application) -> None:
        routes = app.router
        routes.add_get("/", self._index)
        routes.add_static("/demo/static/", STATIC)
        routes.add_get("/demo/people", self._people)
        routes.add_get("/demo/people/{user_id}/chats", self._chats)
        routes.add_get("/demo/chats/{chat_id}", self._chat)
        routes.add_get("/demo/files/{file_id}", self._file)
        routes.add_get("/demo/events", self.hub.stream)
        routes.add_post("/demo/send", self._send)
        routes.add_post("/demo/press", self._press)
        routes.add_post("/demo/clock", self._travel)

        async def close_streams(_: web.Application) -> None:
            self.hub.close()

        app.on_shutdown.append(close_streams)

    def _on_call(self, call: Call, chat_id: int | None) -> None:
        for event in events_of(self.fake.world, call, chat_id):
            self.hub.publish(event)

    # ------------------------------------------------------------------ reading

    async def _index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    def _clock_view(self) -> dict[str, Any] | None:
        if self.clock is None:
            return None
        now = self.clock.now()
        zone = getattr(now.tzinfo, "key", None)  # an IANA name: the page shows times in it
        return {"date": now.date().isoformat(), "epoch": now.timestamp(), "zone": zone}

    async def _people(self, request: web.Request) -> web.Response:
        world = self.fake.world
        people = [
            person_view(world.users[user_id], persona)
            for user_id, persona in self.cast.items()
            if user_id in world.users
        ]
        return web.json_response(
            {"people": people, "bot": world.bot.first_name, "clock": self._clock_view()}
        )

    def _user(self, raw: str | None) -> User:
        user = self.fake.world.users.get(int(raw)) if raw and raw.lstrip("-").isdigit() else None
        if user is None or user.id not in self.cast:
            raise web.HTTPNotFound(text="no such person")
        return user

    def _visible_chat(self, user: User, raw: str | None) -> Chat:
        chat_id = int(raw) if raw and raw.lstrip("-").isdigit() else None
        for chat in visible_chats(self.fake.world, user):
            if chat.id == chat_id:
                return chat
        raise web.HTTPNotFound(text="no such chat for this person")

    async def _chats(self, request: web.Request) -> web.Response:
        user = self._user(request.match_info["user_id"])
        world = self.fake.world
        return web.json_response([chat_view(world, c) for c in visible_chats(world, user)])

    async def _chat(self, request: web.Request) -> web.Response:
        user = self._user(request.query.get("as"))
        chat = self._visible_chat(user, request.match_info["chat_id"])
        world = self.fake.world
        messages = [message_view(world, m) for m in world.history(chat.id) if not m.deleted]
        return web.json_response(
            {
                "chat": chat_view(world, chat),
                "messages": messages,
                "keyboard": reply_keyboard(world, chat, user),
                "commands": commands_for(world, chat, user),
                "can_write": chat.type != "channel",
            }
        )

    async def _file(self, request: web.Request) -> web.Response:
        stored = self.fake.world.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound(text="no such file")
        disposition = "inline" if stored.mime_type in IMAGE_TYPES else "attachment"
        name = stored.file_name
        return web.Response(
            body=stored.content,
            content_type=stored.mime_type,
            headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"},
        )

    # ------------------------------------------------------------------ acting

    async def _send(self, request: web.Request) -> web.Response:
        form, upload = await _read_form(request)
        user = self._user(form.get("as"))
        chat = self._visible_chat(user, form.get("chat_id"))
        if chat.type == "channel":
            raise web.HTTPForbidden(text="only the channel's admins write there")
        text = (form.get("text") or "").strip() or None
        if text is None and upload is None:
            raise web.HTTPBadRequest(text="nothing to send")
        world = self.fake.world
        replied = world.message(chat.id, int(form["reply_to"])) if form.get("reply_to") else None
        thread = int(form["thread"]) if form.get("thread") else None
        if replied is not None and replied.message_thread_id is not None:
            thread = replied.message_thread_id
        extra: dict[str, Any] = {}
        if upload is not None:
            name, mime, content = upload
            photo = mime in IMAGE_TYPES
            stored = world.add_file(name, content, mime, folder="photos" if photo else "documents")
            extra = {"photo" if photo else "document": stored, "caption": text}
            text = None
        update = self.fake.message_update(
            user, text, chat=chat, reply_to=replied, message_thread_id=thread, **extra
        )
        self.fake.enqueue(update)
        self.hub.publish({"type": "chat", "chat_id": chat.id})
        return web.json_response({"ok": True})

    async def _press(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self._user(str(body.get("as")))
        chat = self._visible_chat(user, str(body.get("chat_id")))
        message = self.fake.world.message(chat.id, int(body.get("message_id", 0)))
        if message is None:
            raise web.HTTPNotFound(text="the message is gone")
        data = str(body.get("data") or "")
        self.fake.enqueue(self.fake.callback_update(user, message, data, check_button=False))
        return web.json_response({"ok": True})

    async def _travel(self, request: web.Request) -> web.Response:
        if self.clock is None:
            raise web.HTTPNotFound(text="this emulator has no clock to move")
        body = await request.json()
        try:
            await self.clock.travel(date.fromisoformat(str(body.get("date"))))
        except ValueError as error:
            return web.json_response({"ok": False, "error": str(error)}, status=400)
        clock = self._clock_view()
        self.hub.publish({"type": "clock", "clock": clock})
        return web.json_response({"ok": True, "clock": clock})


async def _read_form(request: web.Request) -> tuple[dict[str, str], tuple[str, str, bytes] | None]:
    """The fields of a multipart form, and its file (name, type, content) if one was chosen."""
    form: dict[str, str] = {}
    upload: tuple[str, str, bytes] | None = None
    if not request.content_type.startswith("multipart/"):
        raise web.HTTPBadRequest(text="send a multipart form, as the page does")
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename:
            content = bytes(await part.read())
            mime = part.headers.get("Content-Type") or "application/octet-stream"
            if content:
                upload = (part.filename, mime, content)
        elif part.filename is None:
            form[part.name] = await part.text()
    return form, upload
