"""Why an answer was refused, in the person's words, with the rule it broke."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.submissions.passport_texts import refusal
from services.submissions.fields import FieldError, FieldSpec, FieldType


def explain(error: FieldError, field: FieldSpec) -> str:
    reason = error.reason
    if (passport := refusal(error)) is not None:
        return passport
    if reason == "empty":
        return _("Ответ пустой. Напишите, пожалуйста, текст.")
    if reason == "too_long":
        return _(
            "Слишком длинно: {length} символов, а можно не больше {limit}. Сократите, пожалуйста."
        ).format(**error.params)
    if reason == "url":
        return _("Это не похоже на ссылку. Пример: https://school.ru/news/seminar")
    if reason == "contacts":
        return _("Укажите хотя бы телефон или e-mail, например: +7 861 200-00-00, school@mail.ru")
    if reason == "number":
        return _("Нужно целое число, например: 25.")
    if reason == "choice":
        return _("Выберите вариант кнопкой.")
    if reason == "date_format":
        return _(
            "Не понял дату. Напишите её так: 25.12.2026 10:00 — или выберите день в календаре."
        )
    if reason == "date_no_such_date":
        return _("Такой даты нет в календаре. Проверьте число и месяц.")
    if reason == "date_time_missing":
        return _("Укажите и время начала, например: 25.12.2026 10:00.")
    if reason == "date_past":
        return _("Эта дата уже прошла. Укажите дату в будущем.")
    if reason == "date_too_far":
        return _("Слишком далеко: не больше чем на три года вперёд.")
    if field.type is FieldType.FILES:
        return _("Здесь нужен файл: пришлите документ или нажмите кнопку.")
    return _("Ответьте, пожалуйста, кнопкой под вопросом.")
