"""A monkey that presses what it sees: seeded random journeys through the whole bot.

Simulated people (coordinators, staff in their group, a mentor, a stranger) act at random for
some hundred steps: they press inline buttons on the bot's messages (the newest most often,
sometimes an old one, sometimes twice in a row), press the reply keyboard, type plausible and
hostile text, send files and other kinds of messages, forge callback data, and now and then
time passes and the reminders go out. After every step the invariants every update must keep
are checked (see `Check`); a failure names the seed, the step, the actor, the action and the
last thing the bot said.

The whole run replays from the seed alone: every choice comes from one `random.Random(seed)`
and is made on what the people see, which the bot answers deterministically, with one
exception that `Monkey._seen` irons out (reminders of one pass arrive in varying order).
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.emulator import Call, Chat, FakeTelegram, SentMessage
from handlers.people.access import CDAccessDecision, CDSchool, CDSchoolMissing, CDSchoolPage
from handlers.people.onboarding import CDConsent, Flow
from handlers.people.tutors import CDTutor
from handlers.programmes.windows import CDWindow
from handlers.reminders.settings import CDMute
from handlers.reminders.texts import CDAnnouncePlanned, CDHeld
from handlers.review.cards import CDReview
from handlers.review.decisions import CDFix, CDReason
from handlers.review.expertise import CDExpert
from handlers.submissions.keyboards import CDPick
from handlers.submissions.mine import CDMine
from handlers.submissions.state import CDForm
from handlers.ui.common import CDLanguage
from handlers.ui.date_picker import CDCalendar, CDHour
from handlers.ui.dialogs import CDNav, NavAct
from handlers.ui.menu import CDAccessStart
from services.domain import Role, SubmissionStatus
from services.review.decisions import Decision
from storage.models import AccessRequest, PlannedEvent, School, Submission
from storage.models import Person as PersonRow
from tests import seed, steps
from tests.harness import STAFF_CHAT_ID, BotUnderTest, FrozenClock, Person

SENT, IN_REVIEW = SubmissionStatus.SENT, SubmissionStatus.IN_REVIEW
ActorRole = Literal["coordinator", "staff", "mentor", "stranger"]

PROJECT_LOGGERS = frozenset({"aiogram", "bot", "handlers", "services", "storage", "coordbot"})
"""Top-level names of the loggers whose errors fail the run."""
UPDATE_LOG = "coordbot.updates"
NAVIGATION = re.compile(r"Назад|Отмена|Back|Cancel")
HANDLER = re.compile(r"handler=(\S+)")
FALLBACK = "handlers.fallback."
"""The last routers: what reaches them was understood by nobody."""
MB = 1024 * 1024
NUMBERS = re.compile(r"\d+")
CALLBACK_DATA_BYTES = 64
RECENT = 12
"""How far back in a chat a person looks for a button to press."""

SCHOOLS = [
    *seed.SCHOOLS,
    ("МБОУ «СОШ № 7»", "Хоринский район"),
]
COORDINATOR_NAMES = [
    ("Мария", "Иванова Мария Петровна"),
    ("Анна", "Петрова Анна Сергеевна"),
    ("Елена", "Смирнова Елена Викторовна"),
    ("Светлана", "Кузнецова Светлана Олеговна"),
]

CALLBACK_CLASSES: dict[str, type[CallbackData]] = {
    cls.__prefix__: cls
    for cls in (
        CDAccessDecision,
        CDAccessStart,
        CDAnnouncePlanned,
        CDCalendar,
        CDConsent,
        CDExpert,
        CDFix,
        CDForm,
        CDHeld,
        CDHour,
        CDLanguage,
        CDMine,
        CDMute,
        CDNav,
        CDPick,
        CDReason,
        CDReview,
        CDSchool,
        CDSchoolMissing,
        CDSchoolPage,
        CDTutor,
        CDWindow,
    )
}
STATE_PREFIXES = frozenset(
    {"f", "fp", "nav", "cal", "hour", "consent", "sch", "schp", "schm", "acc", "lang", "mute"}
    | {"outcome_skip"}
)
"""Data read against the presser's own dialog state: a forged one may legitimately finish the
presser's own form (a card in the staff group), so check 5 does not watch it."""
OWNER_PREFIXES = frozenset({"fix", "held", "my"})
"""Data naming a submission its author may act on: forged with their own id it is no forgery."""

PLAUSIBLE = (
    "Семинар «Цифровая школа»",
    "Актовый зал, ул. Ленина, 1",
    "Учителя информатики района",
    "Практический семинар для учителей района",
    "Иванова Мария Петровна",
    "Заместитель директора",
    "+7 900 123-45-67",
    "school5@example.ru",
    "https://example.ru/materials",
    "25",
    "2026/2027",
    "Гимназия",
    "Да",
    "Нет",
)
HOSTILE = (
    "<b>x</b><script>alert(1)</script>",
    "&amp; &lt;b&gt; & < > \"'",
    "Я" * 5000,
    "x" * 4097,
    "\u202eтекст справа налево\u202c",
    "👩\u200d💻\u200d\u200d👨\u200d👩\u200d👧",
    "\u200b\u200d\u2060",
    "😀😀😀🎉",
    "     ",
    "/",
    "/foo_bar",
    "/start AAAA%%%garbage$$$",
    "/start " + "x" * 80,
    "/start <b>",
    "/cancel",
    "/help",
    "/settings",
    "/language",
    "/pending",
    "/history 1",
    "𝓜𝓪𝓻𝓲𝓪 <i>",
    "a\n\n\n\nb",
    "{{ 7*7 }} {% if %}",
    "%s %d {0}",
    "Иванова\u0301 Мари\u0308я",
)
STAFF_COMMANDS = (
    "/pending",
    "/history {sid}",
    "/history abc",
    "/council 15.10.2027",
    "/council",
    "/registry",
    "/granted {sid} 01.11.2027",
    "/granted",
    "/window",
    "/window open 31.01.2027",
    "/network 1",
    "/network 1 + МБОУ Лицей № 12 2021",
    "/invite координатор МАОУ Гимназия № 5",
    "/invite наставник 2",
    "/invite",
    "/indicators",
    "/help",
    "/cancel",
    "/nosuchcommand",
    "/pending@coord_test_bot",
)
COMMENTS = (
    "Уточните место: адрес и аудиторию",
    "Не хватает подписи директора",
    "<b>Срочно</b> & исправьте",
    "Я" * 1500,
    "   ",
)


