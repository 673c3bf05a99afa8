"""The files people take away: registers (XLSX), documents (DOCX), calendars (ICS), charts
(PNG) and the audit log. Commands here; /registry, /council and /indicators send theirs
from where they are answered (`review.staff_commands`, `programmes.indicators`).

Permissions are checked on the server side for every command and button: staff see the
region, a coordinator or a mentor only their schools (`services.exports.scope`).
"""

from aiogram import Router
from aiogram.filters import Command, StateFilter

from handlers.context import Staff
from handlers.exports import audit, calendar, charts, submissions
from handlers.submissions.documents import CDDocx, on_docx
from handlers.ui.staff import refuse_commands


def setup() -> Router:
    router = Router(name="exports")
    anywhere = StateFilter("*")
    router.message.register(submissions.cmd_export, Command("export"), anywhere)
    router.message.register(calendar.cmd_calendar, Command("calendar"), anywhere)
    router.message.register(charts.cmd_stats, Command("stats"), anywhere, Staff())
    router.message.register(audit.cmd_audit, Command("audit"), anywhere, Staff())
    refuse_commands(router, "stats", "audit")
    router.callback_query.register(on_docx, CDDocx.filter(), anywhere)
    return router
