"""Operator commands: migrate, import schools, print invitations, run the bot."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.app import App, create_app, create_i18n
from bot.config import Settings
from bot.delivery import LEASE as SENDER_LEASE
from bot.leases import Holder, describe
from bot.runner import run
from bot.scheduler import PLANNER_LEASE, Reminders
from handlers.reminders.texts import make_renderer
from handlers.ui.render import render_plain
from services.clock import SystemClock
from services.domain import Role
from services.exports import personal_data
from services.outbox import Planned
from services.people import invitations, languages, schools_import
from services.people.schools import Lookup, lookup
from services.programmes.schema import Programmes
from services.reminders import planner
from storage import migrate
from storage.backup import BackupError, backup
from storage.db import create_engine, create_session_factory
from storage.models import Reminder
from storage.uow import UnitOfWorkFactory


def execute(
    command: str, args: argparse.Namespace, settings: Settings, programmes: Programmes
) -> int:
    if command == "backup":  # of the database as it is: no migration first
        try:
            print(backup(settings.database_url, args.file))
        except BackupError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    migrate.upgrade(settings.database_url)
    if command == "migrate":
        return 0
    if command == "run":
        return asyncio.run(run(create_app(settings, programmes)))
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(languages.DEFAULT):  # the operator reads Russian too
        return _operator_command(command, args, settings, programmes, i18n)


def _operator_command(
    command: str, args: argparse.Namespace, settings: Settings, programmes: Programmes, i18n: I18n
) -> int:
    if command == "import-schools":
        try:
            data = args.file.read_bytes()
        except OSError as error:
            print(
                _("Не удалось прочитать {file}: {reason}").format(
                    file=args.file, reason=error.strerror
                ),
                file=sys.stderr,
            )
            return 1
        return asyncio.run(import_schools(settings, args.file, data, i18n))
    if command == "invite":
        return asyncio.run(invite(settings, programmes, args.role, args.school, args.all))
    if command == "reminders":
        return asyncio.run(reminders_now(settings, programmes, send=args.send))
    return asyncio.run(person(settings, args.person_command, args.telegram_id, args.output))


async def import_schools(settings: Settings, path: Path, data: bytes, i18n: I18n) -> int:
    engine = create_engine(settings.database_url)
    try:
        with i18n.context(), i18n.use_locale("ru"):
            try:
                parsed = schools_import.parse(data, path.name)
            except schools_import.SchoolFileError as error:
                print(
                    render_plain("import_failed.j2", problem=error.problem.value), file=sys.stderr
                )
                return 1
            async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
                report = await schools_import.import_schools(uow, parsed, None, SystemClock().now())
            print(render_plain("import_report.j2", report=report))
    finally:
        await engine.dispose()
    return 0


async def invite(
    settings: Settings, programmes: Programmes, role_name: str, school: str | None, every: bool
) -> int:
    app = create_app(settings, programmes)
    try:
        username = (await app.bot.me()).username or ""
        async with app.uow_factory() as uow:
            known = list(await uow.schools.all())
            if not known:
                print(_no_schools(), file=sys.stderr)
                return 1
            if every:
                schools = known
            else:
                found = await lookup(uow, school or "")
                if found.school is None:
                    print(_lookup_failure(school or "", found), file=sys.stderr)
                    return 1
                schools = [found.school]
            issued = await invitations.issue(
                uow, schools, Role(role_name), None, SystemClock().now(), settings.invite_ttl_days
            )
        if every:
            print(invitations.mail_merge_table(issued, username), end="")
        else:
            print(invitations.deep_link(username, issued[0].code))
    finally:
        await app.close()
    return 0


async def person(
    settings: Settings, action: str, telegram_id: int, output: Path | None = None
) -> int:
    """`person export ID [--output FILE]`: everything stored about one person, as JSON;
    `person erase ID`: their name and contacts removed, what they did kept (152-ФЗ)."""
    engine = create_engine(settings.database_url)
    try:
        async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
            if action == "export":
                found = await personal_data.export(uow, telegram_id, SystemClock().now())
                text = json.dumps(found, ensure_ascii=False, indent=2, default=str)
                if output is None:
                    print(text)
                else:
                    try:
                        await asyncio.to_thread(output.write_text, text + "\n", "utf-8")
                    except OSError as error:
                        print(
                            _("Не удалось записать {file}: {reason}").format(
                                file=output, reason=error.strerror
                            ),
                            file=sys.stderr,
                        )
                        return 1
                    print(_("Записано в {file}.").format(file=output))
                return 0
            erased = await personal_data.erase(uow, telegram_id, SystemClock().now())
    finally:
        await engine.dispose()
    if not erased.found:
        print(_("О пользователе {id} ничего не хранится.").format(id=telegram_id), file=sys.stderr)
        return 1
    if not erased.changed:
        print(_("ФИО и контакты пользователя {id} уже удалены.").format(id=telegram_id))
        return 0
    labels = {
        "person": _("профиль"),
        "access_requests": _("запросы доступа"),
        "access_requests_decided": _("решения по запросам доступа"),
        "submissions_reviewed": _("рассмотренные документы"),
        "audit": _("записи журнала действий"),
        "dialogs": _("незаконченные анкеты"),
    }
    changed = ", ".join(f"{labels[kind]}: {count}" for kind, count in erased.changed.items())
    print(
        _("ФИО и контакты пользователя {id} удалены ({changed}).").format(
            id=telegram_id, changed=changed
        )
    )
    return 0


def _no_schools() -> str:
    return _("Список школ пуст: сначала загрузите его — python -m bot import-schools ФАЙЛ.")


def _lookup_failure(needle: str, found: Lookup) -> str:
    if not found.total:
        return _(
            "Ни одна школа не подходит под «{needle}». Укажите номер школы (id) или её название."
        ).format(needle=needle)
    lines = [
        ngettext(
            "Под «{needle}» подходит {num} школа; укажите номер (id) или полное название:",
            "Под «{needle}» подходят {num} школ; укажите номер (id) или полное название:",
            found.total,
        ).format(needle=needle, num=found.total)
    ]
    lines += [f"{school.id};{school.name}" for school in found.candidates]
    return "\n".join(lines)


async def reminders_now(settings: Settings, programmes: Programmes, send: bool) -> int:
    app = create_app(settings, programmes, holder=Holder.COMMAND)
    try:
        return await report_reminders(app, send)
    finally:
        await app.close()


async def report_reminders(app: App, send: bool) -> int:
    """`--due` lists what is due and the text it will carry; `--send` plans and sends it.

    Sending takes the planner's and the sender's leases, so it refuses while a running bot
    (or another command) holds them, and gives them back when done.
    """
    with app.i18n.context(), app.i18n.use_locale(languages.DEFAULT):
        return await _report_reminders(app, send)


async def _report_reminders(app: App, send: bool) -> int:
    scheduled = Reminders(app)
    if send:
        return await _send_now(app, scheduled)
    render = make_renderer(app.i18n, app.settings.zone)
    async with app.uow_factory() as uow:
        items = await planner.due_now(
            uow, app.programmes, scheduled.moment(), app.settings.staff_chat_id
        )
    for item in items:
        text, _ = await render(_as_row(item), languages.DEFAULT)
        when = item.due_at.astimezone(app.settings.zone).strftime("%d.%m.%Y %H:%M")
        first_line = text.splitlines()[0] if text else ""
        print(f"{when}\t{item.rule}\t{item.chat_id}\t{item.subject}\t{first_line}")
    print(
        ngettext(
            "Сейчас пора отправить {num} напоминание.",
            "Сейчас пора отправить {num} напоминаний.",
            len(items),
        ).format(num=len(items))
    )
    return 0


async def _send_now(app: App, scheduled: Reminders) -> int:
    held: list[str] = []
    try:
        for name in (SENDER_LEASE, PLANNER_LEASE):
            if not await app.leases.take(name):
                holder = await app.leases.holder(name)
                who = describe(holder) if holder else _("другой процесс")
                print(
                    _(
                        "Напоминания сейчас отправляет {who}: то, что пора, уйдёт и без этой команды."
                    ).format(who=who),
                    file=sys.stderr,
                )
                return 1
            held.append(name)
        planned = await scheduled.plan()
        assert planned is not None, "the planner lease is held"
        report = await app.sender.drain()
        print(
            _("Запланировано: {planned}, отменено: {cancelled}; отправка: {report}.").format(
                planned=planned.planned, cancelled=planned.cancelled, report=report
            )
        )
        return 0
    finally:
        await app.leases.release(held)


def _as_row(item: Planned) -> Reminder:
    return Reminder(
        key=item.key,
        rule=item.rule,
        subject=item.subject,
        chat_id=item.chat_id,
        mandatory=item.mandatory,
        payload=json.dumps(dict(item.payload), ensure_ascii=False, default=str),
        due_at=item.due_at,
    )
