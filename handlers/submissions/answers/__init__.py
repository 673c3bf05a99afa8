"""The submission dialog: one question per message, answers saved to the draft as given.

What is asked comes from `services.submissions.forms` (built from the programme); these
modules only render questions (`asking`), read typed answers (`typed`), the buttons under a
question (`buttons`), the date and hour of an event (`dates`) and files (`attachments`).
"""

from aiogram import Router

from handlers.submissions.answers import attachments, buttons, dates, typed


def setup() -> Router:
    router = Router(name="forms")
    router.include_routers(typed.setup(), attachments.setup(), buttons.setup(), dates.setup())
    return router
