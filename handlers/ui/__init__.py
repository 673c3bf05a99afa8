"""What every chat shares: texts and templates, the menu, dialogs' helpers, fallbacks."""

from aiogram import Router

from handlers.ui import common, fallback, groups


def first(staff_chat_id: int | None) -> Router:
    """Groups, commands that work at any step, and commands that must not answer a dialog."""
    router = Router(name="ui-first")
    router.include_routers(
        groups.setup(staff_chat_id), common.setup(), fallback.commands_in_dialog()
    )
    return router


def last() -> Router:
    """Whatever no other router took gets an answer here."""
    return fallback.setup()
