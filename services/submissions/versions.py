"""What was sent each time: a version per sending, and what changed between the last two."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.models import Submission, SubmissionVersion
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Changes:
    """What differs between two versions of a submission."""

    fields: list[str] = field(default_factory=list)
    added_files: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.added_files or self.removed_files)


def snapshot_of(submission: Submission, now: datetime) -> SubmissionVersion:
    files = [[f.slot, f.file_unique_id, f.file_name] for f in submission.files]
    return SubmissionVersion(
        submission_id=submission.id,
        version=submission.version,
        values=submission.values,
        files=json.dumps(files, ensure_ascii=False),
        sent_at=now,
    )


def changes(previous: SubmissionVersion, current: SubmissionVersion) -> Changes:
    before: dict[str, Any] = json.loads(previous.values)
    after: dict[str, Any] = json.loads(current.values)
    fields = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    old_files = {(slot, uid): name for slot, uid, name in json.loads(previous.files)}
    new_files = {(slot, uid): name for slot, uid, name in json.loads(current.files)}
    return Changes(
        fields=fields,
        added_files=[name for key, name in new_files.items() if key not in old_files],
        removed_files=[name for key, name in old_files.items() if key not in new_files],
    )


async def last_changes(uow: UnitOfWork, submission: Submission) -> Changes | None:
    """Changes of the latest version against the one before; None for a first version."""
    versions = await uow.submissions.versions(submission.id)
    if len(versions) < 2:
        return None
    return changes(versions[-2], versions[-1])
