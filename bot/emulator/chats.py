"""Methods about the bot, chats and their members: commands, menus, topics, pins, files."""

from typing import Any

from .core import Core
from .protocol import DOWNLOAD_LIMIT, Params, bad_request
from .validation import (
    CHAT_ACTIONS,
    COMMAND_SCOPES,
    check_commands,
    check_reactions,
    member_api,
    scope_key,
)
from .world import Chat, ForumTopic

DEFAULT_TOPIC_COLOUR = 7322096
MENU_BUTTON_TYPES = ("default", "commands", "web_app")


async def get_me(core: Core, params: Params) -> dict[str, Any]:
    return {
        **core.bot_user.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


async def return_true(core: Core, params: Params) -> bool:
    return True


def _commands_key(core: Core, params: Params) -> tuple[str, str]:
    scope = params.get_json("scope")
    if scope is not None:
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("unsupported bot command scope type")
        if "chat_id" in scope and core.world.find_chat(scope["chat_id"]) is None:
            raise bad_request("chat not found")
    return scope_key(scope), params.get_str("language_code") or ""


async def set_my_commands(core: Core, params: Params) -> bool:
    commands = check_commands(params.get_json("commands"))
    key = _commands_key(core, params)
    if commands:
        core.world.commands[key] = commands
    else:
        core.world.commands.pop(key, None)
    return True


async def get_my_commands(core: Core, params: Params) -> list[dict[str, str]]:
    return core.world.commands.get(_commands_key(core, params), [])


async def delete_my_commands(core: Core, params: Params) -> bool:
    core.world.commands.pop(_commands_key(core, params), None)
    return True


async def set_chat_menu_button(core: Core, params: Params) -> bool:
    chat_id = core.chat(params).id if params.has("chat_id") else None
    menu_button = params.get_json("menu_button") or {"type": "default"}
    if not isinstance(menu_button, dict) or menu_button.get("type") not in MENU_BUTTON_TYPES:
        raise bad_request("unsupported menu button type")
    core.world.menu_buttons[chat_id] = menu_button
    return True


async def get_chat_member(core: Core, params: Params) -> dict[str, Any]:
    chat = core.chat(params)
    user = core.world.users.get(params.require_int("user_id"))
    if user is None:
        raise bad_request("user not found")
    return member_api(user, core.world.member_status(chat.id, user.id), chat)


async def get_chat(core: Core, params: Params) -> dict[str, Any]:
    chat = core.chat(params)
    return {
        **core.world.chat_api(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


async def send_chat_action(core: Core, params: Params) -> bool:
    chat = core.sendable_chat(params)
    core.thread_id(chat, params)
    if params.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def get_file(core: Core, params: Params) -> dict[str, Any]:
    stored = core.world.files.get(params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


async def create_forum_topic(core: Core, params: Params) -> dict[str, Any]:
    chat = core.sendable_chat(params)
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    if not core.bot_is_admin(chat):
        raise bad_request("not enough rights to create a topic")
    name = params.get_str("name") or ""
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    topic = ForumTopic(
        core.world.next_message_id(chat.id),
        name,
        params.get_int("icon_color") or DEFAULT_TOPIC_COLOUR,
    )
    core.world.topics.setdefault(chat.id, {})[topic.message_thread_id] = topic
    return topic.to_api()


async def leave_chat(core: Core, params: Params) -> bool:
    chat = core.chat(params)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    core.world.set_member(chat.id, core.bot_user.id, "left")
    return True


def _pinnable(core: Core, chat: Chat) -> None:
    if chat.type != "private" and not core.bot_is_admin(chat):
        raise bad_request("not enough rights to manage pinned messages in the chat")


async def pin_chat_message(core: Core, params: Params) -> bool:
    chat = core.chat(params)
    message = core.world.message(chat.id, params.require_int("message_id"))
    if message is None:
        raise bad_request("message to pin not found")
    _pinnable(core, chat)
    message.pinned = True
    return True


async def unpin_chat_message(core: Core, params: Params) -> bool:
    chat = core.chat(params)
    _pinnable(core, chat)
    message_id = params.get_int("message_id")
    pinned = [m for m in core.world.history(chat.id) if m.pinned and not m.deleted]
    if message_id is not None:
        pinned = [m for m in pinned if m.message_id == message_id]
    if not pinned:
        raise bad_request("message to unpin not found")
    pinned[-1].pinned = False
    return True


async def set_message_reaction(core: Core, params: Params) -> bool:
    chat = core.chat(params)
    message = core.world.message(chat.id, params.require_int("message_id"))
    if message is None:
        raise bad_request("message to react not found")
    message.reactions = check_reactions(params.get_json("reaction"))
    return True


METHODS = {
    "getMe": get_me,
    "deleteWebhook": return_true,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMember": get_chat_member,
    "getChat": get_chat,
    "sendChatAction": send_chat_action,
    "getFile": get_file,
    "createForumTopic": create_forum_topic,
    "leaveChat": leave_chat,
    "pinChatMessage": pin_chat_message,
    "unpinChatMessage": unpin_chat_message,
    "setMessageReaction": set_message_reaction,
}
