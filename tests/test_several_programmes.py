"""One deployment, several programmes: each school follows the programme of its platform."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.config import Settings
from services.programmes.errors import ProgrammeError
from services.programmes.loader import load_preset, load_presets
from services.programmes.schema import Programmes, Window, Windows
from services.reminders import planner
from services.reminders.planner import Moment
from storage.models import Platform, PlatformSchool, Reminder
from tests import seed
from tests.harness import STAFF_CHAT_ID, moment

KRASNODAR = load_preset("krasnodar-digital")
SPRING = KRASNODAR.model_copy(
    update={
        "id": "spring-reports",
        "windows": Windows(
            report=Window.model_validate(
                {"title": "Отчёт весной", "start": "03-01", "end": "03-20"}
            )
        ),
    }
)


async def _report_openings(bot, at: Moment) -> set[int]:
    async with bot.app.uow_factory() as uow:
        await planner.plan_pass(uow, Programmes([KRASNODAR, SPRING]), at, STAFF_CHAT_ID)
        rows = await uow.session.scalars(select(Reminder).where(Reminder.rule == "report_open"))
        return {row.chat_id for row in rows}


async def test_each_school_is_reminded_by_the_windows_of_its_own_programme(bot, people) -> None:
    """The gymnasium's platform is in the spring programme; the lyceum has none: default."""
    await seed.schools(bot.app)
    gymnasium, lyceum = people("Мария"), people("Ольга")
    await seed.coordinator(bot.app, gymnasium, "МАОУ Гимназия № 5")
    await seed.coordinator(bot.app, lyceum, "МБОУ Лицей № 12")
    async with bot.app.uow_factory() as uow:
        school = await uow.schools.by_name("МАОУ Гимназия № 5")
        assert school is not None
        uow.platforms.add(
            Platform(
                programme=SPRING.id,
                lead_school_id=school.id,
                members=[PlatformSchool(school_id=school.id, joined_year=2026)],
            )
        )
        await uow.commit()

    assert await _report_openings(bot, moment(2027, 3, 1)) == {gymnasium.id}
    assert await _report_openings(bot, moment(2027, 6, 20)) == {gymnasium.id, lyceum.id}


def test_programme_setting_takes_a_comma_separated_list() -> None:
    settings = Settings(_env_file=None, programme=" krasnodar-digital , krasnodar-digital")  # type: ignore[call-arg]
    programmes = load_presets(settings.programme)
    assert settings.programme == ("krasnodar-digital", "krasnodar-digital")
    assert [p.id for p in programmes] == ["krasnodar-digital"]
    assert programmes.default is programmes.of("no-longer-run")


def test_every_unknown_name_in_the_list_is_reported() -> None:
    with pytest.raises(ProgrammeError) as caught:
        load_presets(["atlantis", "krasnodar-digital", "lemuria"])
    assert "no preset 'atlantis'" in str(caught.value)
    assert "no preset 'lemuria'" in str(caught.value)
