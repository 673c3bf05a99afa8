"""Files sent at a files question: checked, attached to the draft, acknowledged once per album."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.submissions.answers.asking import ask
from handlers.submissions.state import Act, FormDialog, button, current_or_tell, lost_draft
from handlers.ui.render import render
from services.submissions import drafts, files
from services.submissions.fields import FieldSpec, FieldType


async def on_file(message: Message, state: FSMContext, ctx: Ctx) -> None:
    loaded = await current_or_tell(message, state, ctx)
    if loaded is None:
        return
    snap, form = loaded
    field = form.field((await state.get_data()).get("field") or "")
    if field is None or field.type is not FieldType.FILES:
        await message.answer(_("Здесь нужен ответ текстом, а не файл."))
        await ask(message, state, ctx)
        return
    incoming = incoming_file(message)
    problem = files.check(incoming, ctx.files_local)
    if problem is not None:
        await message.answer(
            render(
                "file_refused.html.j2",
                problem=problem.value,
                name=incoming.file_name,
                allowed=files.allowed_list(),
            )
        )
        return
    count = await drafts.add_file(
        ctx.uow, snap.submission.id, (await ctx.member()).id, field.id, incoming, ctx.clock.now()
    )
    if count is None:
        await lost_draft(message, state)
        return
    await _acknowledge(message, state, count, field)


def incoming_file(message: Message) -> files.IncomingFile:
    if message.document is not None:
        document = message.document
        return files.IncomingFile(
            document.file_id,
            document.file_unique_id,
            document.file_name or "file",
            document.mime_type or "",
            document.file_size or 0,
        )
    photo = (message.photo or [])[-1]
    return files.IncomingFile(
        photo.file_id,
        photo.file_unique_id,
        f"photo_{photo.file_unique_id}.jpg",
        "image/jpeg",
        photo.file_size or 0,
    )


async def _acknowledge(message: Message, state: FSMContext, count: int, field: FieldSpec) -> None:
    """One reply per album, edited as its files arrive; one per file otherwise."""
    text = ngettext(
        "📎 Принят {num} файл. Пришлите ещё или нажмите «Готово».",
        "📎 Принято {num} файлов. Пришлите ещё или нажмите «Готово».",
        count,
    ).format(num=count)
    markup = InlineKeyboardMarkup(inline_keyboard=[[button(_("✅ Готово"), Act.DONE)]])
    album = (await state.get_data()).get("album") or {}
    if message.media_group_id and album.get("group") == message.media_group_id:
        await message.bot.edit_message_text(  # type: ignore[union-attr]
            text, chat_id=message.chat.id, message_id=album["message_id"], reply_markup=markup
        )
        return
    sent = await message.answer(text, reply_markup=markup)
    if message.media_group_id:
        await state.update_data(
            album={"group": message.media_group_id, "message_id": sent.message_id}
        )


def setup() -> Router:
    router = Router(name="form-files")
    router.message.register(
        on_file, F.chat.type == "private", FormDialog.answer, F.document | F.photo
    )
    return router