class Check(StrEnum):
    ERROR_LOGGED = "1: the bot logged an error"
    REFUSED_CALL = "2: the fake refused a call of the bot"
    CALLBACK_ANSWER = "3: a callback query was not answered exactly once"
    NO_REPLY = "4: a private message got no reply"
    FORGED_EFFECT = "5: a forged button changed another chat"
    MENU_SWALLOWED = "6: a menu button was not handled as that button"


class Kind(StrEnum):
    PRESS_FRESH = "press (newest)"
    PRESS_OLD = "press (old)"
    PRESS_TWICE = "press twice"
    REPLY_BUTTON = "reply keyboard"
    TEXT = "text"
    HOSTILE_TEXT = "hostile text"
    FILE = "file"
    OTHER_MESSAGE = "other message"
    EDIT = "edited message"
    FORGE = "forged callback"
    GROUP_REPLY = "reply in the staff group"
    GROUP_COMMAND = "command in the staff group"
    GROUP_TEXT = "chatter in the staff group"
    TIME = "time passes"


PRIVATE_ACTIONS: dict[str, int] = {
    "press": 30,
    "answer": 22,
    "reply_button": 10,
    "hostile": 10,
    "file": 7,
    "other": 4,
    "edit": 2,
    "forge": 10,
}
DILIGENT_ACTIONS: dict[str, int] = {
    "press": 40,
    "answer": 40,
    "reply_button": 6,
    "hostile": 4,
    "file": 3,
    "other": 2,
    "edit": 1,
    "forge": 4,
}
STAFF_ACTIONS: dict[str, int] = {
    "group_press": 40,
    "group_reply": 14,
    "group_command": 14,
    "group_text": 8,
    "private": 12,
}
ACTOR_WEIGHTS: dict[ActorRole, int] = {"coordinator": 3, "staff": 1, "mentor": 1, "stranger": 1}
SAME_ACTOR = 0.6
"""Chance that whoever acted last goes on: people work in sessions, so forms get finished."""
TIME_PASSES = 0.04
"""Chance that a step lets time pass (and runs the planner and the sender) instead."""
JUMPS = (timedelta(hours=5), timedelta(days=1), timedelta(days=2), timedelta(days=7))


@dataclass
class Actor:
    name: str
    role: ActorRole
    person: Person
    diligent: bool = False
    """Mostly answers the question and presses the newest buttons, so forms reach staff."""

    @property
    def id(self) -> int:
        return self.person.id

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, user {self.id})"


@dataclass
class Action:
    actor: Actor | None
    """None when time passes."""
    kind: Kind
    what: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    reply_owed_in: int | None = None
    """The private chat where the person wrote and so expects an answer (check 4)."""
    watch_other_chats: bool = False
    """A forgery that must not reach any chat but the presser's own (check 5)."""
    jump: timedelta | None = None
    menu_label: str | None = None
    """The reply-keyboard button pressed (check 6)."""


@dataclass(frozen=True)
class Failure:
    seed: int
    step: int
    check: Check
    actor: str
    action: str
    detail: str
    handlers: str
    """The handlers that took the step's updates, from the update log."""
    last_message: str
    recent: tuple[str, ...]

    def signature(self) -> str:
        """The failure's class: the check, the handlers, the detail's first line sans numbers."""
        first = self.detail.strip().splitlines()[0] if self.detail.strip() else ""
        return f"{self.check.value} | {self.handlers} | {NUMBERS.sub('N', first)[:110]}"

    def __str__(self) -> str:
        recent = "\n".join(f"    {line}" for line in self.recent)
        return (
            f"seed {self.seed}, step {self.step}: check {self.check.value}\n"
            f"  actor:  {self.actor}\n"
            f"  action: {self.action}\n"
            f"  last bot message to the actor: {self.last_message}\n"
            f"  handled by: {self.handlers}\n"
            f"  {self.detail.strip()}\n"
            f"  the steps before it:\n{recent}\n"
            f"  replay: MONKEY_SEEDS={self.seed} MONKEY_STEPS={self.step} "
            f".venv/bin/python -m pytest tests/test_random_journeys.py"
        )


class InvariantBrokenError(AssertionError):
    """A step broke one of the checks; the message says where and how to replay it."""


