"""The reminder planner: from the data and the programme, which messages are due, to whom.

Each pass computes every reminder that should exist around now and hands them to the outbox,
which keeps one row per key: a reminder is planned once however often the pass runs. Planned
rows that no longer apply (the event moved, the report came) are cancelled by the same pass.
All times are local to the deployment's zone; messages go out at the reminder hour.
The rules themselves live in `services.reminders.rules`, one module per family.
"""

from __future__ import annotations

from dataclasses import dataclass

from services import messages, outbox
from services.outbox import Planned
from services.programmes.schema import Programmes
from services.reminders.rules import RULES
from services.reminders.rules.common import Context
from services.reminders.wanted import CATCH_UP as CATCH_UP
from services.reminders.wanted import HORIZON as HORIZON
from services.reminders.wanted import Moment as Moment
from services.reminders.wanted import Wanted as Wanted
from storage.uow import UnitOfWork


async def compute(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> list[Planned]:
    """Every reminder that should exist now (due within the catch-up and the horizon).

    Each school follows the programme of its platforms; a school without a platform yet
    follows the deployment's first programme.
    """
    ctx = await Context.read(uow, programmes, moment, staff_chat_id)
    found: list[Wanted] = []
    for rule in RULES:
        found += await rule(ctx)
    return [item.planned for item in found if item.in_time(moment)]


@dataclass(frozen=True)
class PassReport:
    wanted: int
    planned: int
    cancelled: int


async def plan_pass(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> PassReport:
    """One pass of the planner: plan what is due (once per key), cancel what no longer applies."""
    wanted = await compute(uow, programmes, moment, staff_chat_id)
    planned = await outbox.plan(uow, wanted)
    keep = {item.key for item in wanted}
    waiting = await uow.schedule.planned_reminders(moment.now + HORIZON, messages.RULES)
    cancelled = await uow.schedule.cancel_reminders(
        [rid for rid, key in waiting if key not in keep]
    )
    await uow.commit()
    return PassReport(len(wanted), planned, cancelled)


async def due_now(
    uow: UnitOfWork, programmes: Programmes, moment: Moment, staff_chat_id: int | None
) -> list[Planned]:
    """What a pass would send now, without writing anything (the operator's dry run)."""
    wanted = [
        item
        for item in await compute(uow, programmes, moment, staff_chat_id)
        if item.due_at <= moment.now
    ]
    settled = await uow.schedule.settled_keys([item.key for item in wanted])
    return sorted(
        (item for item in wanted if item.key not in settled),
        key=lambda item: (item.due_at, item.key),
    )
