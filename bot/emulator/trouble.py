"""Telegram misbehaving on purpose: planned failures, random faults, outages, and the check
that a client honours ``retry_after``."""

import asyncio
import contextlib
import math
from collections import Counter
from collections.abc import Callable

from aiohttp import web

from .faults import FaultDice, FaultKind, FaultPlan, RandomFault
from .limits import GLOBAL_SCOPE
from .protocol import (
    DEFAULT_FAULT_DESCRIPTIONS,
    NETWORK_DOWN,
    Fault,
    InjectedError,
    NoAnswerError,
    Violation,
    drop_connection,
)


class Trouble:
    """What goes wrong with a call before its method runs (so a failed call has no effect)."""

    def __init__(self, clock: Callable[[], float], methods: frozenset[str]) -> None:
        self.clock = clock
        self.methods = methods
        """The served methods, lower-cased: a plan may exempt only those."""
        self.faults_injected: Counter[FaultKind] = Counter()
        self.retry_after_violations: list[Violation] = []
        self.retry_until: dict[str | int, float] = {}
        self.stopping = asyncio.Event()
        self._faults: list[Fault] = []
        self._delays: dict[str, list[float]] = {}
        self._dice: FaultDice | None = None
        self._offline_until = -math.inf

    # ------------------------------------------------------------ planning

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None,
        retry_after: int | None,
        times: int,
        chat_id: int | None,
    ) -> None:
        if status == 429 and retry_after is None:
            retry_after = 5
        self._faults.append(Fault(method.lower(), status, description, retry_after, times, chat_id))

    def delay_next(self, method: str, seconds: float) -> None:
        self._delays.setdefault(method.lower(), []).append(seconds)

    def inject_faults(self, plan: FaultPlan | None) -> None:
        if plan is not None and (
            unknown := sorted(m for m in plan.exempt if m.lower() not in self.methods)
        ):
            raise ValueError(f"exempt names methods the fake does not serve: {unknown}")
        self._dice = None if plan is None else FaultDice(plan)

    def network_down(self, seconds: float = math.inf) -> None:
        self._offline_until = self.clock() + seconds

    def network_up(self) -> None:
        self._offline_until = -math.inf

    @property
    def network_is_down(self) -> bool:
        return self.clock() < self._offline_until

    # ------------------------------------------------------------ acting out

    async def delay(self, method: str) -> None:
        if delays := self._delays.get(method.lower()):
            await asyncio.sleep(delays.pop(0))

    def check_network(self) -> None:
        if self.network_is_down:
            self.faults_injected["disconnect"] += 1
            raise NoAnswerError(RandomFault("disconnect", NETWORK_DOWN))

    def check_violation(self, method: str, chat_id: int | None, at: float) -> None:
        scopes: list[str | int] = [GLOBAL_SCOPE] if chat_id is None else [GLOBAL_SCOPE, chat_id]
        if any(at < self.retry_until.get(scope, float("-inf")) for scope in scopes):
            self.retry_after_violations.append(Violation(method, chat_id, at))

    def planned_failure(self, method: str, chat_id: int | None) -> None:
        """Raise the failure ``fail_next`` planned for this call, if any."""
        for fault in self._faults:
            if fault.method == method.lower() and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                description = fault.description or DEFAULT_FAULT_DESCRIPTIONS.get(
                    fault.status, "Injected failure"
                ).format(retry_after=fault.retry_after)
                raise InjectedError(fault.status, description, fault.retry_after)

    def random_fault(self, method: str) -> None:
        """Raise the fault the plan draws for this call, if any."""
        fault = None if self._dice is None else self._dice.roll(method)
        if fault is None:
            return
        self.faults_injected[fault.kind] += 1
        if fault.kind in ("server_error", "flood"):
            raise InjectedError(fault.status, fault.description, fault.retry_after)
        raise NoAnswerError(fault)

    async def no_answer(self, request: web.Request, fault: RandomFault) -> web.Response:
        """Act out a fault without a Bot API answer: a broken 200, or a dropped connection."""
        if fault.body is not None:
            return web.Response(text=fault.body, content_type=fault.content_type)
        if fault.stall:
            with contextlib.suppress(TimeoutError):  # stop() must not wait for the stall
                await asyncio.wait_for(self.stopping.wait(), fault.stall)
        return drop_connection(request)
