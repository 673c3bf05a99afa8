"""Starting a submission from the menu: which school, which kind of application, which draft."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import F, Router, html
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.context import Ctx
from handlers.submissions import passport_texts
from handlers.submissions.resume import introduce
from handlers.submissions.state import Act, CDForm, FormDialog, button, taken
from handlers.ui.buttons import labelled, with_listing
from handlers.ui.dialogs import ask_again, question
from handlers.ui.menu import (
    BUTTON_ANNOUNCEMENT,
    BUTTON_APPLICATION,
    BUTTON_MATERIALS,
    BUTTON_PLAN,
    BUTTON_REPORT,
    show_menu,
)
from services.domain import SubmissionKind
from services.programmes import platforms, roadmaps
from services.programmes.schema import Programme
from services.submissions import drafts, stage_reports

_KIND_OF_BUTTON = (
    (BUTTON_APPLICATION, SubmissionKind.APPLICATION),
    (BUTTON_ANNOUNCEMENT, SubmissionKind.ANNOUNCEMENT),
    (BUTTON_REPORT, SubmissionKind.REPORT),
    (BUTTON_PLAN, SubmissionKind.PLAN),
    (BUTTON_MATERIALS, SubmissionKind.MATERIALS),
)


def _kind_of(text: str) -> SubmissionKind | None:
    """The kind a menu button stands for, in the person's language (labels are lazy)."""
    return next((kind for label, kind in _KIND_OF_BUTTON if str(label) == text), None)


async def on_menu(message: Message, state: FSMContext, ctx: Ctx) -> None:
    roles = await ctx.roles()
    kind = _kind_of(message.text or "")
    if kind is None:
        return
    if not roles.coordinator_of:
        await message.answer(_("Подавать документы может только координатор площадки."))
        return
    await state.clear()
    await state.update_data(kind=kind.value)
    if len(roles.coordinator_of) > 1:
        await state.set_state(FormDialog.school)
        await ask_again(message, state, ctx)
        return
    await state.update_data(school_id=roles.coordinator_of[0].id)
    await _after_school(message, state, ctx)


