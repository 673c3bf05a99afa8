"""Admins load the school list by sending a file; staff make invitation links in their group."""

from __future__ import annotations

import io
import logging

import aiohttp
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Admin, Ctx, Staff
from handlers.people import community_invites, district_invites
from handlers.people.invite_links import invite_link
from handlers.ui.render import render
from services.domain import Role
from services.people import invitations, schools, schools_import

log = logging.getLogger(__name__)

SCHOOL_FILE_SUFFIXES = (".csv", ".xlsx")


async def on_school_file(message: Message, bot: Bot, ctx: Ctx) -> None:
    """An administrator's file outside any dialog is the list of schools."""
    document = message.document
    if document is None:
        return
    name = document.file_name or ""
    if not name.lower().endswith(SCHOOL_FILE_SUFFIXES):
        await message.answer(_("Список школ принимается в формате CSV или XLSX."))
        return
    if (document.file_size or 0) > schools_import.MAX_FILE_BYTES:
        await message.answer(_("Файл больше 5 МБ: для списка школ это слишком много."))
        return
    buffer = io.BytesIO()
    try:
        await bot.download(document, destination=buffer)
    except (TelegramAPIError, aiohttp.ClientError) as error:
        log.warning("could not download %s: %r", name, error)
        await message.answer(_("Не удалось получить файл от Telegram. Пришлите его ещё раз."))
        return
    try:
        parsed = schools_import.parse(buffer.getvalue(), name)
    except schools_import.SchoolFileError as error:
        await message.answer(render("import_failed.j2", problem=error.problem.value))
        return
    report = await schools_import.import_schools(ctx.uow, parsed, message.chat.id, ctx.clock.now())
    await message.answer(render("import_report.j2", report=report))


def _school_file(name: str | None) -> bool:
    return (name or "").lower().endswith(SCHOOL_FILE_SUFFIXES)


async def not_for_you(message: Message) -> None:
    """A list of schools from someone who is not an administrator (other files: the fallback)."""
    await message.answer(_("Загружать список школ могут только администраторы бота."))


async def cmd_invite(message: Message, command: CommandObject, bot: Bot, ctx: Ctx) -> None:
    words = (command.args or "").split(maxsplit=1)
    role = _role(words[0]) if words else None
    target = words[1].strip() if len(words) > 1 else ""
    if words and words[0].casefold() in community_invites.WORDS and not target:
        await community_invites.invite_tutor(message, bot, ctx)
        return
    if words and words[0].casefold() in district_invites.WORDS and target:
        await district_invites.invite_consultant(
            message, target, ctx.uow, ctx.clock, bot, ctx.invite_ttl_days, ctx.zone
        )
        return
    if role is None or not target:
        await message.answer(render("invite_usage.html.j2"))
        return
    if target.casefold() in ("all", "все"):
        invited = list(await schools.every_school(ctx.uow))
        if not invited:
            await message.answer(_("Список школ пуст: сначала загрузите его."))
            return
    else:
        found = await schools.lookup(ctx.uow, target)
        if found.school is None:
            await message.answer(render("school_lookup_failed.html.j2", found=found, needle=target))
            return
        invited = [found.school]
    issued = await invitations.issue(
        ctx.uow,
        invited,
        role,
        message.from_user.id if message.from_user else None,
        ctx.clock.now(),
        ctx.invite_ttl_days,
    )
    if len(issued) == 1:
        await message.answer(await invite_link(bot, issued[0], ctx.zone))
        return
    table = invitations.mail_merge_table(issued, (await bot.me()).username or "")
    await message.answer_document(
        BufferedInputFile(table.encode("utf-8-sig"), filename=f"invitations-{role.value}.csv"),
        caption=ngettext(
            "Приглашение для {num} школы. Файл для рассылки.",
            "Приглашения для {num} школ. Файл для рассылки.",
            len(issued),
        ).format(num=len(issued)),
    )


async def invite_refused(message: Message) -> None:
    await message.answer(_("Приглашения создают только сотрудники института."))


def _role(word: str) -> Role | None:
    aliases = {
        "coordinator": Role.COORDINATOR,
        "координатор": Role.COORDINATOR,
        "mentor": Role.MENTOR,
        "наставник": Role.MENTOR,
    }
    return aliases.get(word.casefold())


def setup() -> Router:
    router = Router(name="admin")
    private, no_dialog = F.chat.type == "private", StateFilter(None)
    router.message.register(on_school_file, private, F.document, no_dialog, Admin())
    router.message.register(
        not_for_you, private, F.document.file_name.func(_school_file), no_dialog
    )
    router.message.register(cmd_invite, Command("invite"), StateFilter("*"), Staff())
    router.message.register(invite_refused, Command("invite"), StateFilter("*"))
    return router
