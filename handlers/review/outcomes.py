"""What staff are told after pressing a card's button: done, or why nothing changed."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx
from handlers.ui.render import render_plain
from services.review import decisions, expertise
from services.review.decisions import Outcome
from storage.models import Submission


async def after(query: CallbackQuery, result: decisions.Result, ctx: Ctx) -> None:
    if result.outcome is Outcome.NOT_FOUND or result.submission is None:
        await query.answer(_("Такой заявки нет."), show_alert=True)
        return
    if result.outcome is Outcome.ALREADY_DECIDED:
        await refuse_decided(query, result.submission, ctx)
        return
    if result.outcome is Outcome.CONCLUSION_MISSING:
        await query.answer(
            _(
                "Одобрить можно только после экспертного заключения: нажмите "
                "«🧾 Экспертное заключение» на карточке."
            ),
            show_alert=True,
        )
        return
    if result.outcome is Outcome.CONCLUSION_AGAINST:
        given = expertise.given(result.submission)
        await query.answer(
            _(
                "По экспертному заключению — «{outcome}»: одобрить нельзя. Верните заявку на "
                "доработку или отклоните её."
            ).format(outcome=given.outcome_title if given else ""),
            show_alert=True,
        )
        return
    await query.answer(_("Готово."))


async def refuse_decided(query: CallbackQuery, submission: Submission | None, ctx: Ctx) -> None:
    if submission is None:
        await query.answer(_("Такой заявки нет."), show_alert=True)
        return
    await query.answer(
        render_plain("review_already.j2", s=submission, zone=ctx.zone), show_alert=True
    )
