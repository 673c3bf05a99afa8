"""Drafts: opened from the menu or a reminder, answers saved as given, files added and removed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services import calendar
from services.domain import SubmissionKind
from services.people.roles import coordinates
from services.programmes import deadlines, platforms, roadmaps
from services.programmes.schema import Programme, Programmes
from services.submissions import forms, plans, stage_reports
from services.submissions.files import IncomingFile
from storage.models import Person, Platform, Submission, SubmissionFile
from storage.uow import UnitOfWork


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


async def submission(uow: UnitOfWork, submission_id: int) -> Submission | None:
    """The submission of this id, whoever wrote it and whatever its status."""
    return await uow.submissions.get(submission_id)


async def own_draft(uow: UnitOfWork, submission_id: int, person_id: int) -> Snapshot | None:
    """The person's draft of this id, decoded; None once it is sent or thrown away."""
    found = await uow.submissions.draft_by_id(submission_id, person_id)
    return snapshot(found) if found is not None else None


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
    if kind is SubmissionKind.PLAN and variant == roadmaps.ROADMAP:
        context = {"school_year": year, "roadmap": True}  # the whole term, from this year
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
