"""Dialog steps that ask for one line of text: the steps are data, one handler serves them all.

Onboarding and access requests ask the same way: the question with Back and Cancel, the
answer checked by `services.validation`, kept in the dialog data, then the next step, or,
after the last one, what the answers were for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message
from babel.support import LazyProxy

from handlers.context import Ctx
from handlers.ui.dialogs import ask_again, nav_keyboard, question, take_text

Finish = Callable[[Message, FSMContext, Ctx, dict[str, Any]], Awaitable[None]]
"""What the last answer completes; it gets every answer of the dialog, the last one too."""


@dataclass(frozen=True)
class TextStep:
    state: State
    question: LazyProxy
    check: Callable[[str], str]
    """From `services.validation`: the answer as kept, or `InvalidInputError`."""
    what: LazyProxy
    """What the answer is called in an error ("Напишите, пожалуйста, {what}")."""
    key: str
    """Where the answer is kept in the dialog data."""
    then: State | Finish
    back: State | None = None
    """Where "Назад" leads from the step."""
    also: Mapping[str, Any] = field(default_factory=dict)
    """Kept with the answer (what an earlier path of the dialog set and this one undoes)."""


class TextSteps:
    """A table of text steps: each asks its question; `answer` takes the text of any of them."""

    def __init__(self, *steps: TextStep) -> None:
        self._steps = {str(step.state.state): step for step in steps}
        for step in steps:
            question(step.state, back=step.back)(_asker(step))

    async def answer(self, message: Message, state: FSMContext, ctx: Ctx) -> None:
        step = self._steps[await state.get_state() or ""]
        value = await take_text(message, state, ctx, step.check, str(step.what))
        if value is None:
            return
        if isinstance(step.then, State):
            await state.update_data({step.key: value, **step.also})
            await state.set_state(step.then)
            await ask_again(message, state, ctx)
            return
        answers = {**await state.get_data(), step.key: value, **step.also}
        await step.then(message, state, ctx, answers)

    def register(self, router: Router) -> None:
        """Text in a private chat at any of the steps is its answer."""
        states = [step.state for step in self._steps.values()]
        router.message.register(self.answer, F.chat.type == "private", StateFilter(*states), F.text)


def _asker(step: TextStep) -> Callable[[Message, FSMContext, Ctx], Awaitable[None]]:
    async def ask(message: Message, state: FSMContext, ctx: Ctx) -> None:
        await message.answer(str(step.question), reply_markup=nav_keyboard())

    return ask
