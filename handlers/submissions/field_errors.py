"""Why an answer was refused, in the person's words, with the rule it broke."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.submissions.passport_texts import refusal
from services.submissions.fields import FieldError, FieldSpec, FieldType


def explain(error: FieldError, field: FieldSpec) -> str:
    if (passport := refusal(error)) is not None:
        return passport
    said = _by_reason().get(error.reason)
    if said is not None:
        return said.format(**error.params) if error.reason == "too_long" else said
    if field.type is FieldType.FILES:
        return _("Здесь нужен файл: пришлите документ или нажмите кнопку.")
    return _("Ответьте, пожалуйста, кнопкой под вопросом.")


def _by_reason() -> dict[str, str]:
    """What each reason of `FieldError` says, in the person's language (asked at each refusal)."""
    return {
        "empty": _("Ответ пустой. Напишите, пожалуйста, текст."),
        "too_long": _(
            "Слишком длинно: {length} символов, а можно не больше {limit}. Сократите, пожалуйста."
        ),
        "url": _("Это не похоже на ссылку. Пример: https://school.ru/news/seminar"),
        "contacts": _(
            "Укажите хотя бы телефон или e-mail, например: +7 861 200-00-00, school@mail.ru"
        ),
        "number": _("Нужно целое число, например: 25."),
        "choice": _("Выберите вариант кнопкой."),
        "date_format": _(
            "Не понял дату. Напишите её так: 25.12.2026 10:00 — или выберите день в календаре."
        ),
        "date_no_such_date": _("Такой даты нет в календаре. Проверьте число и месяц."),
        "date_time_missing": _("Укажите и время начала, например: 25.12.2026 10:00."),
        "date_past": _("Эта дата уже прошла. Укажите дату в будущем."),
        "date_too_far": _("Слишком далеко: не больше чем на три года вперёд."),
    }
