"""Windows a regulation leaves to an order (LOIRO 3.4): staff open and close them by command.

A window with `opened_by_staff = true` is open from the day staff open it until the last day
the order names (inclusive), or until staff close it. Closing makes yesterday the last day, so
nothing is accepted from the moment of the command on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from services.domain import SubmissionKind
from services.programmes.deadlines import window_name
from services.programmes.schema import Programme, Programmes, Window
from storage.models import WindowOpening
from storage.uow import UnitOfWork

WINDOW_NAMES = ("application", "report", "review", "council")
"""The fields of `Windows`, in the order staff see them."""


@dataclass(frozen=True)
class StaffWindow:
    programme: Programme
    name: str
    window: Window


class WindowState(StrEnum):
    NEVER = "never"  # staff have not opened it yet
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class WindowStatus:
    target: StaffWindow
    opening: WindowOpening | None
    state: WindowState

    @property
    def closed_since(self) -> date | None:
        """The first day nothing was accepted any more."""
        if self.state is not WindowState.CLOSED or self.opening is None:
            return None
        assert self.opening.closes_on is not None
        return self.opening.closes_on + timedelta(days=1)


class Outcome(StrEnum):
    OPENED = "opened"
    ALREADY_OPEN = "already_open"
    CHANGED = "changed"  # already open; the last day is now the one given
    CLOSED = "closed"
    ALREADY_CLOSED = "already_closed"
    PAST_DAY = "past_day"  # the last day given is before today


@dataclass(frozen=True)
class Change:
    outcome: Outcome
    status: WindowStatus


def staff_windows(programmes: Programmes) -> list[StaffWindow]:
    """Every window of the running programmes that staff open by command."""
    found = []
    for programme in programmes:
        for name in WINDOW_NAMES:
            window: Window | None = getattr(programme.windows, name)
            if window is not None and window.opened_by_staff:
                found.append(StaffWindow(programme, name, window))
    return found


def state_of(opening: WindowOpening | None, today: date) -> WindowState:
    if opening is None:
        return WindowState.NEVER
    if opening.closes_on is not None and today > opening.closes_on:
        return WindowState.CLOSED
    return WindowState.OPEN


async def status(uow: UnitOfWork, target: StaffWindow, today: date) -> WindowStatus:
    opening = await uow.windows.latest(target.programme.id, target.name)
    return WindowStatus(target, opening, state_of(opening, today))


async def statuses(
    uow: UnitOfWork, targets: Sequence[StaffWindow], today: date
) -> list[WindowStatus]:
    return [await status(uow, target, today) for target in targets]


async def opening_for(
    uow: UnitOfWork, programme: Programme, kind: SubmissionKind, variant: str
) -> WindowOpening | None:
    """The latest opening of the window a submission is sent in, when staff open that window."""
    name = window_name(kind, variant)
    window: Window | None = getattr(programme.windows, name) if name else None
    if name is None or window is None or not window.opened_by_staff:
        return None
    return await uow.windows.latest(programme.id, name)


async def open_window(
    uow: UnitOfWork,
    target: StaffWindow,
    today: date,
    last_day: date | None,
    actor: int,
    now: datetime,
) -> Change:
    """Open today, until `last_day` if the order names one; an open window gets the new day."""
    current = await status(uow, target, today)
    if last_day is not None and last_day < today:
        return Change(Outcome.PAST_DAY, current)
    opening = current.opening
    if current.state is WindowState.OPEN and opening is not None:
        if opening.closes_on == last_day:
            return Change(Outcome.ALREADY_OPEN, current)
        opening.closes_on = last_day
        _audit(uow, "window.change", opening, actor, now)
        await uow.commit()
        return Change(Outcome.CHANGED, current)
    opening = WindowOpening(
        programme=target.programme.id,
        window=target.name,
        opened_on=today,
        closes_on=last_day,
        opened_by=actor,
        created_at=now,
    )
    uow.windows.add(opening)
    await uow.session.flush()
    _audit(uow, "window.open", opening, actor, now)
    await uow.commit()
    return Change(Outcome.OPENED, WindowStatus(target, opening, WindowState.OPEN))


async def close_window(
    uow: UnitOfWork, target: StaffWindow, today: date, actor: int, now: datetime
) -> Change:
    current = await status(uow, target, today)
    opening = current.opening
    if current.state is not WindowState.OPEN or opening is None:
        return Change(Outcome.ALREADY_CLOSED, current)
    opening.closes_on = today - timedelta(days=1)
    _audit(uow, "window.close", opening, actor, now)
    await uow.commit()
    return Change(Outcome.CLOSED, WindowStatus(target, opening, WindowState.CLOSED))


def _audit(uow: UnitOfWork, action: str, opening: WindowOpening, actor: int, now: datetime) -> None:
    uow.audit.record(
        action,
        "window",
        opening.id,
        actor,
        now,
        programme=opening.programme,
        window=opening.window,
        opened_on=opening.opened_on.isoformat(),
        closes_on=opening.closes_on.isoformat() if opening.closes_on else None,
    )
