"""aiogram routers: parse the update, call a service, render the reply."""

from aiogram import Router

from handlers import (
    access,
    admin,
    common,
    expertise,
    fallback,
    form_multi,
    form_network,
    form_preview,
    forms,
    groups,
    indicators,
    my_submissions,
    networks,
    onboarding,
    plan_events,
    reminder_actions,
    review,
    settings,
    staff_commands,
    submit,
    tutors,
    windows,
)


def setup(staff_chat_id: int | None) -> Router:
    """A fresh router tree each call, so tests can build one dispatcher per bot run."""
    root = Router(name="root")
    root.include_routers(
        groups.setup(staff_chat_id),
        common.setup(),
        admin.setup(),
        fallback.commands_in_dialog(),
        onboarding.setup(),
        access.setup(),
        staff_commands.setup(),
        networks.setup(),
        indicators.setup(),
        windows.setup(),
        review.setup(staff_chat_id),
        expertise.setup(),
        settings.setup(),
        reminder_actions.setup(),
        tutors.setup(),
        submit.setup(),
        my_submissions.setup(),
        forms.setup(),
        form_multi.setup(),
        form_network.setup(),
        form_preview.setup(),
        plan_events.setup(),
        fallback.setup(),
    )
    return root
