"""What staff keep of a programme: platform networks, staff-opened windows, indicators."""

from aiogram import Router

from handlers.programmes import indicators, networks, windows


def setup() -> Router:
    router = Router(name="programmes")
    router.include_routers(networks.setup(), indicators.setup(), windows.setup())
    return router
