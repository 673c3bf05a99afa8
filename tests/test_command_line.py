"""The operator's commands, run as real processes: missing token, import, invite, restart."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    env.update(extra)
    return env


async def _run(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,  # no .env here
        env=_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_without_token_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    code, out, err = await _run(tmp_path)
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "BOT_TOKEN is not set: put BOT_TOKEN=<token from @BotFather> in .env (see .env.example)."
    ]
    assert "Traceback" not in err


async def test_unknown_programme_stops_the_bot_with_exit_code_2(tmp_path: Path) -> None:
    code, _, err = await _run(tmp_path, BOT_TOKEN=TOKEN, PROGRAMME="atlantis")
    assert code == 2
    assert "no preset 'atlantis'; presets: " in err and "krasnodar-digital" in err
    assert "Traceback" not in err


async def test_import_schools_csv_then_xlsx_updates_by_name(tmp_path: Path) -> None:
    csv_file = tmp_path / "schools.csv"
    csv_file.write_text(
        "name,district,address,email,phone,note\n"
        "МБОУ СОШ № 1,Хоринский район,,s1@example.ru,,x\n"
        ",Хоринский район,,,,\n"
        "МБОУ СОШ № 2,Хоринский район,,not-an-email,,\n",
        encoding="utf-8",
    )
    code, out, _ = await _run(tmp_path, "import-schools", str(csv_file))
    assert code == 0
    assert "Добавлено: 1, обновлено: 0" in out
    assert "Строка 3: нет названия школы." in out
    assert "Строка 4: неверный адрес электронной почты." in out

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Название", "Район", "Телефон"])
    sheet.append(["мбоу сош № 1", "Хоринский район", "+7 301 482-00-00"])
    sheet.append(["МБОУ СОШ № 2", "Хоринский район", None])
    xlsx_file = tmp_path / "schools.xlsx"
    workbook.save(xlsx_file)
    code, out, _ = await _run(tmp_path, "import-schools", str(xlsx_file))
    assert code == 0
    assert "Добавлено: 1, обновлено: 1" in out


async def test_malformed_school_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("город;улица\nУлан-Удэ;Ленина\n", encoding="utf-8")
    code, _, err = await _run(tmp_path, "import-schools", str(bad))
    assert code == 1
    assert "нет столбца с названием школы" in err
    bad.write_text("name;district\n", encoding="utf-8")
    code, _, err = await _run(tmp_path, "import-schools", str(bad))
    assert code == 1 and "нет ни одной строки со школой" in err
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = await _run(tmp_path, "import-schools", str(broken))
    assert code == 1 and "Не удалось прочитать файл" in err


async def test_invite_prints_links(tmp_path: Path) -> None:
    schools = tmp_path / "schools.csv"
    schools.write_text(
        "name;district\nМБОУ СОШ № 1;Хоринский\nГимназия № 5;Центр\n", encoding="utf-8"
    )
    assert (await _run(tmp_path, "import-schools", str(schools)))[0] == 0
    async with FakeTelegram(TOKEN) as fake:
        env = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": fake.base_url}
        code, out, err = await _run(
            tmp_path, "invite", "--school", "Гимназия", "--role", "mentor", **env
        )
        assert code == 0, err
        assert out.startswith("https://t.me/coord_test_bot?start=")
        code, out, _ = await _run(tmp_path, "invite", "--all", "--role", "coordinator", **env)
        lines = out.splitlines()
        assert lines[0] == "school_id;school_name;role;link"
        assert lines[1].startswith("1;МБОУ СОШ № 1;coordinator;https://t.me/coord_test_bot?start=")
        assert len({line.rsplit("=", 1)[1] for line in lines[1:]}) == 2, "codes are unique"
        code, _, err = await _run(
            tmp_path, "invite", "--school", "Лицей", "--role", "mentor", **env
        )
        assert code == 1 and "no school matches" in err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
async def test_killed_process_resumes_the_dialog_after_restart(tmp_path: Path) -> None:
    """The real `python -m bot` polling the fake server, killed mid-dialog and started again."""
    schools = tmp_path / "schools.csv"
    schools.write_text("name;district\nГимназия № 5;Центр\n", encoding="utf-8")
    assert (await _run(tmp_path, "import-schools", str(schools)))[0] == 0
    async with FakeTelegram(TOKEN) as fake:
        env = _env(tmp_path, BOT_TOKEN=TOKEN, BOT_API_BASE_URL=fake.base_url, LOG_LEVEL="WARNING")
        code, out, _ = await _run(
            tmp_path, "invite", "--school", "1", "--role", "coordinator", **env
        )
        assert code == 0
        invite_code = out.strip().rsplit("=", 1)[1]
        maria = fake.world.add_user(5001, "Мария")

        async def start_bot() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )

        async def say(text: str, expect: str) -> None:
            fake.enqueue(fake.message_update(maria, text))
            await fake.wait_until(
                lambda: (
                    expect in (fake.last_bot_message(maria.id).text or "")
                    if fake.bot_messages(maria.id)
                    else False
                ),
                within=30,
            )

        process = await start_bot()
        try:
            await say(f"/start {invite_code}", "152-ФЗ")
            fake.enqueue(fake.press(maria, fake.last_bot_message(maria.id), "Согласен"))
            await fake.wait_until(
                lambda: "Шаг 1 из 2" in (fake.last_bot_message(maria.id).text or ""), within=30
            )
            await say("Иванова Мария Петровна", "Шаг 2 из 2")
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()

        process = await start_bot()
        try:
            await say("Заместитель директора по УВР", "Вы — координатор площадки: Гимназия № 5")
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=30) == 0


async def test_programmes_list_and_check(tmp_path: Path) -> None:
    code, out, _ = await _run(tmp_path, "programmes", "list")
    assert code == 0
    assert any(
        line.startswith("krasnodar-digital\tКраевая опорная площадка по цифровизации")
        for line in out.splitlines()
    )

    preset = ROOT / "services" / "presets" / "krasnodar-digital.toml"
    copy = tmp_path / "my-region.toml"
    copy.write_text(
        preset.read_text(encoding="utf-8").replace('id = "krasnodar-digital"', 'id = "my-region"'),
        encoding="utf-8",
    )
    code, out, _ = await _run(tmp_path, "programmes", "check", str(copy))
    assert code == 0 and "my-region.toml: OK (my-region:" in out

    broken = copy.read_text(encoding="utf-8").replace('end = "06-30"', 'end = "06-31"')
    copy.write_text(broken, encoding="utf-8")
    code, _, err = await _run(tmp_path, "programmes", "check", str(copy))
    line = next(n for n, text in enumerate(broken.splitlines(), start=1) if 'end = "06-31"' in text)
    assert code == 1 and f"my-region.toml:{line}:" in err and "windows.application.end" in err
