"""Replies for input that did not pass validation, and the dispatcher's last-resort handler."""

from __future__ import annotations

import logging

from aiogram.types import ErrorEvent, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from services.languages import DEFAULT
from services.validation import InvalidInputError, Problem

log = logging.getLogger(__name__)


def explain_invalid(error: InvalidInputError, what: str) -> str:
    if error.problem is Problem.EMPTY:
        return _("Ответ пустой. Напишите, пожалуйста, {what}.").format(what=what)
    if error.problem is Problem.TOO_LONG:
        return _(
            "Слишком длинно: не больше {limit} символов. Напишите, пожалуйста, {what} короче."
        ).format(limit=error.limit, what=what)
    if error.problem is Problem.NOT_A_NAME:
        return _(
            "Похоже, это не ФИО. Напишите фамилию, имя и отчество словами, например: Иванова Мария Петровна."
        )
    return _("Нужен номер телефона (например, +7 900 123-45-67) или адрес электронной почты.")


async def on_error(event: ErrorEvent, i18n: I18n, language: str = DEFAULT) -> bool:
    """Log with the update id and tell the person something went wrong; never re-raise."""
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    # Errors are handled outside the locale middleware: set the person's language again.
    with i18n.context(), i18n.use_locale(language):
        await _apologise(event)
    return True


async def _apologise(event: ErrorEvent) -> None:
    message = event.update.message or (
        event.update.callback_query.message if event.update.callback_query else None
    )
    if event.update.callback_query is not None:
        try:
            await event.update.callback_query.answer(_("Что-то пошло не так. Попробуйте ещё раз."))
        except Exception:  # the query may be answered already or too old
            log.debug("could not answer callback after an error", exc_info=True)
    if isinstance(message, Message) and message.chat.type == "private":
        try:
            await message.answer(_("Что-то пошло не так. Попробуйте ещё раз или наберите /cancel."))
        except Exception:
            log.warning("could not tell the user about an error", exc_info=True)
