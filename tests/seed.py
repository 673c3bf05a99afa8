"""Data set up directly through the services, for journeys that start further along."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.app import App
from services.domain import Role, SubmissionKind, SubmissionStatus
from services.people import invitations, onboarding, schools_import
from storage.models import PlannedEvent, Platform, PlatformSchool, Submission
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
    now: datetime = app.clock.now()
    return now


async def coordinator(app: App, person: Person, school_name: str = "МАОУ Гимназия № 5") -> None:
    """Register a Telegram user as the coordinator of a school, as onboarding would."""
    await _join(app, person, school_name, Role.COORDINATOR, "Иванова Мария Петровна")


async def mentor(app: App, person: Person, school_name: str = "МАОУ Гимназия № 5") -> None:
    await _join(app, person, school_name, Role.MENTOR, "Сидоров Иван Иванович")


async def _join(app: App, person: Person, school_name: str, role: Role, full_name: str) -> None:
    code = await invitation(app, school_name, role)
    async with app.uow_factory() as uow:
        newcomer = onboarding.Newcomer(person.id, full_name, "Заместитель директора", _now(app))
        result = await onboarding.join(uow, code, person.id, _now(app), newcomer)
    assert result.school_name == school_name


async def approved_plan(
    app: App,
    coordinator_id: int,
    events: list[tuple[str, str, date]],
    school_name: str = "МАОУ Гимназия № 5",
) -> None:
    """An approved plan whose events (title, form, date) are the schedule reminders follow."""
    async with app.uow_factory() as uow:
        school = await uow.schools.by_name(school_name)
        person = await uow.people.by_telegram_id(coordinator_id)
        assert school is not None and person is not None
        plan = Submission(
            kind=SubmissionKind.PLAN,
            programme="krasnodar-digital",
            school_id=school.id,
            author_id=person.id,
            status=SubmissionStatus.APPROVED,
            files=[],
        )
        uow.session.add(plan)
        await uow.session.flush()
        for title, form, day in events:
            uow.session.add(
                PlannedEvent(
                    school_id=school.id,
                    plan_id=plan.id,
                    title=title,
                    form=form,
                    dates=day.strftime("%d.%m.%Y"),
                    event_on=day,
                )
            )
        await uow.commit()


async def network_platform(
    app: App,
    programme: str,
    lead_name: str,
    members: list[tuple[str, int | None]],
    title: str = "",
) -> int:
    """A platform led by one school with other schools (name, year joined) in its network."""
    async with app.uow_factory() as uow:
        lead = await uow.schools.by_name(lead_name)
        assert lead is not None, lead_name
        platform = Platform(programme=programme, title=title, lead_school_id=lead.id, members=[])
        platform.members.append(PlatformSchool(school_id=lead.id, joined_year=None))
        for name, year in members:
            school = await uow.schools.by_name(name)
            assert school is not None, name
            platform.members.append(PlatformSchool(school_id=school.id, joined_year=year))
        uow.platforms.add(platform)
        await uow.commit()
        return platform.id


async def approved_application(
    app: App,
    school_name: str = "МАОУ Гимназия № 5",
    programme: str = "krasnodar-digital",
    values: dict[str, Any] | None = None,
) -> int:
    """An application for the status, approved by staff, from the school's first coordinator."""
    async with app.uow_factory() as uow:
        school = await uow.schools.by_name(school_name)
        assert school is not None, school_name
        author = (await uow.people.with_role_at(school.id, Role.COORDINATOR))[0]
        application = Submission(
            kind=SubmissionKind.APPLICATION,
            variant="assignment",
            programme=programme,
            school_id=school.id,
            author_id=author.id,
            status=SubmissionStatus.APPROVED,
            values=json.dumps(values or {}, ensure_ascii=False),
            files=[],
        )
        uow.session.add(application)
        await uow.commit()
        return application.id
