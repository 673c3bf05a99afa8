"""SQLAlchemy models: the facts the bot keeps. Times are stored in UTC.

One module per aggregate; every model is importable from here, and importing this package
registers them all with the mapper (relationships name each other by class name).
"""

from services.domain import Role, SubmissionKind, SubmissionStatus
from storage.models.base import Base, UTCDateTime, fold, utcnow
from storage.models.outbox import FsmRecord, Lease, Reminder, ReminderStatus, SeenUpdate
from storage.models.people import (
    AccessRequest,
    AccessRequestStatus,
    AuditEntry,
    DistrictMentor,
    Invitation,
    KnownGroup,
    Membership,
    Person,
    RegionalTutor,
    School,
    UserSettings,
)
from storage.models.platforms import Platform, PlatformSchool, PlatformStatus, WindowOpening
from storage.models.submissions import (
    CouncilMeeting,
    ForumTopic,
    PlannedEvent,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)

__all__ = [
    "AccessRequest",
    "AccessRequestStatus",
    "AuditEntry",
    "Base",
    "CouncilMeeting",
    "DistrictMentor",
    "ForumTopic",
    "FsmRecord",
    "Invitation",
    "KnownGroup",
    "Lease",
    "Membership",
    "Person",
    "PlannedEvent",
    "Platform",
    "PlatformSchool",
    "PlatformStatus",
    "RegionalTutor",
    "Reminder",
    "ReminderStatus",
    "Role",
    "School",
    "SeenUpdate",
    "Submission",
    "SubmissionFile",
    "SubmissionKind",
    "SubmissionStatus",
    "SubmissionVersion",
    "UTCDateTime",
    "UserSettings",
    "WindowOpening",
    "fold",
    "utcnow",
]
