"""What the page shows, as JSON: people, their chats, messages, keyboards and command menus."""

from dataclasses import dataclass
from typing import Any

from ..validation import scope_key
from ..world import ADMIN_STATUSES, Chat, SentMessage, User, World
from .render import to_html

SNIPPET = 80


@dataclass(frozen=True)
class Persona:
    """Someone the page lets you act as: a user of the world, with the part they play."""

    user_id: int
    role: str
    """What they are: a key the page names in its language (coordinator, staff, mentor,
    admin, stranger), or any text, shown as given."""
    about: str = ""
    """One line under the name (their school, say)."""


def person_view(user: User, persona: Persona) -> dict[str, Any]:
    name = " ".join(filter(None, [user.first_name, user.last_name]))
    return {"id": user.id, "name": name, "role": persona.role, "about": persona.about}


def visible_chats(world: World, user: User) -> list[Chat]:
    """The person's private chat with the bot, the groups they are in, every channel."""
    chats = [world.private_chat(user)]
    for chat in world.chats.values():
        if chat.type == "channel" or (
            chat.type in ("group", "supergroup")
            and world.member_status(chat.id, user.id) not in ("left", "kicked")
        ):
            chats.append(chat)
    return chats


def chat_view(world: World, chat: Chat) -> dict[str, Any]:
    title = chat.title or world.bot.first_name
    topics = [
        {"id": topic.message_thread_id, "name": topic.name, "colour": topic.icon_color}
        for topic in world.topics.get(chat.id, {}).values()
    ]
    history = [m for m in world.history(chat.id) if not m.deleted]
    last = history[-1] if history else None
    return {
        "id": chat.id,
        "type": chat.type,
        "title": title,
        "forum": chat.is_forum,
        "topics": topics,
        "last": _snippet(last) if last else "",
        "count": len(history),
    }


def _snippet(message: SentMessage) -> str:
    text = message.text or message.caption or ""
    if not text and message.document_id:
        text = "📎"
    if not text and message.photo_id:
        text = "🖼"
    first = text.splitlines()[0] if text else ""
    return first[:SNIPPET]


def sender_name(world: World, message: SentMessage) -> str:
    chat = world.chats.get(message.chat_id)
    if chat is not None and chat.type == "channel":
        return chat.title or ""
    user = world.users.get(message.from_user_id)
    if user is None:
        return ""
    return " ".join(filter(None, [user.first_name, user.last_name]))


def message_view(world: World, message: SentMessage) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "sender": sender_name(world, message),
        "sender_id": message.from_user_id,
        "date": message.date,
        "thread": message.message_thread_id,
        "html": to_html(message.text, message.entities),
        "caption": to_html(message.caption, message.caption_entities),
        "album": message.media_group_id,
        "edited": message.edited > 0,
        "pinned": message.pinned,
        "forwarded": bool(message.forward_origin),
        "buttons": _inline_buttons(message),
        "files": [],
    }
    for file_id, kind in ((message.document_id, "document"), (message.photo_id, "photo")):
        stored = world.files.get(file_id) if file_id else None
        if stored is not None:
            view["files"].append(
                {
                    "kind": kind,
                    "name": stored.file_name,
                    "size": stored.size,
                    "url": f"/demo/files/{stored.file_id}",
                }
            )
    replied = world.messages.get(message.chat_id, {}).get(message.reply_to_message_id or 0)
    if replied is not None:
        view["reply_to"] = {
            "id": replied.message_id,
            "sender": sender_name(world, replied),
            "snippet": _snippet(replied),
        }
    return view


def _inline_buttons(message: SentMessage) -> list[list[dict[str, Any]]]:
    markup = message.inline_markup or {}
    return [
        [
            {"text": b.get("text", ""), "data": b.get("callback_data"), "url": b.get("url")}
            for b in row
        ]
        for row in markup.get("inline_keyboard", [])
    ]


def reply_keyboard(world: World, chat: Chat, user: User) -> dict[str, Any] | None:
    """The reply keyboard the person sees now: the bot's latest, unless removed or used up."""
    answered = False
    for message in reversed(world.history(chat.id)):
        if message.deleted:
            continue
        if not message.from_bot:
            answered = answered or message.from_user_id == user.id
            continue
        markup = message.reply_markup or {}
        if markup.get("remove_keyboard"):
            return None
        if "keyboard" in markup:
            if markup.get("one_time_keyboard") and answered:
                return None
            rows = [
                [b if isinstance(b, str) else b.get("text", "") for b in row]
                for row in markup["keyboard"]
            ]
            return {"rows": rows, "placeholder": markup.get("input_field_placeholder") or ""}
    return None


def commands_for(world: World, chat: Chat, user: User) -> list[dict[str, str]]:
    """The «/» menu Telegram shows this person in this chat: the narrowest scope that has
    commands, in the person's language first (Telegram's order of scopes)."""
    if chat.type == "private":
        scopes: list[dict[str, Any]] = [
            {"type": "chat", "chat_id": chat.id},
            {"type": "all_private_chats"},
        ]
    else:
        admin = world.member_status(chat.id, user.id) in ADMIN_STATUSES
        scopes = [{"type": "chat_member", "chat_id": chat.id, "user_id": user.id}]
        if admin:
            scopes.append({"type": "chat_administrators", "chat_id": chat.id})
        scopes.append({"type": "chat", "chat_id": chat.id})
        if admin:
            scopes.append({"type": "all_chat_administrators"})
        scopes.append({"type": "all_group_chats"})
    scopes.append({"type": "default"})
    for scope in scopes:
        for language in (user.language_code, ""):
            commands = world.commands.get((scope_key(scope), language))
            if commands:
                return commands
    return []
