"""The card of a submission in the staff group: its text and buttons (sent by `outgoing`)."""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.submissions import documents, passport_texts, texts
from handlers.submissions.state import summary
from handlers.ui.render import render
from services.domain import SubmissionKind, SubmissionStatus
from services.programmes.schema import Programmes
from services.review import decisions, expertise
from services.submissions import drafts, versions
from storage.models import Submission
from storage.uow import UnitOfWork

CARD_VALUE_LIMITS = (400, 120, 40)
"""Card values are shortened until the card fits Telegram's 4096 characters."""
TEXT_LIMIT = 4096

TOPIC_OF_KIND = {
    SubmissionKind.APPLICATION: "applications",
    SubmissionKind.ANNOUNCEMENT: "announcements",
    SubmissionKind.REPORT: "reports",
    SubmissionKind.PLAN: "reports",
    SubmissionKind.MATERIALS: "materials",
}


class ReviewAct(StrEnum):
    """What a button of the staff card does (`handlers.review.decisions` serves them)."""

    CLAIM = "claim"
    APPROVE = "approve"
    CHANGES = "changes"
    REJECT = "reject"
    EXPERT = "expert"


class CDReview(CallbackData, prefix="rv"):
    action: ReviewAct
    sid: int = Field(ge=1)


class CDFix(CallbackData, prefix="fix"):
    """ "Исправить" under the notice that a submission was sent back for changes."""

    sid: int = Field(ge=1)


def topic_title(topic: str) -> str:
    titles = {
        "applications": _("Заявки"),
        "announcements": _("Анонсы мероприятий"),
        "reports": _("Отчёты и планы"),
        "materials": _("Методические материалы"),
    }
    return titles[topic]


def card_keyboard(submission: Submission, programmes: Programmes) -> InlineKeyboardMarkup | None:
    rows = _decision_rows(submission, programmes)
    if submission.kind is SubmissionKind.APPLICATION and documents.printable(submission):
        rows.append([documents.docx_button(submission.id)])  # the regulation's form, printed
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _decision_rows(
    submission: Submission, programmes: Programmes
) -> list[list[InlineKeyboardButton]]:
    if submission.status not in decisions.OPEN:
        return []
    decide = [
        InlineKeyboardButton(
            text=_("✅ Одобрить"),
            callback_data=CDReview(action=ReviewAct.APPROVE, sid=submission.id).pack(),
        ),
        InlineKeyboardButton(
            text=_("✏️ На доработку"),
            callback_data=CDReview(action=ReviewAct.CHANGES, sid=submission.id).pack(),
        ),
        InlineKeyboardButton(
            text=_("❌ Отклонить"),
            callback_data=CDReview(action=ReviewAct.REJECT, sid=submission.id).pack(),
        ),
    ]
    rows = [decide]
    if submission.status is SubmissionStatus.SENT:
        claim = InlineKeyboardButton(
            text=_("🙋 Беру в работу"),
            callback_data=CDReview(action=ReviewAct.CLAIM, sid=submission.id).pack(),
        )
        rows.insert(0, [claim])
    if expertise.approval_blocked(programmes, submission) is expertise.Blocked.MISSING:
        conclude = InlineKeyboardButton(
            text=_("🧾 Экспертное заключение"),
            callback_data=CDReview(action=ReviewAct.EXPERT, sid=submission.id).pack(),
        )
        rows.insert(-1, [conclude])
    return rows


def _shorten(rows: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    return [
        (label, value if len(value) <= limit else value[: limit - 1] + "…") for label, value in rows
    ]


async def card_text(
    uow: UnitOfWork, submission: Submission, programmes: Programmes, zone: ZoneInfo
) -> str:
    snap = drafts.snapshot(submission)
    changes = await versions.last_changes(uow, submission)
    form = drafts.form_of(programmes, snap)
    changed_labels = [
        texts.label(field) for field in form.fields if changes and field.id in changes.fields
    ]
    rows = summary(snap, programmes, zone)
    expert = expertise.definition_for(programmes, submission)
    author = await decisions.author_of(uow, submission)
    text = ""
    for limit in CARD_VALUE_LIMITS:
        text = render(
            "review_card.html.j2",
            s=submission,
            author=author,
            kind=passport_texts.kind_of(submission),
            variant=_variant_title(submission, programmes),
            programme=_programme_title(submission, programmes),
            status=texts.status_name(submission.status),
            rows=_shorten(rows, limit),
            changes=changes,
            changed_labels=changed_labels,
            expert_title=expert.title if expert else "",
            conclusion=expertise.given(submission),
            warnings=_warnings(snap),
            zone=zone,
        )
        if len(text) <= TEXT_LIMIT:
            break
    return text


def _warnings(snap: drafts.Snapshot) -> list[str]:
    """What the regulation expects and the submission lacks, first thing on the card."""
    if snap.values.get("municipal_agreement") is False:
        return [
            _(
                "Нет согласования с муниципальным органом управления образованием: положение "
                "требует его. Пояснение школы — ниже."
            )
        ]
    return []


def _programme_title(submission: Submission, programmes: Programmes) -> str:
    """Named on the card only when the staff group serves several programmes."""
    return programmes.of(submission.programme).title if len(programmes) > 1 else ""


def _variant_title(submission: Submission, programmes: Programmes) -> str:
    if stage := passport_texts.stage_details(submission):
        return stage
    kinds = programmes.of(submission.programme).applications.kinds()
    kind = kinds.get(submission.variant)
    return kind.title if kind is not None else ""