@question(FormDialog.school)
async def ask_school(message: Message, state: FSMContext, ctx: Ctx) -> None:
    rows = [
        [button(school.name[:60], Act.SCHOOL, str(school.id))]
        for school in (await ctx.roles()).coordinator_of
    ]
    rows.append([button(_("✖️ Отмена"), Act.CANCEL)])
    await message.answer(
        _("Для какой школы?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def _targets(state: FSMContext, ctx: Ctx) -> list[platforms.Target]:
    data = await state.get_data()
    kind = SubmissionKind(data["kind"])
    about = ctx.programmes.of(data["programme"]) if data.get("variant") else None
    return await platforms.targets(ctx.uow, ctx.programmes, data["school_id"], kind, about)


async def _after_school(message: Message, state: FSMContext, ctx: Ctx) -> None:
    found = await _targets(state, ctx)
    if len(found) == 1:
        await _with_target(message, state, ctx, found[0])
        return
    await state.set_state(FormDialog.target)
    await ask_again(message, state, ctx)


@question(FormDialog.target)
async def ask_target(message: Message, state: FSMContext, ctx: Ctx) -> None:
    text, markup = target_choice(await _targets(state, ctx))
    await message.answer(text, reply_markup=markup)


def target_choice(found: Sequence[platforms.Target]) -> tuple[str, InlineKeyboardMarkup]:
    """Which programme (or which of the school's platforms) the submission is for."""
    shown = labelled([_target_label(target) for target in found])
    rows = [
        [button(label, Act.TARGET, target.key)]
        for target, label in zip(found, shown.labels, strict=True)
    ]
    rows.append([button(_("✖️ Отмена"), Act.CANCEL)])
    text = with_listing(
        _("О какой площадке?")
        if any(target.platform for target in found)
        else _("По какой программе?"),
        shown.listing,
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _target_label(target: platforms.Target) -> str:
    label = target.programme.title
    if target.platform is not None and target.platform.title:
        label = f"{target.platform.title} ({label})"
    return label


async def _with_target(
    message: Message, state: FSMContext, ctx: Ctx, target: platforms.Target
) -> None:
    await state.update_data(
        programme=target.programme.id,
        platform_id=target.platform.id if target.platform else None,
    )
    data = await state.get_data()
    kind = SubmissionKind(data["kind"])
    if kind is SubmissionKind.APPLICATION and data.get("variant"):
        await _open(message, state, ctx, kind, data["variant"])
    elif kind is SubmissionKind.APPLICATION or (
        kind is SubmissionKind.PLAN
        and await roadmaps.offered(ctx.uow, target.programme, target.platform)
    ):
        await state.set_state(FormDialog.variant)
        await ask_again(message, state, ctx)
    else:
        await _open(message, state, ctx, kind, "")


async def _chosen(state: FSMContext, ctx: Ctx) -> platforms.Target:
    data = await state.get_data()
    programme = ctx.programmes.of(data.get("programme", ""))
    platform_id = data.get("platform_id")
    platform = await platforms.get(ctx.uow, platform_id) if platform_id else None
    return platforms.Target(programme, platform)


PLAN_VARIANTS = {roadmaps.ROADMAP: roadmaps.ROADMAP, "year": ""}
"""The plans «🗓 План на год» offers once a status is granted: button value to variant."""


async def _variants(state: FSMContext, ctx: Ctx) -> dict[str, str]:
    """What the variant buttons may carry now: a plan's two, or the programme's applications."""
    if (await state.get_data()).get("kind") == SubmissionKind.PLAN.value:
        return PLAN_VARIANTS
    return {name: name for name in (await _chosen(state, ctx)).programme.applications.kinds()}


@question(FormDialog.variant)
async def ask_variant(message: Message, state: FSMContext, ctx: Ctx) -> None:
    target = await _chosen(state, ctx)
    if (await state.get_data()).get("kind") == SubmissionKind.PLAN.value:
        rows = [
            [button(_("🗺 Дорожная карта"), Act.VARIANT, roadmaps.ROADMAP)],
            [button(_("🗓 План на учебный год"), Act.VARIANT, "year")],
        ]
        days = target.programme.status.roadmap_due_days_after_certificate or 0
        text = ngettext(
            "Какой план отправить?\n"
            "🗺 Дорожная карта — мероприятия по учебным годам на весь срок статуса. Её ждут "
            "не позднее {days} дня после публикации свидетельства о статусе.\n"
            "🗓 План на учебный год — вместе с годовым отчётом.",
            "Какой план отправить?\n"
            "🗺 Дорожная карта — мероприятия по учебным годам на весь срок статуса. Её ждут "
            "не позднее {days} дней после публикации свидетельства о статусе.\n"
            "🗓 План на учебный год — вместе с годовым отчётом.",
            days,
        ).format(days=days)
    else:
        text, rows = application_kinds(target.programme)
    rows.append([button(_("✖️ Отмена"), Act.CANCEL)])
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


def application_kinds(programme: Programme) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """Which application: the programme's kinds, in full above their buttons when long."""
    kinds = programme.applications.kinds()
    shown = labelled([kind.title for kind in kinds.values()])
    rows = [
        [button(label, Act.VARIANT, name)] for name, label in zip(kinds, shown.labels, strict=True)
    ]
    return with_listing(_("Какая заявка?"), shown.listing), rows


async def _open(
    message: Message, state: FSMContext, ctx: Ctx, kind: SubmissionKind, variant: str
) -> None:
    data = await state.get_data()
    target = await _chosen(state, ctx)
    if kind is SubmissionKind.APPLICATION and variant != "assignment" and not target.platform:
        await state.update_data(variant=variant)
        if len(await _targets(state, ctx)) > 1:  # which of the school's platforms it is about
            await state.set_state(FormDialog.target)
            await ask_again(message, state, ctx)
            return
    lead = platforms.lead_school_instead(target, data["school_id"], kind, variant)
    if lead is not None:
        await state.clear()
        await show_menu(
            message,
            (await ctx.roles()),
            intro=_(
                "Это подаёт ведущая школа сети — {school}: отчёт, план и заявки — за всю "
                "площадку. Анонсы своих мероприятий и материалы ваша школа подаёт сама."
            ).format(school=html.quote(lead.name)),
        )
        return
    if kind is SubmissionKind.REPORT and target.programme.reports.schedule == "stages":
        due = await stage_reports.due(ctx.uow, target.programme, target.platform)
        if due.problem is not None:
            await state.clear()
            await show_menu(
                message, (await ctx.roles()), intro=passport_texts.no_stage_report(due.problem)
            )
            return
    draft = await drafts.open_draft(
        ctx.uow,
        target.programme,
        await ctx.member(),
        data["school_id"],
        kind,
        variant,
        ctx.clock.now(),
        ctx.zone,
        target.platform,
    )
    await state.set_data({"sid": draft.submission.id, "field": None})
    if draft.resumed:
        await state.set_state(FormDialog.resume)
        await ask_again(message, state, ctx)
        return
    await introduce(message, draft.submission, ctx)
    await state.set_state(FormDialog.answer)
    await ask_again(message, state, ctx)


async def on_cancel(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    if (message := await taken(query)) is not None:
        await state.clear()
        await show_menu(message, await ctx.roles(), intro=_("Отменено. Вы в главном меню."))


async def on_school(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    value = callback_data.value
    roles = await ctx.roles()
    if not value.isdigit() or int(value) not in {s.id for s in roles.coordinator_of}:
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if (message := await taken(query)) is not None:
        await state.update_data(school_id=int(value))
        await _after_school(message, state, ctx)


async def on_target(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    chosen = next((t for t in await _targets(state, ctx) if t.key == callback_data.value), None)
    if chosen is None:
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if (message := await taken(query)) is not None:
        await _with_target(message, state, ctx, chosen)


async def on_variant(
    query: CallbackQuery, callback_data: CDForm, state: FSMContext, ctx: Ctx
) -> None:
    variants = await _variants(state, ctx)
    if callback_data.value not in variants:
        await query.answer(_("Эта кнопка уже не действует."), show_alert=True)
        return
    if (message := await taken(query)) is not None:
        kind = SubmissionKind((await state.get_data())["kind"])
        await _open(message, state, ctx, kind, variants[callback_data.value])


def setup() -> Router:
    router = Router(name="submit")
    private = F.chat.type == "private"
    router.message.register(on_menu, private, F.text.func(_kind_of), StateFilter("*"))
    steps = (FormDialog.school, FormDialog.target, FormDialog.variant, FormDialog.resume)
    buttons = router.callback_query
    buttons.register(on_cancel, CDForm.filter(F.action == Act.CANCEL), StateFilter(*steps))
    buttons.register(on_school, CDForm.filter(F.action == Act.SCHOOL), FormDialog.school)
    buttons.register(on_target, CDForm.filter(F.action == Act.TARGET), FormDialog.target)
    buttons.register(on_variant, CDForm.filter(F.action == Act.VARIANT), FormDialog.variant)
    return router
