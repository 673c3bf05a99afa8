"""Access requests from people without an invitation, decided by staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services import messages, outbox
from services.domain import Role
from services.messages import Destinations
from services.people.onboarding import add_membership
from storage.models import AccessRequest, AccessRequestStatus, Person, School
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class RequestDraft:
    telegram_id: int
    school_id: int | None
    school_name: str
    full_name: str
    position: str
    contact: str
    consent_at: datetime


class Outcome(StrEnum):
    DECIDED = "decided"
    ALREADY_DECIDED = "already_decided"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    request: AccessRequest | None = None


async def submit(
    uow: UnitOfWork, draft: RequestDraft, now: datetime, destinations: Destinations
) -> AccessRequest:
    """File a request; a person with one still pending gets that one back, updated.

    Its card for staff goes to the outbox in the same transaction.
    """
    request = await uow.access_requests.pending_of(draft.telegram_id)
    if request is None:
        request = AccessRequest(telegram_id=draft.telegram_id, created_at=now)
        uow.access_requests.add(request)
    request.school_id = draft.school_id
    request.school_name = draft.school_name
    request.full_name = draft.full_name
    request.position = draft.position
    request.contact = draft.contact
    request.consent_at = draft.consent_at
    await uow.session.flush()
    uow.audit.record("access.request", "access_request", request.id, draft.telegram_id, now)
    await outbox.add(uow, messages.access_cards(request, destinations, now))
    await uow.commit()
    return request


async def get(uow: UnitOfWork, request_id: int) -> AccessRequest | None:
    return await uow.access_requests.get(request_id)


async def school_of(uow: UnitOfWork, request: AccessRequest) -> School | None:
    """The school of the list the request names; None for one typed by name."""
    return await uow.schools.get(request.school_id) if request.school_id else None


async def pending_of(uow: UnitOfWork, telegram_id: int) -> AccessRequest | None:
    return await uow.access_requests.pending_of(telegram_id)


async def attach_card(uow: UnitOfWork, request_id: int, message_id: int) -> None:
    """Where the request's card is in the staff group (no commit: the sender's does)."""
    request = await uow.access_requests.get(request_id)
    if request is not None:
        request.card_message_id = message_id


async def decide(
    uow: UnitOfWork,
    request_id: int,
    approve: bool,
    actor: int,
    actor_name: str,
    now: datetime,
    card: tuple[int, int] | None = None,
) -> Decision:
    """Approve (the person becomes the school's coordinator) or deny, exactly once.

    `card`: (chat id, message id) of the card the decision was made on, shown again with
    the decision; that edit and the notice to the person go to the outbox with it.
    """
    request = await uow.access_requests.get(request_id)
    if request is None:
        return Decision(Outcome.NOT_FOUND)
    status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.DENIED
    if not await uow.access_requests.decide(request_id, status, actor, actor_name, now):
        await uow.rollback()
        await uow.access_requests.refresh(request)
        return Decision(Outcome.ALREADY_DECIDED, request)
    if approve:
        await _grant(uow, request)
    uow.audit.record(f"access.{status.value}", "access_request", request_id, actor, now)
    chat_id, message_id = card or (request.telegram_id, None)
    await outbox.add(uow, messages.access_decided(request, chat_id, message_id, now))
    await uow.commit()
    await uow.access_requests.refresh(request)
    return Decision(Outcome.DECIDED, request)


async def _grant(uow: UnitOfWork, request: AccessRequest) -> None:
    school = await uow.schools.get(request.school_id) if request.school_id else None
    if school is None:
        school = await uow.schools.by_name(request.school_name)
    if school is None:  # a school typed by name that was not in the list: staff approved it
        school = School(name=request.school_name)
        school.refresh_keys()
        uow.schools.add(school)
        await uow.session.flush()
    request.school_id = school.id
    person = await uow.people.by_telegram_id(request.telegram_id)
    if person is None:
        person = Person(
            telegram_id=request.telegram_id,
            full_name=request.full_name,
            position=request.position,
            contact=request.contact,
            consent_at=request.consent_at,
        )
    await add_membership(uow, person, school.id, Role.COORDINATOR)
