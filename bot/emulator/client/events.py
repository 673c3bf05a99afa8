"""Live updates for the page: every open tab hears what changed (server-sent events)."""

import asyncio
import json
from typing import Any

from aiohttp import web

from ..protocol import SEND_METHODS, Call
from ..world import World

CHANGES_A_CHAT = SEND_METHODS | {
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "pinChatMessage",
    "unpinChatMessage",
    "setMessageReaction",
    "createForumTopic",
}
CHANGES_COMMANDS = frozenset({"setMyCommands", "deleteMyCommands"})
HEARTBEAT_SECONDS = 15.0
QUEUE_SIZE = 1000
"""Events a slow tab may fall behind by; beyond that it misses some (and reloads on the next)."""

Event = dict[str, Any]


class Hub:
    """Fans events out to every open tab; each tab has a queue of its own."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()

    def publish(self, event: Event) -> None:
        for queue in self._queues:
            if queue.qsize() < QUEUE_SIZE:
                queue.put_nowait(event)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        for queue in self._queues:
            queue.put_nowait(None)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                if event is None:
                    break
                data = json.dumps(event, ensure_ascii=False)
                await response.write(f"data: {data}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self._queues.discard(queue)
        return response


def events_of(world: World, call: Call, chat_id: int | None) -> list[Event]:
    """What the page shows of a Bot API call: a refusal, a wait, a change, a typing, an answer."""
    if call.refused:
        refusal = {"method": call.method, "description": call.description, "chat_id": chat_id}
        return [{"type": "refused", **refusal, "status": call.status}]
    if call.status == 429 and not call.injected:
        return [{"type": "flood", "method": call.method, "description": call.description}]
    if call.status != 200:
        return []
    if call.method in CHANGES_A_CHAT and chat_id is not None:
        return [{"type": "chat", "chat_id": chat_id}]
    if call.method == "sendChatAction":
        action = call.params.get("action")
        return [{"type": "typing", "chat_id": chat_id, "action": action}]
    if call.method == "answerCallbackQuery":
        query = world.callback_queries.get(str(call.params.get("callback_query_id")))
        if query is None or not query.answer_text:
            return []
        answer = {"text": query.answer_text, "alert": query.show_alert}
        return [{"type": "answer", "user_id": query.from_user.id, **answer}]
    if call.method in CHANGES_COMMANDS:
        return [{"type": "commands"}]
    return []
