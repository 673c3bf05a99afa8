"""A coordinator's submissions: starting one, answering its questions, the preview, sending."""

from aiogram import Router

from handlers.submissions import (
    answers,
    mine,
    multi_choice,
    network,
    plan_events,
    preview,
    resume,
    start,
)


def setup() -> Router:
    router = Router(name="submissions")
    router.include_routers(
        start.setup(),
        resume.setup(),
        mine.setup(),
        answers.setup(),
        multi_choice.setup(),
        network.setup(),
        preview.setup(),
        plan_events.setup(),
    )
    return router
