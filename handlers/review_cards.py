"""The card of a submission in the staff group: posted when sent, edited after every action."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers import form_texts, passport_texts
from handlers.dialogs import Deps
from handlers.form_state import summary
from handlers.render import render
from services import expertise, languages, review, submissions
from storage.models import ForumTopic, Submission, SubmissionFile, SubmissionKind, SubmissionStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

CARD_VALUE_LIMITS = (400, 120, 40)
"""Card values are shortened until the card fits Telegram's 4096 characters."""
TEXT_LIMIT = 4096
ALBUM_SIZE = 10

TOPIC_OF_KIND = {
    SubmissionKind.APPLICATION: "applications",
    SubmissionKind.ANNOUNCEMENT: "announcements",
    SubmissionKind.REPORT: "reports",
    SubmissionKind.PLAN: "reports",
    SubmissionKind.MATERIALS: "materials",
}


class CDReview(CallbackData, prefix="rv"):
    action: str  # "claim" | "approve" | "changes" | "reject" | "expert"
    sid: int


def _topic_title(topic: str) -> str:
    titles = {
        "applications": _("Заявки"),
        "announcements": _("Анонсы мероприятий"),
        "reports": _("Отчёты и планы"),
        "materials": _("Методические материалы"),
    }
    return titles[topic]


