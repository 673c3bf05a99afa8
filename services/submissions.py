"""Submissions from draft to sent: answers saved as given, files, sending exactly once."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from services import (
    calendar,
    deadlines,
    forms,
    messages,
    outbox,
    plans,
    platforms,
    review,
    stage_reports,
    windows,
)
from services.deadlines import Timing, Verdict
from services.files import IncomingFile
from services.programmes import Programme, Programmes
from services.roles import coordinates
from storage.models import (
    Person,
    Platform,
    Submission,
    SubmissionFile,
    SubmissionKind,
    SubmissionStatus,
    WindowOpening,
)
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


@dataclass(frozen=True)
class Draft:
    submission: Submission
    resumed: bool
    """An earlier draft of the same kind was found and may be continued."""


@dataclass
class Snapshot:
    """A submission's answers and files, decoded, for the dialog and the preview."""

    submission: Submission
    values: dict[str, Any]
    context: dict[str, Any]
    files: dict[str, list[SubmissionFile]] = field(default_factory=dict)

    @property
    def file_counts(self) -> dict[str, int]:
        return {slot: len(items) for slot, items in self.files.items()}


def snapshot(submission: Submission) -> Snapshot:
    files: dict[str, list[SubmissionFile]] = {}
    for item in submission.files:
        files.setdefault(item.slot, []).append(item)
    return Snapshot(
        submission, json.loads(submission.values), json.loads(submission.context), files
    )


def form_of(programmes: Programmes, snap: Snapshot) -> forms.Form:
    submission = snap.submission
    programme = programmes.of(submission.programme)
    return forms.build(programme, submission.kind, submission.variant, snap.context)


async def _context(
    uow: UnitOfWork, kind: SubmissionKind, school_ids: list[int], today_year: int
) -> dict[str, Any]:
    """What the form is prefilled from; a network's report covers the events of every school."""
    if kind is SubmissionKind.REPORT:
        announced = await uow.submissions.sent_of_kind(
            school_ids, SubmissionKind.ANNOUNCEMENT, today_year
        )
        materials = await uow.submissions.sent_of_kind(
            school_ids, SubmissionKind.MATERIALS, today_year
        )
        return {
            "school_year": today_year,
            "events": [
                {
                    "id": item.id,
                    "title": json.loads(item.values).get("title", ""),
                    "at": item.event_at.isoformat() if item.event_at else None,
                    "participants": json.loads(item.values).get("participants"),
                }
                for item in announced
                if json.loads(item.values).get("held") is not False
            ],
            "materials": [json.loads(item.values).get("title", "") for item in materials],
        }
    if kind is SubmissionKind.PLAN:
        return {"school_year": today_year + 1}
    return {}


async def open_draft(
    uow: UnitOfWork,
    programme: Programme,
    person: Person,
    school_id: int,
    kind: SubmissionKind,
    variant: str,
    now: datetime,
    zone: ZoneInfo,
    platform: Platform | None = None,
) -> Draft:
    """The person's draft of this kind for the school, or a new one prefilled from the records."""
    platform_id = platform.id if platform else None
    existing = await uow.submissions.draft_of(
        person.id, school_id, kind, variant, programme.id, platform_id
    )
    if existing is not None:
        return Draft(existing, resumed=True)
    school = await uow.schools.get(school_id)
    if school is None:
        raise LookupError(f"no school {school_id}")
    year = deadlines.report_year(calendar.local_date(now, zone))
    members = platforms.member_ids(platform, school_id)
    context = await _context(uow, kind, members, year)
    if kind is SubmissionKind.ANNOUNCEMENT and platform is not None:
        context["directions"] = await platforms.directions_of(uow, platform)
    if kind is SubmissionKind.REPORT and programme.reports.schedule == "stages":
        staged = await stage_reports.context(uow, programme, platform, members, zone)
        if staged is not None:
            context = {"school_year": year, **staged}
    if kind is SubmissionKind.REPORT and "plan_completion" in programme.reports.report_fields:
        context["plan"] = await plans.approved_schedule(uow, programme.id, members, year)
    form = forms.build(programme, kind, variant, context)
    submission = Submission(
        kind=kind,
        variant=variant,
        programme=programme.id,
        school_id=school_id,
        platform_id=platform_id,
        author_id=person.id,
        values=json.dumps(forms.prefill(form, school, person, context), ensure_ascii=False),
        context=json.dumps(context, ensure_ascii=False),
        school_year=context.get("school_year"),
        created_at=now,
        updated_at=now,
        files=[],
    )
    uow.submissions.add(submission)
    await uow.commit()
    return Draft(submission, resumed=False)


async def restart_draft(
    uow: UnitOfWork,
    programmes: Programmes,
    person: Person,
    submission_id: int,
    now: datetime,
    zone: ZoneInfo,
) -> Draft:
    """Throw the draft away and begin the same kind anew."""
    old = await uow.submissions.draft_by_id(submission_id, person.id)
    if old is None:
        raise LookupError(f"no draft {submission_id}")
    school_id, kind, variant = old.school_id, old.kind, old.variant
    programme = programmes.of(old.programme)
    platform = await uow.platforms.get(old.platform_id) if old.platform_id else None
    await uow.submissions.delete(old)
    await uow.commit()
    return await open_draft(uow, programme, person, school_id, kind, variant, now, zone, platform)


