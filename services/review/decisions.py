"""Staff review of submissions: claim, approve, ask for changes, reject — each exactly once.

Every change is one conditional UPDATE plus its audit entry in one transaction, so two staff
pressing at once give one decision and the second is told who was first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services import messages, outbox
from services.domain import Role, SubmissionKind, SubmissionStatus
from services.messages import Destinations
from services.people.roles import coordinates
from services.programmes.schema import Programmes
from services.review import expertise
from services.submissions import plans
from storage.models import AuditEntry, Person, Submission, SubmissionVersion
from storage.uow import UnitOfWork

OPEN = (SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW)


class Decision(StrEnum):
    APPROVE = "approve"
    CHANGES = "changes"
    REJECT = "reject"


DECIDED_STATUS = {
    Decision.APPROVE: SubmissionStatus.APPROVED,
    Decision.CHANGES: SubmissionStatus.CHANGES_REQUESTED,
    Decision.REJECT: SubmissionStatus.REJECTED,
}


class Outcome(StrEnum):
    DONE = "done"
    ALREADY_DECIDED = "already_decided"
    NOT_FOUND = "not_found"
    COMMENT_REQUIRED = "comment_required"
    CONCLUSION_MISSING = "conclusion_missing"
    """The programme wants an expert conclusion before approval, and there is none yet."""
    CONCLUSION_AGAINST = "conclusion_against"
    """The expert conclusion's outcome does not permit approval."""


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    submission: Submission | None = None


async def _reload(uow: UnitOfWork, submission_id: int) -> Submission | None:
    submission = await uow.submissions.get(submission_id)
    if submission is not None:
        await uow.session.refresh(submission)
    return submission


async def claim(
    uow: UnitOfWork,
    submission_id: int,
    actor: int,
    actor_name: str,
    now: datetime,
    staff_chat_id: int | None = None,
) -> Result:
    """In review by `actor`; the card shows who took it (an edit through the outbox)."""
    if not await uow.submissions.claim(submission_id, actor, actor_name, now):
        await uow.rollback()
        return await _refused(uow, submission_id)
    uow.audit.record("review.claim", "submission", submission_id, actor, now, name=actor_name)
    claimed = await _reload(uow, submission_id)
    if claimed is not None:
        await outbox.add(uow, await messages.card_edit(uow, claimed, staff_chat_id, now))
    await uow.commit()
    return Result(Outcome.DONE, claimed)


async def decide(
    uow: UnitOfWork,
    submission_id: int,
    decision: Decision,
    actor: int,
    actor_name: str,
    comment: str,
    now: datetime,
    programmes: Programmes | None = None,
    destinations: Destinations | None = None,
) -> Result:
    """`programmes` given: approval also follows the programme's rules (the expert conclusion).

    With the decision, in the same transaction: the card's edit, the notices to the
    coordinator and the school's mentors, and the channel publication of an announcement.
    """
    if decision is not Decision.APPROVE and not comment.strip():
        return Result(Outcome.COMMENT_REQUIRED, await uow.submissions.get(submission_id))
    if decision is Decision.APPROVE and programmes is not None:
        blocked = await _approval_blocked(uow, programmes, submission_id)
        if blocked is not None:
            return blocked
    status = DECIDED_STATUS[decision]
    if not await uow.submissions.decide(submission_id, status, actor, actor_name, comment, now):
        await uow.rollback()
        return await _refused(uow, submission_id)
    uow.audit.record(
        f"review.{decision.value}",
        "submission",
        submission_id,
        actor,
        now,
        name=actor_name,
        comment=comment,
    )
    decided = await _reload(uow, submission_id)
    if decided is None:
        await uow.rollback()
        return Result(Outcome.NOT_FOUND)
    if decision is Decision.APPROVE and decided.kind in plans.SCHEDULED:
        uow.submissions.add_planned_events(plans.schedule(decided))
    await outbox.add(
        uow, await _decision_messages(uow, decided, destinations or Destinations(), now)
    )
    await uow.commit()
    return Result(Outcome.DONE, decided)


