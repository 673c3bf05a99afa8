"""What staff keep of a programme: platform networks, staff-opened windows, indicators."""

from aiogram import Router

from handlers.programmes import certificates, indicators, networks, publication, windows


def setup() -> Router:
    router = Router(name="programmes")
    router.include_routers(
        networks.setup(),
        publication.setup(),  # «/indicators public» before /indicators
        indicators.setup(),
        windows.setup(),
        certificates.setup(),
    )
    return router
