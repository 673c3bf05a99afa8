"""What happened in the demo region before the trainer opens the page, played through the bot.

The administrator loads the schools by sending the file to the bot; coordinators and a mentor
join by their links; coordinators submit; staff claim, approve, send back and reject in the
group. So there is a submission in each state, and every chat shows how it got there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from bot.demo import cast
from bot.demo.actor import Actor, Feed
from bot.demo.files import pdf
from bot.demo.region import SetupError, invitation
from bot.emulator import FakeTelegram, SentMessage
from services.domain import Role
from services.programmes.schema import Programme


@dataclass(frozen=True)
class Event:
    title: str
    days_ahead: int
    hour: int
    place: str
    audience: str
    description: str


FIRST_EVENT = Event(
    "Семинар «Цифровая школа: первые шаги»",
    21,
    10,
    "Актовый зал, ул. Ленина, 12",
    "Учителя начальных классов района",
    "Практический семинар: цифровые ресурсы на уроке, опыт гимназии и разбор заданий.",
)
"""Approved: the trainer moves the clock to its eve and sees the reminder."""
IN_REVIEW = Event(
    "Мастер-класс «Интерактивная доска на уроке»",
    28,
    14,
    "Кабинет 204",
    "Учителя математики",
    "Покажем приёмы работы с интерактивной доской на уроках 5–9 классов.",
)
SENT_BACK = Event(
    "Вебинар «Безопасный интернет»",
    30,
    15,
    "Онлайн",
    "Классные руководители",
    "Вебинар о безопасном поведении школьников в сети.",
)
REJECTED = Event(
    "Круглый стол «Цифровая грамотность»",
    35,
    11,
    "Библиотека лицея",
    "Заместители директоров",
    "Обсудим программу повышения цифровой грамотности педагогов.",
)
WAITING = Event(
    "Практикум «Робототехника в 5 классе»",
    42,
    13,
    "Кабинет информатики",
    "Учителя технологии и информатики",
    "Соберём и запрограммируем простого робота вместе с учениками.",
)
DRAFT_TITLE = "Конференция «Школа будущего»"
MATERIALS_TITLE = "Сборник «Цифровой урок»"
POSITIONS = {
    cast.MARIA.id: "Заместитель директора по УВР",
    cast.ALEXEY.id: "Учитель информатики",
    cast.NATALIA.id: "Методист",
}


class Story:
    def __init__(self, app: App, fake: FakeTelegram, feed: Feed, programme: Programme) -> None:
        self.app = app
        self.fake = fake
        self.programme = programme
        self.zone: ZoneInfo = app.settings.zone
        users = fake.world.users
        self.actors = {m.id: Actor(fake, feed, users[m.id]) for m in cast.PEOPLE}
        self.group = fake.world.chats[cast.STAFF_CHAT_ID]

    def actor(self, member: cast.Member) -> Actor:
        return self.actors[member.id]

    async def play(self) -> None:
        await self.load_schools()
        for member in (cast.MARIA, cast.ALEXEY):
            await self.join(member, Role.COORDINATOR)
        await self.join(cast.NATALIA, Role.MENTOR)
        maria, alexey = self.actor(cast.MARIA), self.actor(cast.ALEXEY)
        olga, igor = self.actor(cast.OLGA), self.actor(cast.IGOR)

        await self.announce(maria, FIRST_EVENT)
        await olga.press("Беру в работу", self.card(FIRST_EVENT.title))
        await olga.press("Одобрить", self.card(FIRST_EVENT.title))
        await self.announce(maria, IN_REVIEW)
        await igor.press("Беру в работу", self.card(IN_REVIEW.title))
        await self.materials(maria)

        await self.announce(alexey, SENT_BACK)
        await olga.press("На доработку", self.card(SENT_BACK.title))
        prompt = self.fake.last_bot_message(cast.STAFF_CHAT_ID)
        comment = "Уточните, пожалуйста, ссылку на трансляцию и время окончания."
        await olga.send(comment, chat=self.group, reply_to=prompt)
        await self.announce(alexey, REJECTED)
        await igor.press("Отклонить", self.card(REJECTED.title))
        await igor.press_first(self.fake.last_bot_message(cast.STAFF_CHAT_ID))
        await self.announce(alexey, WAITING)
        await alexey.send("📣 Анонс мероприятия")
        await alexey.send(DRAFT_TITLE)
        await alexey.send("📂 Мои документы")  # leaves the question: the draft keeps the title

    def today(self) -> date:
        now: datetime = self.app.clock.now()
        return now.astimezone(self.zone).date()

    async def load_schools(self) -> None:
        admin = self.actor(cast.ADMIN)
        await admin.send("/start")
        lines = ["name;district;address"] + [";".join(row) for row in cast.SCHOOLS]
        data = ("\ufeff" + "\n".join(lines) + "\n").encode()
        await admin.send(document=self.fake.world.add_file("schools.csv", data, "text/csv"))
        admin.expect(str(len(cast.SCHOOLS)))

    async def join(self, member: cast.Member, role: Role) -> None:
        code = await invitation(self.app, member.school, role, self.app.clock.now())
        actor = self.actor(member)
        await actor.send(f"/start {code}")
        await actor.press("Даю согласие")
        await actor.send(member.full_name)
        await actor.send(POSITIONS[member.id])

    async def announce(self, actor: Actor, event: Event) -> None:
        """The announcement from the menu to «Отправить», with no registration link."""
        day = self.today() + timedelta(days=event.days_ahead)
        when = datetime.combine(day, time(event.hour), self.zone)
        await actor.send("📣 Анонс мероприятия")
        await actor.send(event.title)
        await actor.press_first()  # the form of the event: the programme's first
        if self.programme.announcements.ask_direction:
            await actor.press_first()
        await actor.send(when.strftime("%d.%m.%Y %H:%M"))
        await actor.send(event.place)
        await actor.send(event.audience)
        await actor.press("Пропустить")  # no registration link
        await actor.send(event.description)
        await actor.press("Отправить")
        actor.expect("№")

    async def materials(self, actor: Actor) -> None:
        """Methodical materials with two files: the staff group gets the card and an album."""
        await actor.send("📚 Материалы")
        await actor.send(MATERIALS_TITLE)
        await actor.press_first()  # the programme's first type of material
        await actor.press("Пропустить")  # no link: files instead
        for name, title in (
            ("digital-lesson.pdf", "Digital lesson: a collection of lesson plans"),
            ("lesson-plans-grade5.pdf", "Lesson plans, grade 5"),
        ):
            await actor.send(document=self.fake.world.add_file(name, pdf(title), "application/pdf"))
        await actor.press("Готово")
        await actor.press("Отправить")
        actor.expect("№")

    def card(self, title: str) -> SentMessage:
        """The newest card in the staff group that names `title` and still has buttons."""
        for message in reversed(self.fake.bot_messages(cast.STAFF_CHAT_ID)):
            if title in (message.text or "") and message.inline_keyboard:
                return message
        raise SetupError(f"no card of {title!r} with buttons in the staff group")
