"""Messages that carry a state change, written to the outbox in the transaction of the change.

A sent submission's card and files, the card's edit after staff act on it, the decision
notices, the channel publication, and the same for access requests: each is a row of the
outbox, so nothing depends on the process staying alive between the commit and the send.
The sender renders each row when it delivers it (cards show the submission as it is then;
a notice keeps what was decided, in its payload).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.outbox import Planned
from storage.models import AccessRequest, Person, Submission, SubmissionFile
from storage.uow import UnitOfWork

ALBUM_SIZE = 10
"""Telegram's most media in one album."""


class Rule(StrEnum):
    """The outbox rules of event-driven messages (the planner's reminders have their own)."""

    CARD = "card"
    CARD_FILES = "card_files"
    CARD_EDIT = "card_edit"
    CARD_UNDELIVERED = "card_undelivered"
    DECISION = "decision"
    PUBLICATION = "publication"
    PUBLICATION_FILE = "publication_file"
    """The published event as an ICS file, right after the publication in the channel."""
    ACCESS_CARD = "access_card"
    ACCESS_CARD_EDIT = "access_card_edit"
    ACCESS_OUTCOME = "access_outcome"


RULES = frozenset(Rule)


@dataclass(frozen=True)
class Destinations:
    """Where the institute reads: its staff group, its public channel, its administrators."""

    staff_chat_id: int | None = None
    channel: int | str | None = None
    admin_ids: frozenset[int] = frozenset()


def _subject(submission_id: int) -> str:
    return f"submission:{submission_id}"


def _row(
    rule: Rule, key: str, subject: str, chat_id: int, now: datetime, **payload: object
) -> Planned:
    return Planned(
        key=f"{rule.value}:{key}",
        rule=rule.value,
        subject=subject,
        chat_id=chat_id,
        due_at=now,
        payload=payload,
    )


def card(
    submission: Submission, files: Sequence[SubmissionFile], staff_chat_id: int, now: datetime
) -> list[Planned]:
    """The card of a sent version and its files, in albums replying to it (one send each)."""
    sid, version = submission.id, submission.version
    subject = _subject(sid)
    rows = [_row(Rule.CARD, f"{sid}:{version}", subject, staff_chat_id, now, sid=sid)]
    photos = [f for f in files if is_photo(f)]
    documents = [f for f in files if not is_photo(f)]
    for group in (documents, photos):
        for start in range(0, len(group), ALBUM_SIZE):
            chunk = group[start : start + ALBUM_SIZE]
            rows.append(
                _row(
                    Rule.CARD_FILES,
                    f"{sid}:{version}:{len(rows)}",
                    subject,
                    staff_chat_id,
                    now,
                    sid=sid,
                    files=[f.id for f in chunk],
                    weight=len(chunk),
                )
            )
    return rows


def is_photo(file: SubmissionFile) -> bool:
    """Sent as a photo (compressed), not as a document: photos and documents form albums apart."""
    return file.mime_type == "image/jpeg" and file.file_name.startswith("photo_")


async def card_edit(
    uow: UnitOfWork, submission: Submission, staff_chat_id: int | None, now: datetime
) -> list[Planned]:
    """The card shown again as the submission is now; none if one is already on its way.

    In the card's chat, so that it is delivered after the card (rows of a chat go in order).
    """
    subject = _subject(submission.id)
    chat_id = submission.card_chat_id
    if chat_id is None:
        if staff_chat_id is None or not await uow.outbox.waiting(subject, [Rule.CARD]):
            return []  # no card was posted (no staff group then): nothing to edit
        chat_id = staff_chat_id
    if await uow.outbox.waiting(subject, [Rule.CARD_EDIT], unclaimed=True):
        return []  # a waiting edit renders the state at its delivery, this change included
    key = f"{submission.id}:{uuid.uuid4().hex}"
    return [_row(Rule.CARD_EDIT, key, subject, chat_id, now, sid=submission.id)]


def decision_notices(
    submission: Submission,
    author: Person,
    mentors: Sequence[Person],
    published: bool,
    now: datetime,
) -> list[Planned]:
    """The coordinator and the school's mentors hear of a decision, as it was made."""
    notices: list[Planned] = []
    payload = {
        "sid": submission.id,
        "status": submission.status.value,
        "comment": submission.comment,
        "published": published,
    }
    recipients = [(author, False)] + [
        (mentor, True) for mentor in mentors if mentor.id != submission.author_id
    ]
    for person, mentor in recipients:
        key = f"{submission.id}:{submission.version}:{submission.status.value}:{person.telegram_id}"
        notices.append(
            _row(
                Rule.DECISION,
                key,
                _subject(submission.id),
                person.telegram_id,
                now,
                mentor=mentor,
                **payload,
            )
        )
    return notices


def publication(submission: Submission, channel: int | str, now: datetime) -> Planned:
    """An approved announcement in the institute's public channel.

    A channel given by its @name has no numeric id to order and pace by: such rows share
    the chat id 0, and the payload carries the name.
    """
    chat_id = channel if isinstance(channel, int) else 0
    return _row(
        Rule.PUBLICATION,
        str(submission.id),
        _subject(submission.id),
        chat_id,
        now,
        sid=submission.id,
        channel=channel,
    )


def publication_file(submission: Submission, channel: int | str, now: datetime) -> Planned:
    """The event's ICS after its publication: the same chat, so it is delivered after it."""
    chat_id = channel if isinstance(channel, int) else 0
    return _row(
        Rule.PUBLICATION_FILE,
        str(submission.id),
        _subject(submission.id),
        chat_id,
        now,
        sid=submission.id,
        channel=channel,
    )


def undelivered_card(submission_id: int, staff_chat_id: int, now: datetime) -> Planned:
    """One notice to the staff group that a card could not be delivered after all retries."""
    return _row(
        Rule.CARD_UNDELIVERED,
        str(submission_id),
        _subject(submission_id),
        staff_chat_id,
        now,
        sid=submission_id,
    )


def _access_subject(request_id: int) -> str:
    return f"access_request:{request_id}"


def access_cards(
    request: AccessRequest, destinations: Destinations, now: datetime
) -> list[Planned]:
    """The request's card in the staff group; to each administrator when there is none."""
    targets = (
        [destinations.staff_chat_id]
        if destinations.staff_chat_id is not None
        else sorted(destinations.admin_ids)
    )
    stamp = uuid.uuid4().hex  # a person may ask again after a denial: each request is new
    return [
        _row(
            Rule.ACCESS_CARD,
            f"{request.id}:{chat_id}:{stamp}",
            _access_subject(request.id),
            chat_id,
            now,
            request_id=request.id,
        )
        for chat_id in targets
    ]


def access_decided(
    request: AccessRequest, chat_id: int, message_id: int | None, now: datetime
) -> list[Planned]:
    """After a decision: the card it was made on shows it, and the person is told."""
    subject = _access_subject(request.id)
    rows = []
    if message_id is not None:
        rows.append(
            _row(
                Rule.ACCESS_CARD_EDIT,
                f"{request.id}:{chat_id}:{message_id}",
                subject,
                chat_id,
                now,
                request_id=request.id,
                message_id=message_id,
            )
        )
    rows.append(
        _row(
            Rule.ACCESS_OUTCOME,
            str(request.id),
            subject,
            request.telegram_id,
            now,
            request_id=request.id,
        )
    )
    return rows
