"""The words of the submission forms: questions, short labels, kinds and statuses."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from services.fields import FieldSpec
from storage.models import SubmissionKind, SubmissionStatus

COMMENT_MAX = 1000

_QUESTIONS = {
    "full_name": __("Полное наименование школы по уставу."),
    "legal_address": __("Юридический адрес школы."),
    "municipality": __("Муниципальный район (городской округ)."),
    "contacts": __("Контакты школы: телефон и e-mail."),
    "head": __("ФИО руководителя школы."),
    "platform_head": __("ФИО руководителя площадки."),
    "supervisor": __("ФИО научного руководителя или консультанта (если есть)."),
    "topic": __("Тема (направление) работы площадки."),
    "digital_resources": __(
        "Какие цифровые образовательные ресурсы, сервисы и инструменты использует школа?"
    ),
    "municipal_agreement": __(
        "Заявка согласована с муниципальным органом управления образованием?"
    ),
    "file:municipal_agreement": __("Пришлите документ о согласовании (необязательно)."),
    "network_schools": __("Школы сети: по одной в строке."),
    "termination_reason": __("Основание досрочного прекращения."),
    "title": __("Название."),
    "form": __("Форма мероприятия."),
    "event_at": __(
        "Дата и время мероприятия. Выберите день в календаре или напишите, например: 25.12.2026 10:00."
    ),
    "place": __("Место проведения или ссылка на онлайн-трансляцию."),
    "audience": __("Для кого мероприятие (категории педагогов)?"),
    "registration": __("Ссылка на регистрацию (если есть)."),
    "description": __("Коротко о мероприятии (до 3000 символов)."),
    "material_type": __("Тип материала."),
    "link": __("Ссылка на материал (если есть)."),
    "files": __("Пришлите файлы материала (если есть): документы или фото, можно несколько."),
    "indicator_results": __("Результаты по показателям плана: чего удалось достичь?"),
    "materials": __("Методические материалы, подготовленные за год."),
    "publications": __("Публикации за год (если есть)."),
    "problems": __("Трудности и проблемы (если были)."),
    "proposals": __("Предложения (если есть)."),
    "report_file": __("Пришлите файл отчёта."),
    "events": __("Мероприятия плана: добавьте их по одному."),
    "plan_file": __("Или пришлите план файлом (необязательно, если мероприятия добавлены)."),
}

_LABELS = {
    "full_name": __("Наименование по уставу"),
    "legal_address": __("Юридический адрес"),
    "municipality": __("Муниципалитет"),
    "contacts": __("Контакты"),
    "head": __("Руководитель школы"),
    "platform_head": __("Руководитель площадки"),
    "supervisor": __("Научный руководитель"),
    "topic": __("Тема"),
    "digital_resources": __("Цифровые ресурсы"),
    "municipal_agreement": __("Согласовано с муниципалитетом"),
    "file:municipal_agreement": __("Документ о согласовании"),
    "network_schools": __("Школы сети"),
    "termination_reason": __("Основание"),
    "title": __("Название"),
    "form": __("Форма"),
    "event_at": __("Дата и время"),
    "place": __("Место"),
    "audience": __("Участники"),
    "registration": __("Регистрация"),
    "description": __("Описание"),
    "material_type": __("Тип"),
    "link": __("Ссылка"),
    "files": __("Файлы"),
    "indicator_results": __("Результаты по показателям"),
    "materials": __("Методические материалы"),
    "publications": __("Публикации"),
    "problems": __("Проблемы"),
    "proposals": __("Предложения"),
    "report_file": __("Файл отчёта"),
    "events": __("Мероприятия плана"),
    "plan_file": __("План файлом"),
    "dates": __("Сроки"),
    "responsible": __("Ответственный"),
    "expected_result": __("Ожидаемый результат"),
}

_MISSING_RULES = {
    "link_or_files": __("нужна ссылка или хотя бы один файл"),
    "events_or_file": __("нужно хотя бы одно мероприятие или файл плана"),
}


def question(field: FieldSpec) -> str:
    if field.id.startswith("participants:"):
        return _("Сколько человек участвовало в мероприятии «{title}»?").format(title=field.title)
    if field.id.startswith("file:") and field.title:
        return _("Пришлите файл: {title}.").format(title=field.title)
    return str(_QUESTIONS[field.id])


def label(field: FieldSpec) -> str:
    if field.id.startswith("participants:"):
        return _("Участников: {title}").format(title=field.title)
    if field.title:
        return field.title
    return str(_LABELS.get(field.id, field.id))


def plan_label(name: str) -> str:
    return str(_LABELS[name])


def missing_rule(rule: str) -> str:
    return str(_MISSING_RULES[rule])


def kind_name(kind: SubmissionKind) -> str:
    names = {
        SubmissionKind.APPLICATION: _("Заявка"),
        SubmissionKind.ANNOUNCEMENT: _("Анонс мероприятия"),
        SubmissionKind.REPORT: _("Отчёт за учебный год"),
        SubmissionKind.PLAN: _("План на учебный год"),
        SubmissionKind.MATERIALS: _("Методические материалы"),
    }
    return names[kind]


def status_name(status: SubmissionStatus) -> str:
    names = {
        SubmissionStatus.DRAFT: _("черновик"),
        SubmissionStatus.SENT: _("отправлено"),
        SubmissionStatus.IN_REVIEW: _("на рассмотрении"),
        SubmissionStatus.CHANGES_REQUESTED: _("на доработке"),
        SubmissionStatus.APPROVED: _("одобрено"),
        SubmissionStatus.REJECTED: _("отклонено"),
    }
    return names[status]
