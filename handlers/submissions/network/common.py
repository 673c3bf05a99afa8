"""What the network question's parts share: the field, the year's state, going back to it."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from handlers.context import Ctx
from handlers.submissions.state import FormDialog
from handlers.ui.dialogs import ask_again
from services import calendar

FIELD = "network_schools"
BUTTON_MAX = 60


class NetworkDialog(StatesGroup):
    year = State()


def this_year(ctx: Ctx) -> int:
    return calendar.local_date(ctx.clock.now(), ctx.zone).year


async def back_to_list(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """The network question again, with the list as it is now."""
    await state.set_state(FormDialog.answer)
    await ask_again(message, state, ctx)
