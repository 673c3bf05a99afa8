"""Reminders as people meet them: their texts, their buttons, and muting the optional ones."""

from aiogram import Router

from handlers.reminders import actions, settings


def setup() -> Router:
    router = Router(name="reminders")
    router.include_routers(settings.setup(), actions.setup())
    return router
