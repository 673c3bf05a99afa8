"""aiogram routers: parse the update, call a service, render the reply.

One package per area; each gives its routers in the order they must be tried. Every chat
first meets the commands that work anywhere (`ui.first`), and last the fallbacks that answer
whatever nobody else took (`ui.last`).
"""

from aiogram import Router

from handlers import exports, people, programmes, reminders, review, submissions, ui
from handlers.ui.filters import on_the_loop


def setup(staff_chat_id: int | None) -> Router:
    """A fresh router tree each call, so tests can build one dispatcher per bot run."""
    root = Router(name="root")
    root.include_routers(
        ui.first(staff_chat_id),
        people.setup(),
        review.setup(staff_chat_id),
        programmes.setup(),
        reminders.setup(),
        exports.setup(),
        submissions.setup(),
        ui.last(),
    )
    return on_the_loop(root)
