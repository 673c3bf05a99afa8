"""Methods that change what is already there: edits, deletions, answers to button presses."""

from typing import Any

from .core import Core
from .protocol import ANSWER_TEXT_LIMIT, QUERY_TOO_OLD, ApiError, Params, bad_request, not_modified


async def edit_message_text(core: Core, params: Params) -> dict[str, Any]:
    message = core.editable(params)
    parsed, source = core.text(params, "MESSAGE_TOO_LONG")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    markup = core.markup(params, inline_only=True)
    if (parsed.text, parsed.entities, markup) == (
        message.text,
        message.entities,
        message.inline_markup,
    ):
        raise not_modified()
    message.text, message.html, message.entities = parsed.text, source, parsed.entities
    return core.touch(message, markup)


async def edit_message_caption(core: Core, params: Params) -> dict[str, Any]:
    message = core.editable(params)
    if message.document_id is None and message.photo_id is None:
        raise bad_request("there is no caption in the message to edit")
    caption, source = core.caption(params)
    markup = core.markup(params, inline_only=True)
    if (caption.text or None, caption.entities, markup) == (
        message.caption,
        message.caption_entities,
        message.inline_markup,
    ):
        raise not_modified()
    message.caption = caption.text or None
    message.caption_html = source or None
    message.caption_entities = caption.entities
    return core.touch(message, markup)


async def edit_message_reply_markup(core: Core, params: Params) -> dict[str, Any]:
    message = core.editable(params)
    markup = core.markup(params, inline_only=True)
    if markup == message.inline_markup:
        raise not_modified()
    return core.touch(message, markup)


async def delete_message(core: Core, params: Params) -> bool:
    chat = core.chat(params)
    message = core.world.message(chat.id, params.require_int("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    if chat.type != "private" and not message.from_bot and not core.bot_is_admin(chat):
        raise bad_request("message can't be deleted")
    message.deleted = True
    return True


async def answer_callback_query(core: Core, params: Params) -> bool:
    query = core.world.callback_queries.get(params.get_str("callback_query_id") or "")
    if query is not None:
        query.answer_count += 1
    if query is None or query.answered:
        raise ApiError(400, QUERY_TOO_OLD)
    text = params.get_str("text")
    if text is not None and len(text) > ANSWER_TEXT_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    query.answer_text = text
    query.show_alert = params.get_bool("show_alert")
    query.url = params.get_str("url")
    return True


METHODS = {
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "editMessageCaption": edit_message_caption,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
}
