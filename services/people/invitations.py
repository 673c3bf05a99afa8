"""Invitations: unguessable, single-use deep-link codes that bind a person to a school."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.domain import Role
from storage.models import Invitation, School
from storage.uow import UnitOfWork

CODE_BYTES = 16  # 128 bits: 22 URL-safe characters, within the 64 allowed in /start payloads


class InvitationState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class IssuedInvitation:
    school_id: int
    school_name: str
    role: Role
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class InvitationCheck:
    state: InvitationState
    invitation: Invitation | None = None


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


async def issue(
    uow: UnitOfWork,
    schools: list[School],
    role: Role,
    actor: int | None,
    now: datetime,
    ttl_days: int,
) -> list[IssuedInvitation]:
    issued: list[IssuedInvitation] = []
    expires_at = now + timedelta(days=ttl_days)
    for school in schools:
        invitation = Invitation(
            code=new_code(),
            school_id=school.id,
            role=role,
            created_by=actor,
            created_at=now,
            expires_at=expires_at,
        )
        uow.invitations.add(invitation)
        issued.append(IssuedInvitation(school.id, school.name, role, invitation.code, expires_at))
        uow.audit.record("invitation.issue", "school", school.id, actor, now, role=role.value)
    await uow.commit()
    return issued


async def issue_unbound(
    uow: UnitOfWork,
    role: Role,
    actor: int | None,
    now: datetime,
    ttl_days: int,
    *,
    district: str | None = None,
) -> Invitation:
    """One invitation bound to no school (a district's consultant, a community's tutor),
    recorded in the audit; the caller commits."""
    invitation = Invitation(
        code=new_code(),
        school_id=None,
        district=district,
        role=role,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=ttl_days),
    )
    uow.invitations.add(invitation)
    await uow.session.flush()
    where = {"district": district} if district is not None else {}
    uow.audit.record(
        "invitation.issue", "invitation", invitation.id, actor, now, role=role.value, **where
    )
    return invitation


async def check(uow: UnitOfWork, code: str, now: datetime) -> InvitationCheck:
    invitation = await uow.invitations.by_code(code)
    if invitation is None:
        return InvitationCheck(InvitationState.UNKNOWN)
    if invitation.used_at is not None:
        return InvitationCheck(InvitationState.USED, invitation)
    if invitation.expires_at <= now:
        return InvitationCheck(InvitationState.EXPIRED, invitation)
    return InvitationCheck(InvitationState.VALID, invitation)


def mail_merge_table(issued: list[IssuedInvitation], bot_username: str) -> str:
    """`school_id;school_name;role;link`, one line per invitation, for a mail merge."""
    lines = ["school_id;school_name;role;link"]
    for item in issued:
        name = item.school_name.replace(";", ",")
        lines.append(
            f"{item.school_id};{name};{item.role.value};{deep_link(bot_username, item.code)}"
        )
    return "\n".join(lines) + "\n"