async def _decision_messages(
    uow: UnitOfWork, submission: Submission, destinations: Destinations, now: datetime
) -> list[outbox.Planned]:
    rows = await messages.card_edit(uow, submission, destinations.staff_chat_id, now)
    published = (
        destinations.channel is not None
        and submission.kind is SubmissionKind.ANNOUNCEMENT
        and submission.status is SubmissionStatus.APPROVED
    )
    if published and destinations.channel is not None:
        rows.append(messages.publication(submission, destinations.channel, now))
        rows.append(messages.publication_file(submission, destinations.channel, now))
    mentors = await mentors_of(uow, submission.school_id)
    author = await author_of(uow, submission)
    return rows + messages.decision_notices(submission, author, mentors, published, now)


async def _approval_blocked(
    uow: UnitOfWork, programmes: Programmes, submission_id: int
) -> Result | None:
    submission = await uow.submissions.get(submission_id)
    if submission is None or submission.status not in OPEN:
        return None  # the update below tells what happened
    blocked = expertise.approval_blocked(programmes, submission)
    if blocked is expertise.Blocked.MISSING:
        return Result(Outcome.CONCLUSION_MISSING, submission)
    if blocked is expertise.Blocked.AGAINST:
        return Result(Outcome.CONCLUSION_AGAINST, submission)
    return None


async def _refused(uow: UnitOfWork, submission_id: int) -> Result:
    submission = await _reload(uow, submission_id)
    if submission is None:
        return Result(Outcome.NOT_FOUND)
    return Result(Outcome.ALREADY_DECIDED, submission)


async def reopen(
    uow: UnitOfWork, submission_id: int, person: Person, now: datetime
) -> Submission | None:
    """ "Исправить": a submission sent back for changes becomes the coordinator's draft again."""
    submission = await uow.submissions.get(submission_id)
    if submission is None or not coordinates(person, submission.school_id):
        return None
    if not await uow.submissions.reopen(submission_id, person.id, now):
        return None  # nothing was written; a rollback would expire `person` for the caller
    uow.audit.record("submission.reopen", "submission", submission_id, person.telegram_id, now)
    await uow.commit()
    return await _reload(uow, submission_id)


async def submission(uow: UnitOfWork, submission_id: int) -> Submission | None:
    return await uow.submissions.get(submission_id)


async def author_of(uow: UnitOfWork, submission: Submission) -> Person:
    """Who sent it (a submission does not load its author by itself: drafts never need it)."""
    author = await uow.people.get(submission.author_id)
    assert author is not None, "people are never deleted while their submissions stay"
    return author


async def attach_card(uow: UnitOfWork, submission_id: int, chat_id: int, message_id: int) -> None:
    """Where the card of the latest version is, so that later edits find it (no commit)."""
    submission = await uow.submissions.get(submission_id)
    if submission is not None:
        submission.card_chat_id = chat_id
        submission.card_message_id = message_id


async def pending(uow: UnitOfWork) -> Sequence[Submission]:
    return await uow.submissions.in_states(OPEN)


async def undelivered_cards(uow: UnitOfWork, submission_ids: Sequence[int]) -> set[int]:
    """Which of these submissions' cards Telegram never took, after every retry."""
    subjects = {f"submission:{sid}": sid for sid in submission_ids}
    failed = await uow.outbox.failed_last(messages.Rule.CARD, subjects)
    return {subjects[subject] for subject in failed}


@dataclass(frozen=True)
class History:
    submission: Submission
    versions: Sequence[SubmissionVersion]
    actions: Sequence[AuditEntry]


async def history(uow: UnitOfWork, submission_id: int) -> History | None:
    submission = await uow.submissions.get(submission_id)
    if submission is None:
        return None
    versions = await uow.submissions.versions(submission_id)
    actions = await uow.audit.of_subject("submission", submission_id)
    return History(submission, versions, actions)


async def mentors_of(uow: UnitOfWork, school_id: int) -> Sequence[Person]:
    return await uow.people.with_role_at(school_id, Role.MENTOR)
