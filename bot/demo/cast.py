"""The demo region: its schools, its people and the Telegram chats they meet in."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator import World
from bot.emulator.client import Persona

TOKEN = "123456789:DEMO-token"
STAFF_CHAT_ID = -1001000000001
CHANNEL_ID = -1003000000003
STAFF_GROUP = "Сотрудники института"
CHANNEL = "Канал института"

CENTRE, NORTH, SEASIDE = "Центральный район", "Северный район", "Приморский район"
SCHOOLS: tuple[tuple[str, str, str], ...] = (
    ("МАОУ Гимназия № 5", CENTRE, "ул. Ленина, 12"),
    ("МБОУ Лицей № 12", CENTRE, "ул. Красная, 40"),
    ("МБОУ СОШ № 1", CENTRE, "ул. Садовая, 3"),
    ("МАОУ СОШ № 9", CENTRE, "пр. Мира, 85"),
    ("МБОУ СОШ № 3", NORTH, "ул. Северная, 7"),
    ("МБОУ СОШ № 7", NORTH, "ул. Лесная, 21"),
    ("МАОУ Лицей № 4", NORTH, "ул. Школьная, 2"),
    ("МБОУ ООШ № 2", NORTH, "пос. Заречный, ул. Центральная, 1"),
    ("МБОУ СОШ № 14", SEASIDE, "ул. Морская, 14"),
    ("МБОУ СОШ № 18", SEASIDE, "ул. Портовая, 6"),
    ("МАОУ Гимназия № 33", SEASIDE, "Приморский бульвар, 33"),
    ("МБОУ СОШ № 21", SEASIDE, "ул. Маячная, 9"),
)
"""(name, municipal district, address): a dozen schools in three districts."""


@dataclass(frozen=True)
class Member:
    id: int
    first_name: str
    last_name: str
    role: str
    """coordinator, staff, mentor, admin or stranger: the page names it in its language."""
    about: str = ""
    full_name: str = ""
    """As they introduce themselves to the bot (registered people only)."""
    school: str = ""


MARIA = Member(
    1001,
    "Мария",
    "Иванова",
    "coordinator",
    "МАОУ Гимназия № 5",
    "Иванова Мария Петровна",
    "МАОУ Гимназия № 5",
)
ALEXEY = Member(
    1002,
    "Алексей",
    "Смирнов",
    "coordinator",
    "МБОУ Лицей № 12",
    "Смирнов Алексей Викторович",
    "МБОУ Лицей № 12",
)
OLGA = Member(2001, "Ольга", "Кузнецова", "staff")
IGOR = Member(2002, "Игорь", "Соколов", "staff")
NATALIA = Member(
    3001,
    "Наталья",
    "Попова",
    "mentor",
    "МАОУ Гимназия № 5",
    "Попова Наталья Сергеевна",
    "МАОУ Гимназия № 5",
)
DMITRY = Member(9001, "Дмитрий", "Волков", "admin", "ADMIN_IDS")
ANNA = Member(4001, "Анна", "Новикова", "stranger")

PEOPLE = (MARIA, ALEXEY, OLGA, IGOR, NATALIA, DMITRY, ANNA)
STAFF = (OLGA, IGOR)
ADMIN = DMITRY


def populate(world: World) -> list[Persona]:
    """Put the people, the staff group (a forum) and the channel into the emulated Telegram."""
    for member in PEOPLE:
        world.add_user(member.id, member.first_name, member.last_name)
    world.add_group(
        STAFF_CHAT_ID,
        STAFF_GROUP,
        {OLGA.id: "creator", IGOR.id: "member"},
        is_forum=True,
    )
    world.add_group(CHANNEL_ID, CHANNEL, type="channel")
    return [Persona(member.id, member.role, member.about) for member in PEOPLE]
