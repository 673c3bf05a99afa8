"""Random fault injection for the fake Bot API: what can go wrong, how often, reproducibly.

What aiogram 3.31 (``AiohttpSession``) raises for each kind, i.e. what the bot must handle:

- ``server_error``: :class:`~aiogram.exceptions.TelegramServerError` (500 or 502 envelope).
- ``flood``: :class:`~aiogram.exceptions.TelegramRetryAfter` with ``retry_after``.
- ``timeout``: :class:`~aiogram.exceptions.TelegramNetworkError` ("Request timeout error")
  when the stall outlasts the client's timeout; if it does not, the dropped connection
  gives the same class ("ServerDisconnectedError: Server disconnected").
- ``malformed``: :class:`~aiogram.exceptions.ClientDecodeError`: "Failed to decode object"
  for the cut JSON and the HTML page, "Failed to deserialize object" for the wrong result.
  It is *not* a ``TelegramAPIError``: ``except TelegramAPIError`` does not catch it.
  aiogram decodes the body before it looks at the HTTP status, so an HTML error page
  gives this error whatever the status.
- ``disconnect``: :class:`~aiogram.exceptions.TelegramNetworkError`
  ("ServerDisconnectedError: Server disconnected"); aiohttp does not retry a POST.

Random faults hit Bot API methods only. An outage also drops file downloads, and there
aiogram wraps nothing: ``bot.download``/``download_file`` raise the bare
``aiohttp.ServerDisconnectedError`` (after aiohttp has retried the GET once).
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

FaultKind = Literal["server_error", "flood", "timeout", "malformed", "disconnect"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)

DEFAULT_EXEMPT = frozenset(
    {
        # Polling has aiogram's own backoff, and most tests feed updates directly;
        # losing getUpdates is what FakeTelegram.outage() is for.
        "getUpdates",
        # Made once at start-up: a fault there tests whether the bot starts, not
        # whether it loses a user's work.
        "getMe",
        "deleteWebhook",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
    }
)

SERVER_ERRORS = ((500, "Internal Server Error"), (502, "Bad Gateway"))
NGINX_502_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
# (what it is, Content-Type, body), all sent with HTTP 200.
MALFORMED_RESPONSES = (
    ("cut JSON", "application/json", '{"ok": true, "resu'),
    ("HTML page", "text/html", NGINX_502_PAGE),
    # An object no Bot API method returns (a string would pass for exportChatInviteLink).
    ("wrong result", "application/json", '{"ok": true, "result": {"oops": true}}'),
)


@dataclass(frozen=True)
class FaultPlan:
    """How :meth:`FakeTelegram.inject_faults` makes calls fail.

    ``rate`` is the share of non-exempt calls that fail; ``weights`` says how the
    failures split between kinds (kinds left out never happen). ``exempt`` names
    methods that never fail. A flood fault asks for ``retry_after`` seconds; a
    timeout stalls ``stall_seconds`` (make it longer than the client's timeout).
    """

    seed: int
    rate: float = 0.1
    weights: Mapping[FaultKind, float] = field(
        default_factory=lambda: dict.fromkeys(FAULT_KINDS, 1.0)
    )
    exempt: frozenset[str] = DEFAULT_EXEMPT
    retry_after: int = 1
    stall_seconds: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], not {self.rate}")
        if unknown := set(self.weights) - set(FAULT_KINDS):
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        if any(weight < 0 for weight in self.weights.values()) or not any(self.weights.values()):
            raise ValueError(f"weights must be >= 0 and not all 0: {dict(self.weights)}")
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        if self.stall_seconds < 0:
            raise ValueError("stall_seconds must not be negative")


class RandomFault(NamedTuple):
    """One drawn fault, described for the server to act out."""

    kind: FaultKind
    description: str
    status: int = 0
    """The HTTP status; 0 for the kinds that give no response (timeout, disconnect)."""
    retry_after: int | None = None
    body: str | None = None
    content_type: str = "application/json"
    stall: float = 0.0


class FaultDice:
    """Draws faults call by call from the plan's own ``random.Random(seed)``.

    Exempt calls draw nothing, so the same non-exempt calls in the same order meet the
    same faults however many getUpdates polls run in between.
    """

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._rng = random.Random(plan.seed)
        self._exempt = frozenset(method.lower() for method in plan.exempt)
        self._kinds = list(plan.weights)
        self._weights = [plan.weights[kind] for kind in self._kinds]

    def roll(self, method: str) -> RandomFault | None:
        if method.lower() in self._exempt or self._rng.random() >= self.plan.rate:
            return None
        kind = self._rng.choices(self._kinds, self._weights)[0]
        if kind == "server_error":
            status, description = self._rng.choice(SERVER_ERRORS)
            return RandomFault(kind, description, status)
        if kind == "flood":
            retry_after = self.plan.retry_after
            return RandomFault(
                kind, f"Too Many Requests: retry after {retry_after}", 429, retry_after
            )
        if kind == "malformed":
            variant, content_type, body = self._rng.choice(MALFORMED_RESPONSES)
            return RandomFault(
                kind, f"malformed response: {variant}", 200, None, body, content_type
            )
        if kind == "timeout":
            stall = self.plan.stall_seconds
            return RandomFault(kind, f"timeout: no response for {stall} s", stall=stall)
        return RandomFault(kind, "disconnect: connection dropped")
