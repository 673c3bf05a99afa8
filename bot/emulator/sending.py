"""Methods that put a new message in a chat: texts, files, albums, copies and forwards."""

from typing import Any

from .core import Core
from .html_check import ParsedText
from .protocol import Params, bad_request
from .world import SentMessage, StoredFile

CAPTION_KEYS = ("caption", "parse_mode", "caption_entities")


async def send_message(core: Core, params: Params) -> dict[str, Any]:
    chat = core.sendable_chat(params)
    thread_id = core.thread_id(chat, params)
    reply_to = core.reply_to(chat, params)
    parsed, source = core.text(params, "message is too long")
    markup = core.markup(params)
    core.take_rate(chat)
    message = core.new_bot_message(
        chat,
        text=parsed.text,
        html=source,
        entities=parsed.entities,
        reply_markup=markup,
        reply_to_message_id=reply_to,
        message_thread_id=thread_id,
    )
    return core.message_api(message)


async def _send_file(core: Core, params: Params, field: str) -> dict[str, Any]:
    chat = core.sendable_chat(params)
    thread_id = core.thread_id(chat, params)
    reply_to = core.reply_to(chat, params)
    stored = core.input_file(params, field)
    caption, source = core.caption(params)
    markup = core.markup(params)
    core.take_rate(chat)
    message = core.new_bot_message(
        chat,
        caption=caption.text or None,
        caption_html=source or None,
        caption_entities=caption.entities,
        document_id=stored.file_id if field == "document" else None,
        photo_id=stored.file_id if field == "photo" else None,
        reply_markup=markup,
        reply_to_message_id=reply_to,
        message_thread_id=thread_id,
    )
    return core.message_api(message)


async def send_document(core: Core, params: Params) -> dict[str, Any]:
    return await _send_file(core, params, "document")


async def send_photo(core: Core, params: Params) -> dict[str, Any]:
    return await _send_file(core, params, "photo")


def _album_items(core: Core, params: Params) -> list[tuple[str, StoredFile, ParsedText, str]]:
    media = params.get_json("media")
    if not isinstance(media, list) or not media:
        raise bad_request("there are no messages to send")
    if len(media) > 10:
        raise bad_request("too many messages to send as an album")
    if len(media) < 2:
        raise bad_request("media group must include 2-10 items")
    kinds = {item.get("type") if isinstance(item, dict) else None for item in media}
    if not kinds <= {"document", "photo"}:
        raise bad_request("can't parse InputMedia: the fake supports only photo and document")
    if len(kinds) > 1:
        raise bad_request("document can't be mixed with other media types")
    items: list[tuple[str, StoredFile, ParsedText, str]] = []
    for item in media:
        caption, source = core.caption(Params({key: item.get(key) for key in CAPTION_KEYS}, {}))
        stored = core.input_file(params, "media", item.get("media"), item["type"])
        items.append((item["type"], stored, caption, source))
    return items


async def send_media_group(core: Core, params: Params) -> list[dict[str, Any]]:
    chat = core.sendable_chat(params)
    thread_id = core.thread_id(chat, params)
    reply_to = core.reply_to(chat, params)
    items = _album_items(core, params)
    core.take_rate(chat, len(items))
    group_id = f"1{next(core.media_group_ids):017d}"
    return [
        core.message_api(
            core.new_bot_message(
                chat,
                caption=caption.text or None,
                caption_html=source or None,
                caption_entities=caption.entities,
                document_id=stored.file_id if kind == "document" else None,
                photo_id=stored.file_id if kind == "photo" else None,
                media_group_id=group_id,
                reply_to_message_id=reply_to,
                message_thread_id=thread_id,
            )
        )
        for kind, stored, caption, source in items
    ]


def _source_message(core: Core, params: Params, missing: str) -> SentMessage:
    from_chat = core.chat(params, "from_chat_id")
    source = core.world.message(from_chat.id, params.require_int("message_id"))
    if source is None:
        raise bad_request(missing)
    return source


async def copy_message(core: Core, params: Params) -> dict[str, Any]:
    chat = core.sendable_chat(params)
    thread_id = core.thread_id(chat, params)
    reply_to = core.reply_to(chat, params)
    source = _source_message(core, params, "message to copy not found")
    caption_fields: dict[str, Any] = {
        "caption": source.caption,
        "caption_html": source.caption_html,
        "caption_entities": source.caption_entities,
    }
    if params.has("caption"):
        caption, caption_source = core.caption(params)
        caption_fields = {
            "caption": caption.text or None,
            "caption_html": caption_source or None,
            "caption_entities": caption.entities,
        }
    markup = core.markup(params)
    core.take_rate(chat)
    message = core.new_bot_message(
        chat,
        text=source.text,
        html=source.html,
        entities=source.entities,
        document_id=source.document_id,
        photo_id=source.photo_id,
        sticker=source.sticker,
        reply_markup=markup,
        reply_to_message_id=reply_to,
        message_thread_id=thread_id,
        **caption_fields,
    )
    return {"message_id": message.message_id}


async def forward_message(core: Core, params: Params) -> dict[str, Any]:
    chat = core.sendable_chat(params)
    thread_id = core.thread_id(chat, params)
    source = _source_message(core, params, "message to forward not found")
    source_chat = core.world.chats[source.chat_id]
    if source_chat.type == "channel":
        origin: dict[str, Any] = {
            "type": "channel",
            "chat": core.world.chat_api(source_chat),
            "message_id": source.message_id,
            "date": source.date,
        }
    else:
        sender = core.world.users[source.from_user_id]
        origin = {"type": "user", "sender_user": sender.to_api(), "date": source.date}
    core.take_rate(chat)
    message = core.new_bot_message(
        chat,
        text=source.text,
        html=source.html,
        entities=source.entities,
        caption=source.caption,
        caption_html=source.caption_html,
        caption_entities=source.caption_entities,
        document_id=source.document_id,
        photo_id=source.photo_id,
        sticker=source.sticker,
        forward_origin=origin,
        message_thread_id=thread_id,
    )
    return core.message_api(message)


METHODS = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "sendMediaGroup": send_media_group,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
}
