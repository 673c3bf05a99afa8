"""Data set up directly through the services, for journeys that start further along."""

from __future__ import annotations

from datetime import datetime

from bot.app import App
from services import invitations, onboarding, schools_import
from storage.models import Role
from tests.harness import Person

SCHOOLS = [
    ("МБОУ «СОШ № 1»", "Хоринский район"),
    ("МАОУ Гимназия № 5", "Центральный округ"),
    ("МБОУ Лицей № 12", "Центральный округ"),
]


async def schools(app: App, names: list[tuple[str, str]] | None = None) -> None:
    rows = [
        schools_import.SchoolRow(line=number, name=name, district=district)
        for number, (name, district) in enumerate(names or SCHOOLS, start=2)
    ]
    async with app.uow_factory() as uow:
        await schools_import.import_schools(
            uow, schools_import.ParsedFile(rows=rows), None, _now(app)
        )


async def invitation(
    app: App, school_name: str, role: Role = Role.COORDINATOR, ttl_days: int = 30
) -> str:
    async with app.uow_factory() as uow:
        school = await uow.schools.by_name(school_name)
        assert school is not None, school_name
        issued = await invitations.issue(uow, [school], role, None, _now(app), ttl_days)
    return issued[0].code


def _now(app: App) -> datetime:
    """The clock the bot was built with."""
    now: datetime = app.dispatcher["clock"].now()
    return now


async def coordinator(app: App, person: Person, school_name: str = "МАОУ Гимназия № 5") -> None:
    """Register a Telegram user as the coordinator of a school, as onboarding would."""
    code = await invitation(app, school_name)
    async with app.uow_factory() as uow:
        result = await onboarding.join(
            uow,
            code,
            person.id,
            _now(app),
            onboarding.Newcomer(
                person.id, "Иванова Мария Петровна", "Заместитель директора", _now(app)
            ),
        )
    assert result.school_name == school_name
