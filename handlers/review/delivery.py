"""A submission in Telegram: its card and files for staff, the card's edits, the decision
notices to the coordinator and the mentors, the channel publication."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
)
from aiogram.utils.i18n import gettext as _

from handlers.exports.publication import event_file
from handlers.outgoing import Delivered, NothingToSendError, RuleSender
from handlers.review.cards import TOPIC_OF_KIND, CDFix, card_keyboard, card_text, topic_title
from handlers.submissions import passport_texts
from handlers.ui.render import render
from services import messages
from services.domain import SubmissionStatus
from services.messages import Rule
from services.programmes.schema import Programmes
from services.review import decisions, topics
from services.submissions.drafts import snapshot
from storage.models import Reminder, Submission, SubmissionFile
from storage.uow import UnitOfWork, UnitOfWorkFactory

FORUM_CACHE_SECONDS = 600.0
"""Whether the staff group is a forum is asked once in a while, not for every card."""


class TopicDeletedError(Exception):
    """Staff deleted the forum topic of the kind: the next attempt creates it again."""


class CardDelivery:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, programmes: Programmes, zone: ZoneInfo
    ) -> None:
        self._uow = uow_factory
        self._programmes = programmes
        self._zone = zone
        self._forums: dict[int, tuple[float, bool]] = {}

    def rules(self) -> dict[str, RuleSender]:
        return {
            Rule.CARD: self._card,
            Rule.CARD_FILES: self._card_files,
            Rule.CARD_EDIT: self._card_edit,
            Rule.CARD_UNDELIVERED: self._card_undelivered,
            Rule.DECISION: self._decision,
            Rule.PUBLICATION: self._publication,
            Rule.PUBLICATION_FILE: self._publication_file,
        }

    async def _submission(self, uow: UnitOfWork, payload: dict[str, Any]) -> Submission:
        submission = await decisions.submission(uow, int(payload["sid"]))
        if submission is None:
            raise NothingToSendError
        return submission

    async def _card(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
            text = await card_text(uow, submission, self._programmes, self._zone)
            markup = card_keyboard(submission, self._programmes)
            thread = await self._thread(bot, uow, row.chat_id, submission, create=True)
        try:
            sent = await bot.send_message(
                row.chat_id, text, reply_markup=markup, message_thread_id=thread
            )
        except TelegramBadRequest as error:
            await self._forget_deleted_topic(error, row.chat_id, submission)
            raise
        sid, chat_id, message_id = submission.id, row.chat_id, sent.message_id

        async def settle(uow: UnitOfWork) -> None:
            await decisions.attach_card(uow, sid, chat_id, message_id)

        return Delivered(message_id, settle)

    async def _card_files(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
            wanted = set(payload["files"])
            files = [f for f in submission.files if f.id in wanted]
            thread = await self._thread(bot, uow, row.chat_id, submission, create=False)
        if not files:
            raise NothingToSendError  # removed from the draft since (a new version has its own card)
        reply_to = submission.card_message_id if submission.card_chat_id == row.chat_id else None
        return Delivered(await _send_files(bot, row.chat_id, files, reply_to, thread))

    async def _card_edit(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
            if submission.card_chat_id is None or submission.card_message_id is None:
                raise NothingToSendError  # the card never arrived: /pending shows it
            text = await card_text(uow, submission, self._programmes, self._zone)
            markup = card_keyboard(submission, self._programmes)
        await bot.edit_message_text(
            text,
            chat_id=submission.card_chat_id,
            message_id=submission.card_message_id,
            reply_markup=markup,
        )
        return Delivered(submission.card_message_id)

    async def _card_undelivered(
        self, bot: Bot, row: Reminder, payload: dict[str, Any]
    ) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
        text = _(
            "⚠️ Карточка «{kind} № {number}» ({school}) не дошла до группы: Telegram не "
            "принял её и после повторных попыток. Она отмечена в /pending; историю показывает "
            "/history {number}."
        ).format(
            kind=passport_texts.kind_of(submission),
            number=submission.id,
            school=submission.school.name,
        )
        sent = await bot.send_message(row.chat_id, text, parse_mode=None)
        return Delivered(sent.message_id)

    async def _thread(
        self, bot: Bot, uow: UnitOfWork, chat_id: int, submission: Submission, create: bool
    ) -> int | None:
        """The forum topic for the submission's kind; created with the first card of the kind."""
        if not await self._is_forum(bot, chat_id):
            return None
        kind = TOPIC_OF_KIND[submission.kind]
        thread = await topics.known(uow, chat_id, kind)
        if thread is not None or not create:
            return thread
        created = await bot.create_forum_topic(chat_id, topic_title(kind))
        await topics.remember(uow, chat_id, kind, created.message_thread_id)
        return created.message_thread_id

    async def _is_forum(self, bot: Bot, chat_id: int) -> bool:
        cached = self._forums.get(chat_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        is_forum = bool((await bot.get_chat(chat_id)).is_forum)
        self._forums[chat_id] = (time.monotonic() + FORUM_CACHE_SECONDS, is_forum)
        return is_forum

    async def _forget_deleted_topic(
        self, error: TelegramBadRequest, chat_id: int, submission: Submission
    ) -> None:
        if "thread not found" not in error.message.lower():
            return
        async with self._uow() as uow:
            await topics.forget(uow, chat_id, TOPIC_OF_KIND[submission.kind])
        raise TopicDeletedError(error.message) from error

    async def _decision(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
        status = SubmissionStatus(payload["status"])
        mentor = bool(payload.get("mentor"))
        markup = None
        if status is SubmissionStatus.CHANGES_REQUESTED and not mentor:
            fix = InlineKeyboardButton(
                text=_("✏️ Исправить"), callback_data=CDFix(sid=submission.id).pack()
            )
            markup = InlineKeyboardMarkup(inline_keyboard=[[fix]])
        text = render(
            "decision_notice.html.j2",
            s=submission,
            status=status.value,
            comment=payload.get("comment", ""),
            kind=passport_texts.kind_of(submission),
            published=bool(payload.get("published")),
            mentor=mentor,
        )
        sent = await bot.send_message(row.chat_id, text, reply_markup=markup)
        return Delivered(sent.message_id)

    async def _publication(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
        values = snapshot(submission).values
        raw = values.get("event_at")
        when = datetime.fromisoformat(str(raw)).astimezone(self._zone) if raw else None
        text = render(
            "public_announcement.html.j2",
            v=values,
            s=submission,
            zone=self._zone,
            when=when.strftime("%d.%m.%Y %H:%M") if when else "",
        )
        sent = await bot.send_message(payload.get("channel") or row.chat_id, text)
        return Delivered(sent.message_id)

    async def _publication_file(
        self, bot: Bot, row: Reminder, payload: dict[str, Any]
    ) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
        document = await event_file(bot, submission, self._zone)
        if document is None:
            raise NothingToSendError  # no date: nothing to put in a calendar
        sent = await bot.send_document(payload.get("channel") or row.chat_id, document)
        return Delivered(sent.message_id)


async def _send_files(
    bot: Bot,
    chat_id: int,
    files: list[SubmissionFile],
    reply_to: int | None,
    thread: int | None,
) -> int:
    """One document or photo, or one album of them (never mixed: Telegram refuses that)."""
    if len(files) == 1:
        file = files[0]
        if messages.is_photo(file):
            sent = await bot.send_photo(
                chat_id, file.file_id, reply_to_message_id=reply_to, message_thread_id=thread
            )
        else:
            sent = await bot.send_document(
                chat_id, file.file_id, reply_to_message_id=reply_to, message_thread_id=thread
            )
        return sent.message_id
    media: list[InputMediaDocument | InputMediaPhoto] = [
        InputMediaPhoto(media=f.file_id)
        if messages.is_photo(f)
        else InputMediaDocument(media=f.file_id)
        for f in files
    ]
    album = await bot.send_media_group(
        chat_id,
        media,  # type: ignore[arg-type]
        reply_to_message_id=reply_to,
        message_thread_id=thread,
    )
    return album[0].message_id
