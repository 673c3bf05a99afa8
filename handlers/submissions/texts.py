"""The words of the submission forms: questions, short labels, kinds and statuses."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from services.domain import SubmissionKind, SubmissionStatus
from services.submissions.fields import FieldSpec

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
    "municipal_agreement_note": __(
        "По положению заявку согласуют с муниципальным органом управления образованием или "
        "территориальной методической службой муниципалитета: без согласования институт может "
        "вернуть её на доработку. Напишите, что с согласованием сейчас и когда оно будет "
        "(например: «на подписи в управлении образования, будет до 25.06»). Получите его "
        "раньше — вернитесь на шаг назад и ответьте «Да»."
    ),
    "network_schools": __(
        "Школы сети, кроме вашей (она ведущая): напишите номер или часть названия школы — "
        "я найду её в списке, затем укажите год, с которого она в сети. Добавьте так все "
        "школы и нажмите «Готово»."
    ),
    "directions": __(
        "Направления работы площадки: отметьте одно или несколько и нажмите «Готово»."
    ),
    "direction": __("Направление работы площадки, к которому относится мероприятие."),
    "termination_reason": __("Основание досрочного прекращения."),
    "network_plan": __(
        "Сетевой план-график мероприятий на учебный год: добавьте мероприятия по одному — "
        "мероприятие, сроки проведения, ответственный за мероприятие."
    ),
    "goal": __("Цель программы."),
    "tasks": __("Задачи программы."),
    "stages": __(
        "Сроки и этапы реализации программы: по одному этапу в строке — название, двоеточие, "
        "сроки. Даты пишите так: 01.09.2020, или месяцем: 09.2020. Например:\n"
        "Подготовительный: 09.2020 – 01.2021\n"
        "Организационно-деятельностный: 02.2021 – 03.2022\n"
        "Аналитический: 04.2022"
    ),
    "activities": __(
        "План мероприятий программы: добавьте мероприятия по одному — название, сроки, "
        "ответственные."
    ),
    "expected_results": __("Ожидаемые результаты."),
    "indicators": __(
        "Показатели результативности: по одному в строке. Сначала показатель и после тире его "
        "целевое значение, затем через точку с запятой — измеритель (чем проверяется) и "
        "ответственный. Например:\n"
        "Доля уроков с использованием ЭОР — не менее 50 %; анализ уроков; завучи по НМР\n"
        "Наличие перспективного плана работы РМЦ; аналитическая справка; руководители рабочих групп\n"
        "У качественного показателя целевого значения может не быть: тогда без тире."
    ),
    "developers": __("Разработчики программы: кто её написал (ФИО, должности)."),
    "grounds": __(
        "Основания для разработки программы: законы, приказы, положения, на которые она опирается."
    ),
    "executors": __("Исполнители программы: кто её выполняет."),
    "base": __(
        "База инновационной площадки: по одной школе в строке — название, двоеточие, "
        "материально-техническая база, тире, кадровые ресурсы. Например:\n"
        "МАОУ ХСОШ № 2: компьютерный класс, интерактивные доски, проекторы — учителя МАОУ ХСОШ № 2"
    ),
    "trainees": __("Кого направить на повышение квалификации: ФИО и должности педагогов."),
    "training_needs": __(
        "Чему нужно научиться: темы и компетенции по направлениям развития центров."
    ),
    "training_dates": __("Когда педагоги могут учиться (например: октябрь–ноябрь 2027)."),
    "risks": __("Риски и пути их компенсации."),
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
    "municipal_agreement_note": __("Почему нет согласования"),
    "network_schools": __("Школы сети"),
    "directions": __("Направления"),
    "direction": __("Направление"),
    "termination_reason": __("Основание"),
    "network_plan": __("Сетевой план-график"),
    "goal": __("Цель программы"),
    "tasks": __("Задачи"),
    "stages": __("Этапы"),
    "activities": __("План мероприятий"),
    "expected_results": __("Ожидаемые результаты"),
    "indicators": __("Показатели"),
    "developers": __("Разработчики программы"),
    "grounds": __("Основания для разработки"),
    "executors": __("Исполнители программы"),
    "base": __("База площадки (оборудование — кадры)"),
    "trainees": __("Педагоги"),
    "training_needs": __("Чему научиться"),
    "training_dates": __("Удобные сроки"),
    "risks": __("Риски и пути их компенсации"),
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
    if field.id.startswith("plan_completion:"):
        event = f"«{field.title}» ({field.detail})" if field.detail else f"«{field.title}»"
        return _(
            "Отчёт о выполнении плана-графика: {event}. Что сделано по этому мероприятию?"
        ).format(event=event)
    if field.id == "supervisor" and not field.optional:
        return _("ФИО научного руководителя (научного консультанта).")
    if field.id.startswith("participation:"):
        if field.id.endswith(":teachers"):
            text = _("Участие в мероприятиях, уровень «{level}»: сколько педагогов участвовало?")
        else:
            text = _("Участие в мероприятиях, уровень «{level}»: сколько учащихся участвовало?")
        return text.format(level=field.title)
    if field.id.startswith("participants:"):
        return _("Сколько человек участвовало в мероприятии «{title}»?").format(title=field.title)
    if field.id.startswith("indicator:"):
        if field.detail:
            text = _("{indicator} (цель: {target}) — чего достигли?").format(
                indicator=field.title, target=field.detail
            )
        else:
            text = _("{indicator} — чего достигли?").format(indicator=field.title)
        if field.hint:
            text += "\n" + _("Измеритель и ответственный: {hint}.").format(hint=field.hint)
        return text
    if field.id.startswith("file:") and field.title:
        return _("Пришлите файл: {title}.").format(title=field.title)
    return str(_QUESTIONS[field.id])


def label(field: FieldSpec) -> str:
    if field.id.startswith("plan_completion:"):
        return _("Выполнение: {title}").format(title=field.title)
    if field.id.startswith("participation:"):
        if field.id.endswith(":teachers"):
            return _("Педагогов, уровень «{level}»").format(level=field.title)
        return _("Учащихся, уровень «{level}»").format(level=field.title)
    if field.id.startswith("participants:"):
        return _("Участников: {title}").format(title=field.title)
    if field.id.startswith("indicator:") and field.detail:
        return _("{indicator} (цель: {target})").format(indicator=field.title, target=field.detail)
    if field.title:
        return field.title
    return str(_LABELS.get(field.id, field.id))


def participation_table(rows: list[tuple[str, int | None, int | None]]) -> str:
    """Teachers and pupils per level of events, one level a line, below the label."""
    lines = [""]
    for level, teachers, pupils in rows:
        shown = ["—" if count is None else str(count) for count in (teachers, pupils)]
        lines.append(f"{level}: {shown[0]} / {shown[1]}")
    return "\n".join(lines)


def participation_label() -> str:
    return _("Участие в мероприятиях по уровням (педагогов / учащихся)")


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
