"""The schools of a network, one at a time: a name found in the registry, then the year it joined.

The question itself (with «Готово», Back and Cancel) is the form's; `listing` answers a typed
name, the choice among several matches and removing a school from the list, `year` the year.
"""

from aiogram import Router

from handlers.submissions.network import listing, year


def setup() -> Router:
    router = Router(name="form-network")
    router.include_routers(year.setup(), listing.setup())
    return router
