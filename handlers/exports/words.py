"""The words of the files (column titles, states, file names), in the reader's language.

Services build the files and know no gettext; they are given these.
"""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _

from handlers.submissions import texts
from services.domain import SubmissionKind, SubmissionStatus
from services.exports.audit import AuditWords
from services.exports.calendars import CalendarWords
from services.exports.registry import RegistryWords, State
from services.exports.submissions import SubmissionWords
from services.programmes.schema import Programmes


def _day(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def statuses() -> dict[SubmissionStatus, str]:
    return {status: texts.status_name(status) for status in SubmissionStatus}


def submissions(programmes: Programmes) -> SubmissionWords:
    return SubmissionWords(
        sheet=_("Заявки"),
        columns=[
            _("№"),
            _("Вид"),
            _("Школа"),
            _("Район"),
            _("Программа"),
            _("Статус"),
            _("Отправлено"),
            _("Решение"),
            _("Сотрудник"),
            _("Дней ожидания"),
            _("Срок"),
            _("Версия"),
        ],
        kinds={kind: texts.kind_name(kind) for kind in SubmissionKind},
        variants={
            (programme.id, variant): kind.title
            for programme in programmes
            for variant, kind in programme.applications.kinds().items()
        },
        programmes={programme.id: programme.title for programme in programmes},
        statuses=statuses(),
        late=_("подано с опозданием"),
        on_time=_("в срок"),
    )


def registry(programmes: Programmes) -> RegistryWords:
    return RegistryWords(
        columns=[
            _("№ площадки"),
            _("Школа"),
            _("Район"),
            _("Программа"),
            _("Вид площадки"),
            _("Тема"),
            _("Школы сети"),
            _("Статус"),
            _("Приказ от"),
            _("Срок до"),
            _("Продление (приказ от)"),
            _("Последний отчёт (учебный год)"),
            _("Отчёт отправлен"),
            _("Статус отчёта"),
            _("Наставники"),
        ],
        states={
            State.ACTIVE: _("действует"),
            State.EXPIRED: _("срок истёк"),
            State.ENDED: _("прекращена"),
            State.NONE: _("приказ не записан"),
        },
        statuses=statuses(),
        programmes={programme.id: programme.title for programme in programmes},
    )


def audit() -> AuditWords:
    return AuditWords(
        sheet=_("Журнал действий"),
        columns=[
            _("Когда"),
            _("Кто"),
            _("Telegram id"),
            _("Действие"),
            _("Объект"),
            _("Подробности"),
        ],
        actions=actions(),
        subjects={
            "submission": _("заявка"),
            "school": _("школа"),
            "platform": _("площадка"),
            "access_request": _("запрос доступа"),
            "invitation": _("приглашение"),
            "window": _("приём заявок"),
            "council": _("Учёный совет"),
            "person": _("человек"),
        },
        erased=erased(),
    )


def erased() -> str:
    return _("удалённый пользователь")


def actions() -> dict[str, str]:
    return {
        "submission.send": _("отправка"),
        "submission.reopen": _("открыто для исправления"),
        "review.claim": _("взято на рассмотрение"),
        "review.approve": _("одобрение"),
        "review.changes": _("возврат на доработку"),
        "review.reject": _("отклонение"),
        "review.expert_conclusion": _("экспертное заключение"),
        "status.grant": _("записан приказ о статусе"),
        "status.certificate": _("записан день публикации свидетельства"),
        "event.outcome": _("отметка, как прошло мероприятие"),
        "council.set": _("назначена дата Учёного совета"),
        "access.request": _("запрос доступа"),
        "access.approved": _("доступ одобрен"),
        "access.denied": _("отказ в доступе"),
        "invitation.issue": _("выдано приглашение"),
        "invitation.redeem": _("принято приглашение"),
        "network.add": _("школа добавлена в сеть"),
        "network.remove": _("школа исключена из сети"),
        "schools.import": _("загружен список школ"),
        "window.open": _("открыт приём заявок"),
        "window.change": _("изменён срок приёма заявок"),
        "window.close": _("закрыт приём заявок"),
        "person.erase": _("удалены персональные данные"),
    }


def calendar() -> CalendarWords:
    return CalendarWords(
        name=_("Мероприятия площадок"),
        form=_("Форма"),
        audience=_("Участники"),
        school=_("Школа"),
        registration=_("Регистрация"),
    )


def registry_file(day: date) -> str:
    return _("Реестр площадок {day}.xlsx").format(day=_day(day))


def submissions_file(first: date, last: date) -> str:
    return _("Заявки {first} – {last}.xlsx").format(first=_day(first), last=_day(last))


def audit_file(first: date, last: date) -> str:
    return _("Журнал действий {first} – {last}.xlsx").format(first=_day(first), last=_day(last))


def council_file(meets_on: date, extension: str) -> str:
    return _("Список к Учёному совету {day}.{extension}").format(
        day=_day(meets_on), extension=extension
    )


def calendar_file(day: date) -> str:
    return _("Мероприятия {day}.ics").format(day=_day(day))


def event_file(day: date) -> str:
    return _("Мероприятие {day}.ics").format(day=_day(day))