def card_keyboard(submission: Submission, deps: Deps) -> InlineKeyboardMarkup | None:
    if submission.status not in review.OPEN:
        return None
    decide = [
        InlineKeyboardButton(
            text=_("✅ Одобрить"),
            callback_data=CDReview(action="approve", sid=submission.id).pack(),
        ),
        InlineKeyboardButton(
            text=_("✏️ На доработку"),
            callback_data=CDReview(action="changes", sid=submission.id).pack(),
        ),
        InlineKeyboardButton(
            text=_("❌ Отклонить"),
            callback_data=CDReview(action="reject", sid=submission.id).pack(),
        ),
    ]
    rows = [decide]
    if submission.status is SubmissionStatus.SENT:
        claim = InlineKeyboardButton(
            text=_("🙋 Беру в работу"),
            callback_data=CDReview(action="claim", sid=submission.id).pack(),
        )
        rows.insert(0, [claim])
    if expertise.approval_blocked(deps["programmes"], submission) is expertise.Blocked.MISSING:
        conclude = InlineKeyboardButton(
            text=_("🧾 Экспертное заключение"),
            callback_data=CDReview(action="expert", sid=submission.id).pack(),
        )
        rows.insert(-1, [conclude])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _shorten(rows: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    return [
        (label, value if len(value) <= limit else value[: limit - 1] + "…") for label, value in rows
    ]


async def card_text(uow: UnitOfWork, submission: Submission, deps: Deps) -> str:
    snap = submissions.snapshot(submission)
    changes = await review.last_changes(uow, submission)
    form = submissions.form_of(deps["programmes"], snap)
    changed_labels = [
        form_texts.label(field) for field in form.fields if changes and field.id in changes.fields
    ]
    rows = summary(snap, deps)
    expert = expertise.definition_for(deps["programmes"], submission)
    text = ""
    for limit in CARD_VALUE_LIMITS:
        text = render(
            "review_card.html.j2",
            s=submission,
            kind=passport_texts.kind_of(submission),
            variant=_variant_title(submission, deps),
            programme=_programme_title(submission, deps),
            status=form_texts.status_name(submission.status),
            rows=_shorten(rows, limit),
            changes=changes,
            changed_labels=changed_labels,
            expert_title=expert.title if expert else "",
            conclusion=expertise.given(submission),
            zone=deps["zone"],
        )
        if len(text) <= TEXT_LIMIT:
            break
    return text


def _programme_title(submission: Submission, deps: Deps) -> str:
    """Named on the card only when the staff group serves several programmes."""
    programmes = deps["programmes"]
    return programmes.of(submission.programme).title if len(programmes) > 1 else ""


def _variant_title(submission: Submission, deps: Deps) -> str:
    if stage := passport_texts.stage_details(submission):
        return stage
    kinds = deps["programmes"].of(submission.programme).applications.kinds()
    kind = kinds.get(submission.variant)
    return kind.title if kind is not None else ""


async def _thread_for(
    bot: Bot, uow: UnitOfWork, chat_id: int, submission: Submission
) -> int | None:
    """The forum topic for the submission's kind, created the first time it is needed."""
    chat = await bot.get_chat(chat_id)
    if not chat.is_forum:
        return None
    topic_key = TOPIC_OF_KIND[submission.kind]
    known = await uow.topics.get(chat_id, topic_key)
    if known is not None:
        return known.thread_id
    created = await bot.create_forum_topic(chat_id, _topic_title(topic_key))
    uow.topics.add(ForumTopic(chat_id=chat_id, kind=topic_key, thread_id=created.message_thread_id))
    await uow.commit()
    return created.message_thread_id


async def post_card(bot: Bot, i18n: I18n, submission: Submission, deps: Deps) -> None:
    """The card and its files in the staff group (in the group's language, Russian)."""
    staff_chat = deps["staff_chat_id"]
    if staff_chat is None:
        log.warning("submission %s sent, but STAFF_CHAT_ID is not set", submission.id)
        return
    uow: UnitOfWork = deps["uow"]
    with i18n.use_locale(languages.DEFAULT):
        text = await card_text(uow, submission, deps)
        markup = card_keyboard(submission, deps)
    try:
        thread = await _thread_for(bot, uow, staff_chat, submission)
        card = await bot.send_message(
            staff_chat, text, reply_markup=markup, message_thread_id=thread
        )
        await review.attach_card(uow, submission.id, staff_chat, card.message_id)
        await send_files(bot, staff_chat, submission.files, reply_to=card.message_id, thread=thread)
    except TelegramAPIError:
        log.exception("could not post the card of submission %s", submission.id)


async def send_files(
    bot: Bot,
    chat_id: int,
    files: Sequence[SubmissionFile],
    reply_to: int | None = None,
    thread: int | None = None,
) -> None:
    """Documents by file_id, several as albums (photos and documents cannot share one)."""
    photos = [f for f in files if _is_photo(f)]
    documents = [f for f in files if not _is_photo(f)]
    for group in (documents, photos):
        for start in range(0, len(group), ALBUM_SIZE):
            chunk = group[start : start + ALBUM_SIZE]
            if len(chunk) == 1:
                if _is_photo(chunk[0]):
                    await bot.send_photo(
                        chat_id,
                        chunk[0].file_id,
                        reply_to_message_id=reply_to,
                        message_thread_id=thread,
                    )
                else:
                    await bot.send_document(
                        chat_id,
                        chunk[0].file_id,
                        reply_to_message_id=reply_to,
                        message_thread_id=thread,
                    )
                continue
            media: list[InputMediaDocument | InputMediaPhoto] = [
                InputMediaPhoto(media=f.file_id)
                if _is_photo(f)
                else InputMediaDocument(media=f.file_id)
                for f in chunk
            ]
            await bot.send_media_group(
                chat_id, media, reply_to_message_id=reply_to, message_thread_id=thread
            )  # type: ignore[arg-type]


def _is_photo(file: SubmissionFile) -> bool:
    return file.mime_type == "image/jpeg" and file.file_name.startswith("photo_")


async def refresh_card(bot: Bot, i18n: I18n, submission: Submission, deps: Deps) -> None:
    """Edit the card in place to the submission's current state; buttons that no longer apply go."""
    if submission.card_chat_id is None or submission.card_message_id is None:
        return
    with i18n.use_locale(languages.DEFAULT):
        text = await card_text(deps["uow"], submission, deps)
        markup = card_keyboard(submission, deps)
    try:
        await bot.edit_message_text(
            text,
            chat_id=submission.card_chat_id,
            message_id=submission.card_message_id,
            reply_markup=markup,
        )
    except TelegramAPIError:
        log.exception("could not update the card of submission %s", submission.id)