@dataclass
class Report:
    seed: int
    steps: int = 0
    actions: Counter[Kind] = field(default_factory=Counter)
    files: int = 0
    bot_messages: int = 0
    staff_cards: int = 0
    reminders: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def presses(self) -> int:
        return sum(self.actions[k] for k in (Kind.PRESS_FRESH, Kind.PRESS_OLD, Kind.PRESS_TWICE))

    def __str__(self) -> str:
        a = self.actions
        lines = [
            f"monkey seed {self.seed}: {self.steps} steps in {self.seconds:.1f} s",
            f"  buttons pressed: {self.presses} (newest {a[Kind.PRESS_FRESH]}, "
            f"old {a[Kind.PRESS_OLD]}, twice {a[Kind.PRESS_TWICE]}); "
            f"reply keyboard {a[Kind.REPLY_BUTTON]}",
            f"  texts typed: {a[Kind.TEXT] + a[Kind.HOSTILE_TEXT]} "
            f"(plausible {a[Kind.TEXT]}, hostile {a[Kind.HOSTILE_TEXT]}); "
            f"edits {a[Kind.EDIT]}",
            f"  files sent: {self.files} (in {a[Kind.FILE]} steps); "
            f"other messages {a[Kind.OTHER_MESSAGE]}",
            f"  forged callbacks: {a[Kind.FORGE]}",
            f"  staff group: replies {a[Kind.GROUP_REPLY]}, commands {a[Kind.GROUP_COMMAND]}, "
            f"chatter {a[Kind.GROUP_TEXT]}; cards {self.staff_cards}",
            f"  time jumps: {a[Kind.TIME]}, reminders sent {self.reminders}",
            f"  messages from the bot: {self.bot_messages}",
        ]
        if self.failures:
            classes = Counter(f.signature() for f in self.failures)
            lines.append(f"  failures: {len(self.failures)} in {len(classes)} classes")
            lines += [f"    {count:3d} × {name}" for name, count in classes.most_common()]
        return "\n".join(lines)

    def failure_classes(self) -> str:
        """The first failure of each class, in full."""
        first: dict[str, Failure] = {}
        for failure in self.failures:
            first.setdefault(failure.signature(), failure)
        return "\n\n".join(str(f) for f in first.values())


async def cast(bot: BotUnderTest, people: Callable[..., Person], rng: random.Random) -> list[Actor]:
    """The people of a run, onboarded through the bot with invitation links as in real life.

    3 or 4 coordinators of seeded schools (the first two diligent), each with an announcement
    sent, so staff have cards from the start (the first school has an approved plan, so its
    reminders bring buttons too), a mentor of the first school, two staff, one stranger.
    """
    app = bot.app
    assert app is not None
    await seed.schools(app, SCHOOLS)
    actors: list[Actor] = []
    for (first_name, full_name), (school, _district) in zip(
        COORDINATOR_NAMES[: rng.choice((3, 4))], SCHOOLS, strict=False
    ):
        person = people(first_name)
        await _join(bot, person, school, Role.COORDINATOR, full_name)
        actors.append(Actor(first_name, "coordinator", person, diligent=len(actors) < 2))
    mentor = people("Наставник")
    await _join(bot, mentor, SCHOOLS[0][0], Role.MENTOR, "Сидоров Иван Иванович")
    actors.append(Actor("Наставник", "mentor", mentor))
    today = app.clock.now().date()
    await seed.approved_plan(
        app,
        actors[0].id,
        [
            ("Семинар по цифровым ресурсам", "семинар", today + timedelta(days=12)),
            ("Вебинар для родителей", "вебинар", today + timedelta(days=25)),
        ],
        school_name=SCHOOLS[0][0],
    )
    for coordinator in actors[:-1]:  # the coordinators; cards for staff from the start
        await steps.announce(coordinator.person)
    actors += [Actor(name, "staff", people(name, staff=True)) for name in ("Ольга", "Иван")]
    actors.append(Actor("Незнакомец", "stranger", people("Незнакомец")))
    return actors


async def _join(bot: BotUnderTest, person: Person, school: str, role: Role, name: str) -> None:
    assert bot.app is not None
    code = await seed.invitation(bot.app, school, role)
    await person.send(f"/start {code}")
    await person.press("Даю согласие")
    await person.send(name)
    await person.send("Заместитель директора")


def refused_calls(fake: FakeTelegram) -> list[Call]:
    """Calls the fake refused because the bot got something wrong, oldest first.

    A 4xx that a test did not inject; 403 (a person blocked the bot or never wrote) and 429
    (flood control) are the world's doing, not the bot's mistake.
    """
    own = getattr(fake, "refused_calls", None)
    if callable(own):
        return list(own())
    return [
        call
        for call in fake.calls
        if 400 <= call.status < 500
        and call.status not in (403, 429)
        and not getattr(call, "injected", False)
    ]


def callback_buttons(message: SentMessage) -> list[tuple[str, str]]:
    """(text, callback_data) of a message's inline buttons that send a callback."""
    if not message.inline_keyboard:
        return []
    return [(b.text, b.callback_data) for row in message.buttons() for b in row if b.callback_data]


def _short(text: str | None, limit: int = 160) -> str:
    flat = (text or "").replace("\n", " ⏎ ")
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")


def _describe_text(text: str) -> str:
    return _short(text, 60) + (f" ({len(text)} chars)" if len(text) > 60 else "")


