"""Telegram's checks of keyboards, command scopes, chat actions and reactions, with its wording."""

import json
import re
from typing import Any

from .protocol import CALLBACK_DATA_LIMIT, INLINE_KEYBOARD_BUTTON_LIMIT, bad_request
from .world import Chat, User


def words(text: str) -> frozenset[str]:
    """The words of ``text``: long vocabularies written as one string."""
    return frozenset(text.split())


INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
CHAT_ACTIONS = words(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note"
)
COMMAND_SCOPES = words(
    "default all_private_chats all_group_chats all_chat_administrators chat chat_administrators "
    "chat_member"
)
REACTION_EMOJI = words(
    "❤ 👍 👎 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤\u200d🔥 🌚 🌭 💯 🤣 ⚡ 🍌 "
    "🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨\u200d💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 "
    "💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷\u200d♂ 🤷 🤷\u200d♀ 😡"
)
COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@\w+)?")
BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_pin_messages",
)


def scope_key(scope: dict[str, Any] | None) -> str:
    """The canonical JSON of a BotCommandScope: the key of ``World.commands``."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True, separators=(",", ":"))


def member_api(user: User, status: str, chat: Chat) -> dict[str, Any]:
    """A ChatMember object with every field aiogram's model requires for ``status``."""
    data: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            {"can_be_edited": False, "is_anonymous": False}, **dict.fromkeys(ADMIN_RIGHTS, True)
        )
        if chat.is_forum:
            data["can_manage_topics"] = True
    elif status == "kicked":
        data["until_date"] = 0
    return data


def check_commands(commands: Any) -> list[dict[str, str]]:
    """The commands of setMyCommands, as Telegram keeps them."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    for command in commands:
        if not BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return [{"command": c["command"], "description": c["description"]} for c in commands]


def check_reactions(reactions: Any) -> list[str]:
    """The emoji of setMessageReaction's ``reaction``."""
    reactions = reactions or []
    if len(reactions) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    emoji = [r.get("emoji") for r in reactions]
    if any(
        r.get("type") != "emoji" or e not in REACTION_EMOJI
        for r, e in zip(reactions, emoji, strict=True)
    ):
        raise bad_request("REACTION_INVALID")
    return emoji


def check_markup(markup: Any, *, inline_only: bool) -> dict[str, Any] | None:
    """A reply_markup Telegram accepts (inline, reply keyboard, removal, force reply)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in markup:
        check_reply_keyboard(markup["keyboard"])
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > INLINE_KEYBOARD_BUTTON_LIMIT:
        raise bad_request("reply markup is too long")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict):
            raise bad_request(
                "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
            )
        check_button_text(button, "inline keyboard button")
        _check_inline_action(button)


def _check_inline_action(button: dict[str, Any]) -> None:
    # An empty callback_data counts as absent, which is what Telegram reports.
    actions = [key for key in INLINE_BUTTON_ACTIONS if button.get(key) not in (None, "")]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: "
            f"exactly one of the optional fields must be used, got {actions}"
        )
    data = button.get("callback_data")
    if data is not None and not (
        isinstance(data, str) and len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
        raise bad_request("BUTTON_URL_INVALID")


def check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    for button in (button for row in rows for button in row):
        check_button_text(
            {"text": button} if isinstance(button, str) else button, "keyboard button"
        )


def check_button_text(button: dict[str, Any], what: str) -> None:
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(f'can\'t parse {what}: Field "text" must be of type String')
    if not text.strip():
        raise bad_request(f"can't parse {what}: Text must be non-empty")
