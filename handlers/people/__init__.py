"""People: invitations and onboarding, access requests, tutors, the administrator's imports."""

from aiogram import Router

from handlers.people import access, access_cards, admin, onboarding, tutors


def setup() -> Router:
    router = Router(name="people")
    router.include_routers(
        admin.setup(), onboarding.setup(), access.setup(), access_cards.setup(), tutors.setup()
    )
    return router
