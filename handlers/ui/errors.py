"""Replies for input that did not pass validation, and the dispatcher's last-resort handler."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.types import ErrorEvent, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from services.people.languages import DEFAULT
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


async def on_error(event: ErrorEvent, **data: Any) -> bool:
    """Log with the update id and tell the person something went wrong; never re-raise.

    Takes whatever the dispatcher has: a failure may come before the middlewares that set
    the person's language (or the database session) ran.
    """
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    i18n: I18n | None = data.get("i18n")
    language = str(data.get("language") or DEFAULT)
    try:
        if i18n is None:
            await _apologise(event)
        else:
            with i18n.context(), i18n.use_locale(language):
                await _apologise(event)
    except Exception:
        log.warning("could not tell the user about an error", exc_info=True)
    return True


async def _apologise(event: ErrorEvent) -> None:
    query = event.update.callback_query
    message = event.update.message or (query.message if query else None)
    if query is not None:
        try:
            await query.answer(_("Что-то пошло не так. Попробуйте ещё раз."))
        except Exception:  # the query may be too old
            log.debug("could not answer callback after an error", exc_info=True)
    if isinstance(message, Message) and message.chat.type == "private":
        await message.answer(_("Что-то пошло не так. Попробуйте ещё раз или наберите /cancel."))
