"""The domain's vocabulary: roles at a school, kinds and states of a submission.

Plain enums, imported by the rules (services) and by the schema (storage) alike.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    MENTOR = "mentor"
    TUTOR = "tutor"
    """Of the regional tutor community: invited to the region, not to a school."""


class SubmissionKind(StrEnum):
    APPLICATION = "application"
    ANNOUNCEMENT = "announcement"
    REPORT = "report"
    PLAN = "plan"
    MATERIALS = "materials"


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
