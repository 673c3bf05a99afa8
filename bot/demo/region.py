"""The demo region's data through the services, as an institute's operator would load it."""

from __future__ import annotations

from datetime import datetime

from bot.app import App
from bot.demo.cast import SCHOOLS
from services.domain import Role
from services.people import invitations, schools_import


class SetupError(RuntimeError):
    """The demo could not set up its region: what was expected and what happened."""


async def load_schools(app: App, now: datetime) -> None:
    """`python -m bot import-schools`, in code: a dozen schools in three districts."""
    rows = [
        schools_import.SchoolRow(
            line=number,
            name=name,
            district=district,
            address=address,
            email=f"school{number - 1}@edu.example.ru",
            phone=f"+7 861 200-{number:02d}-{number:02d}",
        )
        for number, (name, district, address) in enumerate(SCHOOLS, start=2)
    ]
    async with app.uow_factory() as uow:
        await schools_import.import_schools(uow, schools_import.ParsedFile(rows=rows), None, now)


async def invitation(app: App, school_name: str, role: Role, now: datetime) -> str:
    """`python -m bot invite --school … --role …`: the code of a single-use link."""
    async with app.uow_factory() as uow:
        school = await uow.schools.by_name(school_name)
        if school is None:
            raise SetupError(f"no school {school_name!r} after the import")
        issued = await invitations.issue(
            uow, [school], role, None, now, app.settings.invite_ttl_days
        )
    return issued[0].code
