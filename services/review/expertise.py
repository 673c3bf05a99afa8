"""The expert conclusion on a platform's programme (Omsk 2.1.6) that comes before approval.

A reviewer answers each criterion of the programme's `review.expert_conclusion` (met or not) and
chooses an outcome; only an outcome that permits approval lets staff approve the application.
One conclusion per version: the first one given stays, and a new version needs a new one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from services import messages, outbox
from services.domain import SubmissionKind, SubmissionStatus
from services.programmes.schema import ExpertConclusion, Programmes
from storage.models import Submission
from storage.uow import UnitOfWork

MET, NOT_MET = "y", "n"
"""One letter per criterion, in order: how the answers so far travel in a button."""
CONTEXT_KEY = "expert_conclusion"
OPEN = (SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW)


def definition_for(programmes: Programmes, submission: Submission) -> ExpertConclusion | None:
    """The conclusion the submission needs: an application for the status, where required."""
    if submission.kind is not SubmissionKind.APPLICATION or submission.variant != "assignment":
        return None
    return programmes.of(submission.programme).review.expert_conclusion


def valid_answers(definition: ExpertConclusion, answers: str) -> bool:
    return len(answers) <= len(definition.criteria) and set(answers) <= {MET, NOT_MET}


@dataclass(frozen=True)
class Given:
    """A conclusion as it was given (titles kept, so the card reads the same later)."""

    outcome: str
    outcome_title: str
    criteria: list[tuple[str, bool]]
    by: str
    at: datetime


def given(submission: Submission) -> Given | None:
    """The conclusion on the submission's current version, if any."""
    if not submission.expert_conclusion:
        return None
    stored: dict[str, Any] = json.loads(submission.context).get(CONTEXT_KEY) or {}
    return Given(
        outcome=submission.expert_conclusion,
        outcome_title=str(stored.get("outcome_title", submission.expert_conclusion)),
        criteria=[(str(item["title"]), bool(item["met"])) for item in stored.get("criteria", [])],
        by=str(stored.get("by", "")),
        at=datetime.fromisoformat(stored["at"]) if stored.get("at") else submission.updated_at,
    )


class Blocked(StrEnum):
    """Why an application cannot be approved yet."""

    MISSING = "missing"
    AGAINST = "against"


def approval_blocked(programmes: Programmes, submission: Submission) -> Blocked | None:
    definition = definition_for(programmes, submission)
    if definition is None:
        return None
    if not submission.expert_conclusion:
        return Blocked.MISSING
    permitted = {o.id for o in definition.outcomes if o.permits_approval}
    return None if submission.expert_conclusion in permitted else Blocked.AGAINST


class Recorded(StrEnum):
    DONE = "done"
    ALREADY_GIVEN = "already_given"
    DECIDED = "decided"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


@dataclass(frozen=True)
class RecordResult:
    outcome: Recorded
    submission: Submission | None = None


async def record(
    uow: UnitOfWork,
    programmes: Programmes,
    submission_id: int,
    answers: str,
    outcome_index: int,
    actor: int,
    actor_name: str,
    now: datetime,
    staff_chat_id: int | None = None,
) -> RecordResult:
    """Store the conclusion (outcome id on the submission, answers in its context and the audit).

    The card shows it: its edit goes to the outbox in the same transaction.
    """
    submission = await uow.submissions.get(submission_id)
    if submission is None:
        return RecordResult(Recorded.NOT_FOUND)
    definition = definition_for(programmes, submission)
    if (
        definition is None
        or len(answers) != len(definition.criteria)
        or not valid_answers(definition, answers)
        or not 0 <= outcome_index < len(definition.outcomes)
    ):
        return RecordResult(Recorded.INVALID, submission)
    outcome = definition.outcomes[outcome_index]
    criteria = [
        {"id": c.id, "title": c.title, "met": answer == MET}
        for c, answer in zip(definition.criteria, answers, strict=True)
    ]
    context = json.loads(submission.context)
    context[CONTEXT_KEY] = {
        "version": submission.version,
        "criteria": criteria,
        "outcome": outcome.id,
        "outcome_title": outcome.title,
        "by": actor_name,
        "by_id": actor,
        "at": now.isoformat(),
    }
    stored = json.dumps(context, ensure_ascii=False)
    if not await uow.submissions.give_conclusion(submission_id, outcome.id, stored, now):
        await uow.rollback()
        current = await _reload(uow, submission_id)
        if current is None:
            return RecordResult(Recorded.NOT_FOUND)
        if current.status not in OPEN:
            return RecordResult(Recorded.DECIDED, current)
        return RecordResult(Recorded.ALREADY_GIVEN, current)
    uow.audit.record(
        "review.expert_conclusion",
        "submission",
        submission_id,
        actor,
        now,
        name=actor_name,
        version=submission.version,
        outcome=outcome.id,
        criteria={item["id"]: item["met"] for item in criteria},
    )
    given = await _reload(uow, submission_id)
    if given is not None:
        await outbox.add(uow, await messages.card_edit(uow, given, staff_chat_id, now))
    await uow.commit()
    return RecordResult(Recorded.DONE, given)


async def _reload(uow: UnitOfWork, submission_id: int) -> Submission | None:
    submission = await uow.submissions.get(submission_id)
    if submission is not None:
        await uow.session.refresh(submission)
    return submission
