"""After an announced event: whether it took place and how many came (the annual report uses it)."""

from __future__ import annotations

import json
from datetime import datetime

from services.domain import SubmissionKind
from services.people.roles import coordinates
from storage.models import Person, Submission
from storage.uow import UnitOfWork


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
