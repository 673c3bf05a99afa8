"""Sending a draft: whether its timing allows it, then once, with its card for staff."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from services import calendar, messages, outbox
from services.domain import SubmissionKind, SubmissionStatus
from services.programmes import deadlines, roadmaps, windows
from services.programmes.deadlines import Timing, Verdict
from services.programmes.schema import Programmes
from services.submissions import versions
from services.submissions.drafts import Snapshot, form_of, snapshot
from storage.models import Submission, WindowOpening
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class SendOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    INCOMPLETE = "incomplete"
    NOT_YET = "not_yet"
    NEEDS_LATE_REASON = "needs_late_reason"
    PAST_EVENT = "past_event"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    submission: Submission | None = None
    missing: Sequence[str] = ()
    timing: Timing | None = None


async def current_timing(
    uow: UnitOfWork, programmes: Programmes, snap: Snapshot, now: datetime, zone: ZoneInfo
) -> Timing:
    """`timing_of`, with the opening of a window staff open by command (LOIRO 3.4) looked up."""
    submission = snap.submission
    programme = programmes.of(submission.programme)
    if submission.kind is SubmissionKind.PLAN and submission.variant == roadmaps.ROADMAP:
        today = calendar.local_date(now, zone)
        return await roadmaps.timing(uow, programme, submission.platform_id, today)
    opening = await windows.opening_for(uow, programme, submission.kind, submission.variant)
    return timing_of(programmes, snap, now, zone, opening)


def timing_of(
    programmes: Programmes,
    snap: Snapshot,
    now: datetime,
    zone: ZoneInfo,
    opening: WindowOpening | None = None,
) -> Timing:
    submission = snap.submission
    programme = programmes.of(submission.programme)
    if submission.kind is SubmissionKind.ANNOUNCEMENT and snap.values.get("event_at"):
        event_at = datetime.fromisoformat(snap.values["event_at"])
        return deadlines.announcement_timing(programme, event_at, now, zone)
    if submission.kind is SubmissionKind.REPORT and isinstance(snap.context.get("stage"), dict):
        stage = snap.context["stage"]
        return deadlines.stage_timing(
            date.fromisoformat(stage["end"]),
            date.fromisoformat(stage["deadline"]),
            calendar.local_date(now, zone),
        )
    year = submission.school_year or deadlines.report_year(calendar.local_date(now, zone))
    if submission.kind is SubmissionKind.PLAN:
        year -= 1  # the plan for the coming year is due with this year's report
    return deadlines.window_timing(
        programme,
        submission.kind,
        submission.variant,
        year,
        calendar.local_date(now, zone),
        opening,
    )


async def send(
    uow: UnitOfWork,
    programmes: Programmes,
    submission_id: int,
    person_id: int,
    now: datetime,
    zone: ZoneInfo,
    late_reason: str | None = None,
    staff_chat_id: int | None = None,
) -> SendResult:
    """Send a complete draft once; a second tap finds it sent and changes nothing.

    The card for the staff group is written to the outbox in the same transaction.
    """
    submission = await uow.submissions.by_id_of_author(submission_id, person_id)
    if submission is None:
        return SendResult(SendOutcome.NOT_FOUND)
    if submission.status is not SubmissionStatus.DRAFT:
        return SendResult(SendOutcome.ALREADY_SENT, submission)
    snap = snapshot(submission)
    missing = form_of(programmes, snap).missing(snap.values, snap.file_counts)
    if missing:
        return SendResult(SendOutcome.INCOMPLETE, submission, missing)
    timing = await current_timing(uow, programmes, snap, now, zone)
    if timing.verdict is Verdict.PAST:
        return SendResult(SendOutcome.PAST_EVENT, submission, timing=timing)
    if timing.verdict is Verdict.NOT_YET:
        return SendResult(SendOutcome.NOT_YET, submission, timing=timing)
    if timing.verdict is Verdict.LATE and not late_reason:
        return SendResult(SendOutcome.NEEDS_LATE_REASON, submission, timing=timing)
    event_at = (
        datetime.fromisoformat(snap.values["event_at"]) if "event_at" in snap.values else None
    )
    # Sent before and returned for changes: what comes back is the next version of it.
    version = submission.version + 1 if submission.sent_at is not None else submission.version
    marked = await uow.submissions.mark_sent(
        submission_id,
        now,
        version=version,
        late=timing.verdict is Verdict.LATE,
        late_reason=late_reason or "",
        event_at=event_at,
        school_year=_school_year(submission, event_at, now, zone),
    )
    if not marked:
        await uow.rollback()
        return SendResult(SendOutcome.ALREADY_SENT, submission)
    author = await uow.people.get(person_id)
    uow.audit.record(
        "submission.send",
        "submission",
        submission_id,
        author.telegram_id if author is not None else None,
        now,
        kind=submission.kind.value,
        late=timing.verdict is Verdict.LATE,
    )
    await uow.session.refresh(submission)
    uow.submissions.add_version(versions.snapshot_of(submission, now))
    if staff_chat_id is not None:
        await outbox.add(uow, messages.card(submission, submission.files, staff_chat_id, now))
    else:
        log.warning("submission %s sent, but STAFF_CHAT_ID is not set: no card", submission_id)
    await uow.commit()
    return SendResult(SendOutcome.SENT, submission, timing=timing)


def _school_year(
    submission: Submission, event_at: datetime | None, now: datetime, zone: ZoneInfo
) -> int:
    """Reports and plans keep their year; an event counts in the year it happens."""
    if submission.school_year is not None:
        return submission.school_year
    return calendar.school_year_of(calendar.local_date(event_at or now, zone))
