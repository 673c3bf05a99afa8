"""Staff at work in their group: cards and decisions, expert conclusions, their commands."""

from aiogram import Router

from handlers.review import decisions, expertise, staff_commands


def setup(staff_chat_id: int | None) -> Router:
    router = Router(name="review")
    router.include_routers(
        staff_commands.setup(), decisions.setup(staff_chat_id), expertise.setup()
    )
    return router
