"""What each outbox row looks like in Telegram, and the one call that delivers it.

The sender (`bot/delivery.py`) claims a row, waits for its turn within Telegram's limits and
calls `Outgoing.deliver`; whatever Telegram answers decides the row's fate there. Each row
is one send (a card, one album of its files, one notice), so a retry never repeats a part
that already arrived. Cards are rendered at delivery, as the submission is then; a decision
notice keeps what was decided, from its payload.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
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
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.people.access import decision_keyboard
from handlers.review.cards import TOPIC_OF_KIND, CDFix, card_keyboard, card_text, topic_title
from handlers.submissions import passport_texts
from handlers.ui.menu import menu_keyboard
from handlers.ui.render import render
from services import access_requests, messages, review
from services.messages import Rule
from services.outbox import Planned
from services.programmes import Programmes
from services.roles import roles_of
from services.submissions import snapshot
from storage.models import ForumTopic, Reminder, Submission, SubmissionFile, SubmissionStatus
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

FORUM_CACHE_SECONDS = 600.0
"""Whether the staff group is a forum is asked once in a while, not for every card."""

Settle = Callable[[UnitOfWork], Awaitable[None]]
RenderReminder = Callable[[Reminder, str], Awaitable[tuple[str, InlineKeyboardMarkup | None]]]


class TopicDeletedError(Exception):
    """Staff deleted the forum topic of the kind: the next attempt creates it again."""


@dataclass(frozen=True)
class Delivered:
    """What Telegram gave back, and what to record with the row's "sent" mark."""

    message_id: int | None = None
    settle: Settle | None = None


class Outgoing:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        i18n: I18n,
        programmes: Programmes,
        zone: ZoneInfo,
        staff_chat_id: int | None,
        render_reminder: RenderReminder,
    ) -> None:
        self._uow = uow_factory
        self._i18n = i18n
        self._programmes = programmes
        self._zone = zone
        self._staff_chat_id = staff_chat_id
        self._render_reminder = render_reminder
        self._forums: dict[int, tuple[float, bool]] = {}
        self._rules: dict[str, Callable[[Bot, Reminder, dict[str, Any]], Awaitable[Delivered]]]
        self._rules = {
            Rule.CARD: self._card,
            Rule.CARD_FILES: self._card_files,
            Rule.CARD_EDIT: self._card_edit,
            Rule.CARD_UNDELIVERED: self._card_undelivered,
            Rule.DECISION: self._decision,
            Rule.PUBLICATION: self._publication,
            Rule.ACCESS_CARD: self._access_card,
            Rule.ACCESS_CARD_EDIT: self._access_card_edit,
            Rule.ACCESS_OUTCOME: self._access_outcome,
        }

    async def deliver(self, bot: Bot, row: Reminder, language: str) -> Delivered | None:
        """Send the row; None when it no longer applies (nothing was sent)."""
        payload: dict[str, Any] = json.loads(row.payload)
        with self._i18n.context(), self._i18n.use_locale(language):
            rule = self._rules.get(row.rule)
            if rule is not None:
                try:
                    return await rule(bot, row, payload)
                except _NothingToSendError:
                    return None
            text, markup = await self._render_reminder(row, language)
            sent = await bot.send_message(row.chat_id, text, reply_markup=markup)
            return Delivered(sent.message_id)

    async def undelivered(self, row: Reminder, now: datetime) -> list[Planned]:
        """What to write when a row is given up: a card that never arrived is told about."""
        if row.rule != Rule.CARD or self._staff_chat_id is None:
            return []
        sid = int(json.loads(row.payload)["sid"])
        return [messages.undelivered_card(sid, self._staff_chat_id, now)]

    # ----------------------------------------------------------------- cards

    async def _submission(self, uow: UnitOfWork, payload: Mapping[str, Any]) -> Submission:
        submission = await uow.submissions.get(int(payload["sid"]))
        if submission is None:
            raise _NothingToSendError
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
            await review.attach_card(uow, sid, chat_id, message_id)

        return Delivered(message_id, settle)

    async def _card_files(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
            wanted = set(payload["files"])
            files = [f for f in submission.files if f.id in wanted]
            thread = await self._thread(bot, uow, row.chat_id, submission, create=False)
        if not files:
            raise _NothingToSendError  # removed from the draft since (a new version has its own card)
        reply_to = submission.card_message_id if submission.card_chat_id == row.chat_id else None
        sent = await _send_files(bot, row.chat_id, files, reply_to, thread)
        return Delivered(sent)

    async def _card_edit(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            submission = await self._submission(uow, payload)
            if submission.card_chat_id is None or submission.card_message_id is None:
                raise _NothingToSendError  # the card never arrived: /pending shows it
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
        topic = TOPIC_OF_KIND[submission.kind]
        known = await uow.topics.get(chat_id, topic)
        if known is not None:
            return known.thread_id
        if not create:
            return None
        created = await bot.create_forum_topic(chat_id, topic_title(topic))
        uow.topics.add(ForumTopic(chat_id=chat_id, kind=topic, thread_id=created.message_thread_id))
        await uow.commit()
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
        """Staff deleted the topic of the kind: the next attempt creates it again."""
        if "thread not found" not in error.message.lower():
            return
        async with self._uow() as uow:
            await uow.topics.forget(chat_id, TOPIC_OF_KIND[submission.kind])
            await uow.commit()
        raise TopicDeletedError(error.message) from error

    # ------------------------------------------------------ decisions, channel

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

    # --------------------------------------------------------- access requests

    async def _access_card(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        request_id = int(payload["request_id"])
        async with self._uow() as uow:
            request = await uow.access_requests.get(request_id)
            if request is None:
                raise _NothingToSendError
            school = await uow.schools.get(request.school_id) if request.school_id else None
        text = render("access_card.html.j2", request=request, school=school, zone=self._zone)
        markup = decision_keyboard(request_id) if request.status == "pending" else None
        sent = await bot.send_message(row.chat_id, text, reply_markup=markup)
        settle: Settle | None = None
        if row.chat_id == self._staff_chat_id:
            message_id = sent.message_id

            async def settle(uow: UnitOfWork) -> None:
                await access_requests.attach_card(uow, request_id, message_id)

        return Delivered(sent.message_id, settle)

    async def _access_card_edit(
        self, bot: Bot, row: Reminder, payload: dict[str, Any]
    ) -> Delivered:
        async with self._uow() as uow:
            request = await uow.access_requests.get(int(payload["request_id"]))
            if request is None:
                raise _NothingToSendError
            school = await uow.schools.get(request.school_id) if request.school_id else None
        text = render("access_card.html.j2", request=request, school=school, zone=self._zone)
        message_id = int(payload["message_id"])
        await bot.edit_message_text(
            text, chat_id=row.chat_id, message_id=message_id, reply_markup=None
        )
        return Delivered(message_id)

    async def _access_outcome(self, bot: Bot, row: Reminder, payload: dict[str, Any]) -> Delivered:
        async with self._uow() as uow:
            request = await uow.access_requests.get(int(payload["request_id"]))
            if request is None:
                raise _NothingToSendError
            person = await uow.people.by_telegram_id(request.telegram_id)
        roles = roles_of(person, staff=False, admin=False)
        text = render("access_outcome.html.j2", request=request)
        sent = await bot.send_message(row.chat_id, text, reply_markup=menu_keyboard(roles))
        return Delivered(sent.message_id)


class _NothingToSendError(Exception):
    """The row is about something that no longer exists or applies: nothing to send."""


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
