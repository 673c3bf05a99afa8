"""`/certificate 12 05.11.2027`: the day the certificate of the status granted on application 12
was published (Krasnodar, табл. 1: the roadmap is due 10 days after it).

Staff record the order with /granted when it is signed, and the certificate when it is out on
the institute's site: two days, often a week apart, so two commands. The number is the
application's, as in /granted; the day may be left out (today).
"""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.context import Ctx, Staff
from handlers.ui.names import quoted
from handlers.ui.staff import refuse_commands
from services import calendar
from services.programmes import statuses
from services.programmes.statuses import Certificate, CertificateProblem


def _answer(found: Certificate, number: int) -> str:
    problems = {
        CertificateProblem.NO_GRANT: _(
            "По заявке № {number} приказ о статусе ещё не записан. Сначала: "
            "/granted {number} ДД.ММ.ГГГГ"
        ),
        CertificateProblem.EXTENSION: _(
            "Заявка № {number} — о продлении статуса: свидетельство выдаётся при присвоении."
        ),
        CertificateProblem.BEFORE_ORDER: _(
            "Свидетельство не может быть опубликовано раньше приказа ({order})."
        ),
        CertificateProblem.FUTURE: _(
            "Этот день ещё не наступил: запишите публикацию, когда она будет."
        ),
    }
    if found.problem is not None:
        order = found.status.granted_on.strftime("%d.%m.%Y") if found.status else ""
        return problems[found.problem].format(number=number, order=order)
    assert found.status is not None and found.status.certificate_on is not None
    lines = [
        _("Свидетельство о статусе площадки школы {school} опубликовано {day}.").format(
            school=quoted(found.school_name), day=found.status.certificate_on.strftime("%d.%m.%Y")
        )
    ]
    if found.roadmap_due is not None:
        lines.append(
            _(
                "Дорожную карту школа должна отправить до {day} включительно: я напомню "
                "координатору."
            ).format(day=found.roadmap_due.strftime("%d.%m.%Y"))
        )
    return "\n".join(lines)


async def cmd_certificate(message: Message, command: CommandObject, ctx: Ctx) -> None:
    words = (command.args or "").replace("№", "").split()
    today = calendar.local_date(ctx.clock.now(), ctx.zone)
    try:
        number = int(words[0])
        published = datetime.strptime(words[1], "%d.%m.%Y").date() if len(words) > 1 else today
    except (IndexError, ValueError):
        await message.answer(
            _(
                "Укажите номер заявки, по которой присвоен статус, и день публикации "
                "свидетельства: /certificate 12 05.11.2027 (без дня — сегодня)."
            )
        )
        return
    actor = message.from_user.id if message.from_user else 0
    found = await statuses.record_certificate(
        ctx.uow, ctx.programmes, number, published, today, actor, ctx.clock.now()
    )
    await message.answer(_answer(found, number))


def setup() -> Router:
    router = Router(name="certificates")
    router.message.register(cmd_certificate, Command("certificate"), StateFilter("*"), Staff())
    refuse_commands(router, "certificate")
    return router
