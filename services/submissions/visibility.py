"""Which submissions a person may see: their schools' (for «Мои документы»)."""

from __future__ import annotations

from collections.abc import Sequence

from storage.models import Submission
from storage.uow import UnitOfWork


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