async def save_value(
    uow: UnitOfWork, submission_id: int, person_id: int, field_id: str, value: Any, now: datetime
) -> Snapshot | None:
    submission = await uow.submissions.draft_by_id(submission_id, person_id)
    if submission is None:
        return None
    values = json.loads(submission.values)
    if value is None:
        values.pop(field_id, None)
    else:
        values[field_id] = value
    submission.values = json.dumps(values, ensure_ascii=False)
    submission.updated_at = now
    await uow.commit()
    return snapshot(submission)


async def add_file(
    uow: UnitOfWork,
    submission_id: int,
    person_id: int,
    slot: str,
    file: IncomingFile,
    now: datetime,
) -> int | None:
    """Attach a file; the same file twice is kept once. Returns how many the slot has."""
    submission = await uow.submissions.draft_by_id(submission_id, person_id)
    if submission is None:
        return None
    slot_files = [f for f in submission.files if f.slot == slot]
    if all(f.file_unique_id != file.file_unique_id for f in slot_files):
        submission.files.append(
            SubmissionFile(
                slot=slot,
                file_id=file.file_id,
                file_unique_id=file.file_unique_id,
                file_name=file.file_name,
                mime_type=file.mime_type,
                size=file.size,
                added_at=now,
            )
        )
        submission.updated_at = now
        await uow.commit()
    return len([f for f in submission.files if f.slot == slot])


async def clear_files(uow: UnitOfWork, submission_id: int, person_id: int, slot: str) -> None:
    submission = await uow.submissions.draft_by_id(submission_id, person_id)
    if submission is not None:
        for item in [f for f in submission.files if f.slot == slot]:
            submission.files.remove(item)
        await uow.commit()


async def current_timing(
    uow: UnitOfWork, programmes: Programmes, snap: Snapshot, now: datetime, zone: ZoneInfo
) -> Timing:
    """`timing_of`, with the opening of a window staff open by command (LOIRO 3.4) looked up."""
    submission = snap.submission
    programme = programmes.of(submission.programme)
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
    uow.audit.record(
        "submission.send",
        "submission",
        submission_id,
        None,
        now,
        kind=submission.kind.value,
        late=timing.verdict is Verdict.LATE,
    )
    await uow.session.refresh(submission)
    uow.submissions.add_version(review.version_snapshot(submission, now))
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


async def of_schools(
    uow: UnitOfWork, school_ids: Sequence[int], offset: int, limit: int
) -> tuple[Sequence[Submission], int]:
    return await uow.submissions.of_schools(school_ids, offset, limit)


async def visible(
    uow: UnitOfWork, submission_id: int, school_ids: Sequence[int]
) -> Submission | None:
    """A submission, only if it belongs to one of the given schools."""
    submission = await uow.submissions.get(submission_id)
    if submission is None or submission.school_id not in school_ids:
        return None
    return submission


async def draft_from_planned(
    uow: UnitOfWork, programmes: Programmes, person: Person, event_id: int, now: datetime
) -> Submission | None:
    """A new announcement draft for an event of the approved plan, its title and form filled."""
    event = await uow.schedule.planned_event(event_id)
    if event is None or not coordinates(person, event.school_id):
        return None
    plan = await uow.submissions.get(event.plan_id)
    programme = programmes.of(plan.programme) if plan else programmes.default
    values: dict[str, Any] = {"title": event.title}
    if event.form in programme.announcements.forms:
        values["form"] = event.form
    submission = Submission(
        kind=SubmissionKind.ANNOUNCEMENT,
        variant="",
        programme=programme.id,
        school_id=event.school_id,
        author_id=person.id,
        values=json.dumps(values, ensure_ascii=False),
        context="{}",
        created_at=now,
        updated_at=now,
        files=[],
    )
    uow.submissions.add(submission)
    await uow.commit()
    return submission


async def _announcement_of(
    uow: UnitOfWork, submission_id: int, person: Person
) -> Submission | None:
    submission = await uow.submissions.get(submission_id)
    if (
        submission is None
        or submission.kind is not SubmissionKind.ANNOUNCEMENT
        or not coordinates(person, submission.school_id)
    ):
        return None
    return submission


async def reports_outcome(uow: UnitOfWork, submission_id: int, person: Person) -> bool:
    """Whether the person may say how the announced event went (their school's)."""
    return await _announcement_of(uow, submission_id, person) is not None


async def record_outcome(
    uow: UnitOfWork,
    submission_id: int,
    person: Person,
    held: bool,
    participants: int | None,
    materials_link: str | None,
    now: datetime,
) -> bool:
    """After an announced event: whether it took place, how many came; it feeds the report."""
    submission = await _announcement_of(uow, submission_id, person)
    if submission is None:
        return False
    values = json.loads(submission.values)
    values["held"] = held
    if participants is not None:
        values["participants"] = participants
    if materials_link:
        values["materials_link"] = materials_link
    submission.values = json.dumps(values, ensure_ascii=False)
    uow.audit.record(
        "event.outcome", "submission", submission_id, person.telegram_id, now, held=held
    )
    await uow.commit()
    return True