class Monkey:
    """Chooses and performs the steps of one run and checks every step's invariants."""

    def __init__(
        self,
        bot: BotUnderTest,
        clock: FrozenClock,
        actors: Sequence[Actor],
        rng: random.Random,
        seed: int,
        records: Callable[[], list[logging.LogRecord]],
        *,
        collect: bool = False,
    ) -> None:
        self.bot = bot
        self.fake: FakeTelegram = bot.fake
        self.clock = clock
        self.actors = list(actors)
        self.rng = rng
        self.records = records
        self.collect = collect
        """Keep going after a failure and gather them all (to list a run's failure classes)."""
        self.report = Report(seed)
        self.history: list[str] = []
        self._cards: set[int] = set()
        self._last_actor: Actor | None = None
        self._born: dict[tuple[int, int], tuple[int, str, int]] = {}
        """(chat, message id) → (step, tie-break, id): when each bot message appeared."""
        self._menu_handlers: dict[str, str] = {}
        """The handler a menu button's label gets when no dialog is pending (for check 6)."""
        self._file_number = 0

    @property
    def staff_chat(self) -> Chat:
        return self.fake.world.chats[STAFF_CHAT_ID]

    async def run(self, steps: int) -> Report:
        """Take the steps; the report is complete even when a failure stops the run."""
        started = time.monotonic()
        try:
            for number in range(1, steps + 1):
                action = await self._choose()
                await self._perform(number, action)
                self.report.steps = number
        finally:
            self.report.seconds = time.monotonic() - started
            self.report.bot_messages = sum(
                self._count_bot_messages(chat) for chat in self.fake.world.messages
            )
            self.report.staff_cards = len(self._cards)
        return self.report

    # ------------------------------------------------------------------ choosing

    def _weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    async def _choose(self) -> Action:
        if self.rng.random() < TIME_PASSES:
            jump = self.rng.choice(JUMPS)
            span = f"{jump.days} days" if jump.days else f"{jump.seconds // 3600} hours"
            return Action(None, Kind.TIME, f"{span} pass; planner pass and drain", jump=jump)
        actor = self._last_actor
        if actor is None or self.rng.random() >= SAME_ACTOR:
            actor = self.rng.choices(self.actors, [ACTOR_WEIGHTS[a.role] for a in self.actors])[0]
        self._last_actor = actor
        if actor.role == "staff":
            what = self._weighted(STAFF_ACTIONS)
            if what != "private":
                return await self._staff_action(actor, what)
            weights = {k: v for k, v in PRIVATE_ACTIONS.items() if k != "forge"}
            return await self._private_action(actor, self._weighted(weights))
        weights = DILIGENT_ACTIONS if actor.diligent else PRIVATE_ACTIONS
        return await self._private_action(actor, self._weighted(weights))

    async def _private_action(self, actor: Actor, what: str) -> Action:
        chat = actor.id
        action: Action | None = None
        if what == "press":
            action = self._press(actor, self._seen(chat))
        elif what == "reply_button" and (labels := actor.person.reply_buttons()):
            label = self.rng.choice(labels)
            action = self._message(actor, Kind.REPLY_BUTTON, f"reply button {label!r}", text=label)
            action.menu_label = label
        elif what == "hostile":
            text = self.rng.choice(HOSTILE)
            action = self._message(actor, Kind.HOSTILE_TEXT, f"types {_describe_text(text)}", text)
        elif what == "file":
            action = self._file(actor)
        elif what == "other":
            action = self._other_message(actor)
        elif what == "edit":
            action = self._edit(actor)
        elif what == "forge":
            action = await self._forge(actor)
        return action or await self._answer(actor)

    async def _answer(self, actor: Actor) -> Action:
        """What the last question seems to ask for: a fitting text, or a document if it asks
        for files; a plausible text of another kind a quarter of the time. With no question
        pending, a button of the menu."""
        labels = actor.person.reply_buttons()
        if labels and await self._dialog_state(actor) is None:
            label = self.rng.choice(labels)
            action = self._message(actor, Kind.REPLY_BUTTON, f"reply button {label!r}", label)
            action.menu_label = label
            return action
        messages = self._seen(actor.id)
        newest = messages[-1] if messages else None
        if (
            newest is not None
            and any(not NAVIGATION.search(text) for text, _data in callback_buttons(newest))
            and self.rng.random() < 0.7
            and (press := self._press(actor, [newest]))
        ):
            return press  # the question is answered with its buttons
        prompt = self._last_text(actor.id).lower()
        if self.rng.random() < 0.25:
            prompt = ""
        if any(word in prompt for word in ("пришлите", "файл", "send the file")):
            stored = self.fake.world.add_file(self._file_name("pdf"), b"%PDF-1.4 test")
            self.report.files += 1
            what = f"sends document {stored.file_name!r} as the answer"
            return self._message(actor, Kind.FILE, what, document=stored)
        text = self._plausible(prompt)
        return self._message(actor, Kind.TEXT, f"types {_describe_text(text)}", text)

    def _press(self, actor: Actor, messages: list[SentMessage]) -> Action | None:
        """A button on a recent message: the newest with buttons most often, sometimes twice."""
        with_buttons = [m for m in messages[-RECENT:] if callback_buttons(m)]
        if not with_buttons:
            return None
        roll = self.rng.random()
        if roll < 0.65 or len(with_buttons) == 1:
            message, kind = with_buttons[-1], Kind.PRESS_FRESH
        else:
            message, kind = self.rng.choice(with_buttons[:-1]), Kind.PRESS_OLD
        buttons = callback_buttons(message)
        # Back and Cancel are pressed too, but less than the buttons that move on.
        weights = [1 if NAVIGATION.search(text) else 4 for text, _data in buttons]
        text, data = self.rng.choices(buttons, weights)[0]
        update = self.fake.callback_update(actor.person.user, message, data)
        updates = [update]
        if roll > 0.88:
            # A double tap: the second callback carries the message as the first one saw it.
            kind = Kind.PRESS_TWICE
            updates.append(self.fake.callback_update(actor.person.user, message, data))
        where = "in the staff group" if message.chat_id == STAFF_CHAT_ID else "in private"
        what = f"presses {text!r} [{data}] on message {message.message_id} {where}"
        return Action(actor, kind, what, updates)

    def _message(
        self, actor: Actor, kind: Kind, what: str, text: str | None = None, **kwargs: Any
    ) -> Action:
        update = self.fake.message_update(actor.person.user, text, **kwargs)
        return Action(actor, kind, what, [update], reply_owed_in=actor.id)

    def _plausible(self, lower: str) -> str:
        """A text that fits the question (lower case), if its words say what it asks for."""
        if any(word in lower for word in ("дат", "когда", "date")):
            day = self.clock.now() + timedelta(days=self.rng.randint(1, 60))
            return f"{day:%d.%m.%Y} {self.rng.choice(('10:00', '14:30', '09:15'))}"
        if "врем" in lower:
            return self.rng.choice(("10:00", "14:30", "9:00"))
        if any(word in lower for word in ("фамили", "фио", "full name")):
            return self.rng.choice([full for _name, full in COORDINATOR_NAMES])
        if "должност" in lower:
            return "Заместитель директора"
        if "телефон" in lower or "e-mail" in lower:
            return self.rng.choice(("+7 900 123-45-67", "school5@example.ru"))
        if "ссылк" in lower or "link" in lower:
            return "https://example.ru/materials"
        if "школ" in lower and ("букв" in lower or "назван" in lower):
            return self.rng.choice(("Гимназия", "Лицей", "СОШ", "Хоринский", "№ 5"))
        if any(word in lower for word in ("сколько", "числ", "количеств", "how many")):
            return str(self.rng.randint(0, 300))
        if "учебн" in lower and "год" in lower:
            return "2026/2027"
        return self.rng.choice(PLAUSIBLE)

    def _last_text(self, chat_id: int) -> str:
        messages = self._seen(chat_id)
        return (messages[-1].text or messages[-1].caption or "") if messages else ""

    def _file_name(self, extension: str) -> str:
        self._file_number += 1
        return f"Документ_{self._file_number}.{extension}"

    def _file(self, actor: Actor) -> Action:
        world, user = self.fake.world, actor.person.user
        kind = self._weighted(
            {"pdf": 30, "docx": 10, "photo": 15, "wrong": 10, "huge": 10, "album": 10, "sticker": 8}
            | {"voice": 6, "video_note": 4}
        )
        caption = self.rng.choice((None, None, "Приложение 1", "<b>x</b>"))
        if kind in ("pdf", "docx", "wrong", "huge"):
            extension = {"pdf": "pdf", "docx": "docx", "huge": "pdf"}.get(kind) or self.rng.choice(
                ("exe", "zip", "heic", "")
            )
            size = 25 * MB if kind == "huge" else None
            stored = world.add_file(self._file_name(extension), b"%PDF-1.4 test", None, size)
            self.report.files += 1
            what = f"sends document {stored.file_name!r} ({stored.size} bytes)"
            return self._message(actor, Kind.FILE, what, document=stored, caption=caption)
        if kind == "photo":
            photo = world.add_file(
                self._file_name("jpg"), b"\xff\xd8", "image/jpeg", folder="photos"
            )
            self.report.files += 1
            return self._message(actor, Kind.FILE, "sends a photo", photo=photo, caption=caption)
        if kind == "album":
            count = self.rng.randint(2, 4)
            group = f"album-{self.report.steps}-{actor.id}"
            documents = self.rng.random() < 0.5
            updates = []
            for index in range(count):
                name = self._file_name("pdf" if documents else "jpg")
                stored = world.add_file(name, b"%PDF-1.4" if documents else b"\xff\xd8")
                updates.append(
                    self.fake.message_update(
                        user,
                        None,
                        document=stored if documents else None,
                        photo=None if documents else stored,
                        media_group_id=group,
                        caption=caption if index == 0 else None,
                    )
                )
            self.report.files += count
            what = f"sends an album of {count} {'documents' if documents else 'photos'}"
            return Action(actor, Kind.FILE, what, updates, reply_owed_in=actor.id)
        self.report.files += 1
        if kind == "sticker":
            return self._message(actor, Kind.FILE, "sends a sticker", sticker=True)
        update = self.fake.message_update(user, None)
        number = update["message"]["message_id"]
        if kind == "voice":
            update["message"]["voice"] = {
                "file_id": f"AwACAgIAAxkBAAIvoice{number:06d}",
                "file_unique_id": f"AgADvoice{number:06d}",
                "duration": 3,
                "mime_type": "audio/ogg",
                "file_size": 4096,
            }
        else:
            update["message"]["video_note"] = {
                "file_id": f"DQACAgIAAxkBAAInote{number:06d}",
                "file_unique_id": f"AgADnote{number:06d}",
                "length": 240,
                "duration": 5,
            }
        what = f"sends a {kind.replace('_', ' ')}"
        return Action(actor, Kind.FILE, what, [update], reply_owed_in=actor.id)

    def _other_message(self, actor: Actor) -> Action:
        """A location, a contact or a forwarded message: raw updates the fake has no builder for."""
        user = actor.person.user
        kind = self.rng.choice(("location", "contact", "forward"))
        text = self.rng.choice(PLAUSIBLE) if kind == "forward" else None
        update = self.fake.message_update(user, text)
        message = update["message"]
        if kind == "location":
            message["location"] = {"latitude": 55.7558, "longitude": 37.6173}
        elif kind == "contact":
            message["contact"] = {
                "phone_number": "+79001234567",
                "first_name": user.first_name,
                "user_id": user.id,
            }
        else:
            message["forward_origin"] = {
                "type": "hidden_user",
                "sender_user_name": "Коллега",
                "date": message["date"] - 3600,
            }
        what = f"sends a {kind}" + (f" of {text!r}" if text else "")
        return Action(actor, Kind.OTHER_MESSAGE, what, [update], reply_owed_in=actor.id)

    def _edit(self, actor: Actor) -> Action | None:
        """Edit one of the person's earlier texts (an `edited_message` update; no reply owed).

        Built from a new message's update, which leaves that message in the chat's history
        too; nothing reads the people's messages back but this method.
        """
        own = [
            m
            for m in self.fake.world.history(actor.id)
            if not m.from_bot and m.text and not m.text.startswith("/")
        ]
        if not own:
            return None
        original = self.rng.choice(own[-RECENT:])
        text = self.rng.choice(PLAUSIBLE)
        update = self.fake.message_update(actor.person.user, text)
        message = update.pop("message")
        message["message_id"] = original.message_id
        message["edit_date"] = message["date"]
        update["edited_message"] = message
        what = f"edits message {original.message_id} {_short(original.text, 40)} to {text!r}"
        return Action(actor, Kind.EDIT, what, [update])

    # ------------------------------------------------------------------ forging

    async def _forge(self, actor: Actor) -> Action | None:
        """Callback data the person has no button for, on a bot message in their own chat."""
        messages = self._seen(actor.id)
        if not messages:
            return None
        target = messages[-1] if self.rng.random() < 0.6 else self.rng.choice(messages)
        own = {data for m in messages for _text, data in callback_buttons(m)}
        own_sids, others = await self._ids(actor)
        data: str | None = None
        for _attempt in range(10):
            how = self._weighted({"prefix with others' ids": 5, "copied": 3, "garbage": 2})
            if how == "prefix with others' ids":
                data = self._with_ids(others)
            elif how == "copied":
                data = self._copied(actor)
            else:
                data = self._garbage()
            if data and data not in own and len(data.encode()) <= CALLBACK_DATA_BYTES:
                break
        else:
            how, data = "garbage", self._garbage()
        update = self.fake.callback_update(actor.person.user, target, data, check_button=False)
        what = f"forges [{data}] ({how}) on message {target.message_id} in private"
        watch = self._must_stay_home(data, own_sids)
        return Action(actor, Kind.FORGE, what, [update], watch_other_chats=watch)

    def _must_stay_home(self, data: str, own_sids: set[int]) -> bool:
        """Whether check 5 applies: the data names someone's object, or is garbage."""
        prefix = data.split(":", 1)[0]
        if prefix in STATE_PREFIXES:
            return False
        cls = CALLBACK_CLASSES.get(prefix)
        if cls is None or prefix not in OWNER_PREFIXES:
            return True
        try:
            named = cls.unpack(data)
        except (TypeError, ValueError):
            return True
        return getattr(named, "sid", getattr(named, "value", None)) not in own_sids

    async def _ids(self, actor: Actor) -> tuple[set[int], dict[str, list[int]]]:
        """The person's own submissions, and ids of everything else to forge with."""
        assert self.bot.app is not None
        async with self.bot.app.uow_factory() as uow:
            session = uow.session
            authored = (
                await session.execute(
                    select(Submission.id, PersonRow.telegram_id, Submission.status).join(
                        PersonRow, Submission.author_id == PersonRow.id
                    )
                )
            ).all()
            requests = (
                await session.execute(select(AccessRequest.id, AccessRequest.telegram_id))
            ).all()
            events = list((await session.scalars(select(PlannedEvent.id))).all())
            schools = list((await session.scalars(select(School.id))).all())
        own = {sid for sid, telegram_id, _status in authored if telegram_id == actor.id}
        missing = max([sid for sid, _t, _s in authored] + [0]) + 1
        others = {
            "sid": [sid for sid, telegram_id, _s in authored if telegram_id != actor.id]
            or [missing],
            "open": [
                sid
                for sid, telegram_id, status in authored
                if telegram_id != actor.id and status in (SENT, IN_REVIEW)
            ],
            "request": [rid for rid, telegram_id in requests if telegram_id != actor.id]
            or [len(requests) + 1],
            "event": events or [1],
            "school": schools,
        }
        return own, others

    def _with_ids(self, ids: dict[str, list[int]]) -> str:
        """Valid-looking data of one of the bot's prefixes, with ids that are not the presser's."""
        r = self.rng
        # Submissions under review most of the time: there a forgery could still change things.
        sid = r.choice(ids["open"] if ids["open"] and r.random() < 0.7 else ids["sid"])
        rid = r.choice(ids["request"])
        school = r.choice([*ids["school"], 10**6])
        staff = r.choice([a.id for a in self.actors if a.role == "staff"])
        naming: list[CallbackData] = [
            CDReview(action=r.choice(("claim", "approve", "changes", "reject", "expert")), sid=sid),
            CDReason(
                sid=sid,
                decision=r.choice((Decision.CHANGES, Decision.REJECT, Decision.APPROVE)),
                reason=r.choice((0, 3, -1, 99)),
            ),
            CDFix(sid=sid),
            CDHeld(sid=sid, held=r.random() < 0.5),
            CDMine(action=r.choice(("open", "resume", "page")), value=r.choice((sid, -1, 10**12))),
            CDExpert(
                act=r.choice(("ask", "save", "cancel")),
                sid=sid,
                by=staff,
                a=r.choice(("", "1", "1.0.1", "x")),
                o=r.choice((-1, 0, 7)),
            ),
            CDAccessDecision(request_id=rid, approve=r.random() < 0.5),
            CDAnnouncePlanned(event_id=r.choice(ids["event"])),
            CDTutor(school=school),
            CDWindow(
                action=r.choice(("open", "close", "cancel")),
                n=r.choice((0, 3, -1)),
                until=r.choice(("", "20270131", "99999999")),
            ),
        ]
        stateful: list[CallbackData] = [
            CDSchool(id=school),
            CDSchoolPage(page=r.choice((-1, 1, 10**9))),
            CDCalendar.model_construct(  # past validation, as a forger would
                action=r.choice(("day", "month", "past", "noop")),
                y=r.choice((2026, 2027, 0, 9999)),
                m=r.choice((1, 12, 13, 0)),
                d=r.choice((0, 15, 31, 40)),
            ),
            CDHour.model_construct(hh=r.choice((10, 25, -1)), mm=r.choice((0, 30, 99))),
            CDForm.model_construct(  # past validation, as a forger would
                action=r.choice(("send", "edit", "field", "choice", "skip", "back", "keep", "done"))
                if r.random() < 0.5
                else r.choice(("variant", "school", "target", "continue", "restart", "redate")),
                value=r.choice(("", "0", "99", "-1", "x")),
            ),
            CDPick(
                action=r.choice(("toggle", "done", "pick", "drop_menu", "drop")),
                value=r.choice(("", "0", "x", "999")),
            ),
            CDNav(action=r.choice(list(NavAct))),
            CDConsent(flow=r.choice(list(Flow))),
            CDLanguage(code=r.choice(("en", "ru", "xx"))),
            CDMute(on=r.random() < 0.5),
            CDAccessStart(),
        ]
        # Mostly data naming someone's submission or request, staff decisions first: what an
        # attacker would try.
        if r.random() < 0.25:
            return r.choice(stateful).pack()
        return r.choices(naming, weights=(4, 3, 2, 2, 1, 1, 2, 1, 1, 1))[0].pack()

    def _copied(self, actor: Actor) -> str | None:
        """The data of a button someone else got (a card in the group, another's notice).

        A message is chosen first, so that a calendar's forty buttons do not crowd out a card.
        """
        found = [
            message
            for chat in sorted(self.fake.world.messages)
            if chat != actor.id
            for message in self._seen(chat)[-RECENT:]
            if callback_buttons(message)
        ]
        if not found:
            return None
        return self.rng.choice(callback_buttons(self.rng.choice(found)))[1]

    def _garbage(self) -> str:
        r = self.rng
        kind = r.randrange(4)
        if kind == 0:
            alphabet = "abcdefghijklmnopqrstuvwxyz0123456789:-_"
            return "".join(r.choice(alphabet) for _ in range(r.randint(1, CALLBACK_DATA_BYTES)))
        if kind == 1:
            raw = "".join(chr(r.choice((0x44F, 0x1F600, 0x202E, 0x200D, 0x3A))) for _ in range(30))
            return raw.encode()[:CALLBACK_DATA_BYTES].decode(errors="ignore") or ":"
        if kind == 2:
            prefix = r.choice(list(CALLBACK_CLASSES))
            return f"{prefix}:{':' * r.randint(0, 6)}"
        return r.choice(
            (
                *("rv:approve", "rv:approve:1:2", "rv:approve:abc", ":", "my:open:1e3"),
                *("nav:sideways", "consent:other", "rr:1:bogus:0", "rr:1:approve:-5"),
            )
        )

    # ------------------------------------------------------------------ staff

    async def _staff_action(self, actor: Actor, what: str) -> Action:
        group = self.staff_chat
        messages = self._seen(STAFF_CHAT_ID)
        if what == "group_press" and (action := self._press(actor, messages)):
            return action
        user = actor.person.user
        if what == "group_reply" and messages:
            prompts = [
                m for m in messages if any(d.startswith("rr:") for _t, d in callback_buttons(m))
            ]
            target = (
                prompts[-1]
                if prompts and self.rng.random() < 0.7
                else self.rng.choice(messages[-RECENT:])
            )
            comment = self.rng.choice(COMMENTS)
            update = self.fake.message_update(user, comment, chat=group, reply_to=target)
            described = f"replies {_describe_text(comment)} to message {target.message_id}"
            return Action(actor, Kind.GROUP_REPLY, f"{described} in the staff group", [update])
        if what == "group_command":
            sid = self.rng.randint(1, max(2, len(self._cards) + 1))
            command = self.rng.choice(STAFF_COMMANDS).format(sid=sid)
            update = self.fake.message_update(user, command, chat=group)
            return Action(
                actor, Kind.GROUP_COMMAND, f"types {command!r} in the staff group", [update]
            )
        text = self.rng.choice(PLAUSIBLE + HOSTILE[:8])
        update = self.fake.message_update(user, text, chat=group)
        return Action(
            actor, Kind.GROUP_TEXT, f"types {_describe_text(text)} in the staff group", [update]
        )

    # ------------------------------------------------------------------ performing and checking

    async def _perform(self, number: int, action: Action) -> None:
        self.report.actions[action.kind] += 1
        who = str(action.actor) if action.actor else "—"
        self.history.append(f"step {number}: {who}: {action.what}")
        refused_before = len(refused_calls(self.fake))
        records_before = len(self.records())
        replies_before = self._count_bot_messages(action.reply_owed_in)
        others_before = self._others(action.actor) if action.watch_other_chats else None
        pending = await self._dialog_state(action.actor) if action.menu_label else None
        all_before = sum(self._count_bot_messages(chat) for chat in self.fake.world.messages)
        problems: list[tuple[Check, str]] = []
        for update in action.updates:
            try:
                await self.bot.feed(update)
            except Exception as error:
                detail = f"{_exception_line(error)}\nescaped the dispatcher\n{_own_frames(error)}"
                problems.append((Check.ERROR_LOGGED, detail))
            if "callback_query" in update:
                query = self.fake.callback_query(update["callback_query"]["id"])
                if not query.answered or query.answer_count != 1:
                    problems.append(
                        (
                            Check.CALLBACK_ANSWER,
                            f"callback [{query.data}] answered {query.answer_count} times "
                            f"(answered: {query.answered}, text {query.answer_text!r})",
                        )
                    )
        if action.jump is not None:
            self.clock.advance(seconds=action.jump.total_seconds())
            try:
                await steps.tick(self.bot)
            except Exception as error:
                detail = f"{_exception_line(error)}\nescaped the planner\n{_own_frames(error)}"
                problems.append((Check.ERROR_LOGGED, detail))
            self.report.reminders += (
                sum(self._count_bot_messages(chat) for chat in self.fake.world.messages)
                - all_before
            )
        new_records = self.records()[records_before:]
        handled = [r.getMessage() for r in new_records if r.name == UPDATE_LOG]
        if action.menu_label is not None and (
            problem := self._menu_problem(action.menu_label, pending, handled)
        ):
            problems.append((Check.MENU_SWALLOWED, problem))
        for record in new_records:
            if record.levelno >= logging.ERROR and record.name.split(".")[0] in PROJECT_LOGGERS:
                problems.insert(0, (Check.ERROR_LOGGED, _format_record(record)))
        for call in refused_calls(self.fake)[refused_before:]:
            problems.append(
                (
                    Check.REFUSED_CALL,
                    f"{call.method} → {call.status} {call.description}\n"
                    f"params: {_short(json.dumps(call.params, ensure_ascii=False), 400)}",
                )
            )
        if (
            action.reply_owed_in is not None
            and self._count_bot_messages(action.reply_owed_in) == replies_before
        ):
            problems.append((Check.NO_REPLY, "the bot sent nothing back to this chat"))
        if others_before is not None:
            changed = _differences(others_before, self._others(action.actor))
            if changed:
                problems.append((Check.FORGED_EFFECT, "\n".join(changed)))
        self._note_new(number, action)
        names = dict.fromkeys(m[1] for line in handled if (m := HANDLER.search(line)))
        for check, detail in problems:
            self._fail(number, action, check, detail, ", ".join(names) or "-")

    async def _dialog_state(self, actor: Actor | None) -> str | None:
        """The dialog state the person is in (their question pending), from the bot's storage."""
        app = self.bot.app
        assert app is not None and actor is not None
        key = StorageKey(bot_id=app.bot.id, chat_id=actor.id, user_id=actor.id)
        return await app.dispatcher.storage.get_state(key)

    def _menu_problem(self, label: str, pending: str | None, handled: list[str]) -> str | None:
        """Check 6: the bot's own menu button must reach its own handler whatever is pending.

        The handler a label gets with no dialog pending is learned as the label's own; with a
        question pending it must get the same one, not the question's answer handler. A label
        that reaches the fallback was not recognised at all (a keyboard left in the wrong
        language, a button only valid outside dialogs).
        """
        found = HANDLER.search(handled[0]) if handled else None
        if found is None:
            return None
        handler = found[1]
        if handler.startswith(FALLBACK):
            return (
                f"the bot did not recognise its own button: {handler} took it (pending: {pending})"
            )
        if pending is None:
            self._menu_handlers.setdefault(label, handler)
            return None
        own = self._menu_handlers.get(label)
        if own is not None and handler != own:
            return f"the pending question {pending} took it: {handler} instead of {own}"
        return None

    def _fail(self, number: int, action: Action, check: Check, detail: str, handlers: str) -> None:
        failure = Failure(
            seed=self.report.seed,
            step=number,
            check=check,
            actor=str(action.actor) if action.actor else "—",
            action=f"{action.kind.value}: {action.what}",
            detail=detail,
            handlers=handlers,
            last_message=self._last_message(action),
            recent=tuple(self.history[-15:-1]),
        )
        self.report.failures.append(failure)
        if not self.collect:
            raise InvariantBrokenError(str(failure))

    def _last_message(self, action: Action) -> str:
        if action.actor is None:
            return "—"
        in_group = action.kind in (Kind.GROUP_REPLY, Kind.GROUP_COMMAND, Kind.GROUP_TEXT) or (
            action.updates
            and "callback_query" in action.updates[0]
            and action.updates[0]["callback_query"]["message"]["chat"]["id"] == STAFF_CHAT_ID
        )
        chat = STAFF_CHAT_ID if in_group else action.actor.id
        messages = self.fake.bot_messages(chat)
        if not messages:
            return "(none)"
        last = messages[-1]
        buttons = [text for text, _data in callback_buttons(last)]
        return f"#{last.message_id} {_short(last.text or last.caption)} buttons {buttons}"

    def _count_bot_messages(self, chat: int | None) -> int:
        """Bot messages ever sent to the chat, deleted ones included."""
        if chat is None:
            return 0
        return len([m for m in self.fake.world.history(chat) if m.from_bot])

    def _others(self, actor: Actor | None) -> dict[int, dict[int, tuple[Any, ...]]]:
        """What the bot's messages in every chat but the actor's own look like now."""
        own = actor.id if actor else None
        return {
            chat: {
                m.message_id: (
                    m.text,
                    m.caption,
                    json.dumps(m.reply_markup, sort_keys=True),
                    m.edited,
                    m.deleted,
                )
                for m in self.fake.world.history(chat)
                if m.from_bot
            }
            for chat in self.fake.world.messages
            if chat != own
        }

    def _note_new(self, number: int, action: Action) -> None:
        """Give the bot's new messages their place in `_seen`, and count the new cards."""
        for chat in self.fake.world.messages:
            for message in self.fake.bot_messages(chat):
                key = (chat, message.message_id)
                if key in self._born:
                    continue
                # The sender delivers a pass's reminders concurrently: their order in a chat
                # varies from run to run, so they are put in order by their text.
                tie = (message.text or message.caption or "") if action.jump else ""
                self._born[key] = (number, tie, message.message_id)
                buttons = callback_buttons(message)
                if chat == STAFF_CHAT_ID and any(
                    d.startswith(("rv:", "accd:")) for _t, d in buttons
                ):
                    self._cards.add(message.message_id)

    def _seen(self, chat: int) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first, in an order every replay agrees on."""
        return sorted(
            self.fake.bot_messages(chat),
            key=lambda m: self._born.get((chat, m.message_id), (0, "", m.message_id)),
        )


def _format_record(record: logging.LogRecord) -> str:
    text = f"{record.levelname} {record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        text = f"{_exception_line(record.exc_info[1])}\n{text}\n{_own_frames(record.exc_info[1])}"
    return text


def _exception_line(error: BaseException) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}: {error}"


def _own_frames(error: BaseException) -> str:
    """The traceback's frames in the project's code (aiogram's plumbing and the middlewares
    every update passes left out)."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if "site-packages" not in frame.filename and not frame.filename.endswith("middlewares.py")
    ]
    return "".join(traceback.format_list(frames)).rstrip()


def _differences(
    before: dict[int, dict[int, tuple[Any, ...]]], after: dict[int, dict[int, tuple[Any, ...]]]
) -> list[str]:
    changes = []
    for chat, messages in after.items():
        old = before.get(chat, {})
        for message_id, now in messages.items():
            if message_id not in old:
                changes.append(f"chat {chat}: new message {message_id} {_short(now[0] or now[1])}")
            elif old[message_id] != now:
                changes.append(
                    f"chat {chat}: message {message_id} edited to {_short(now[0] or now[1])}"
                )
    return changes
