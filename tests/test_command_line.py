"""The operator's commands: missing token, unknown programme, import, invite, programmes,
restart, a second polling instance, backup and restore.

They run as `main(argv)` in this process (`Operator`), in an empty working directory with no
setting from the environment but the ones a test gives: a real `python -m bot` costs seconds
of imports. Two still start one: the missing token, to see what a shell sees (nothing on
stdout, one line on stderr, exit code 2), and the bot killed mid-dialog (here and in
`test_crash.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
from openpyxl import Workbook
from sqlalchemy import make_url

import bot.cli
from bot.__main__ import main
from bot.emulator import FakeTelegram
from services.programmes.loader import preset_path
from tests import postgres
from tests.harness import TOKEN

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    env.update(extra)
    return env


async def _run(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """`python -m bot ARGS` as a real process: exit code, stdout, stderr."""
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


@dataclass
class Operator:
    """`python -m bot ARGS` as `main(ARGS)` in this process: exit code, stdout, stderr.

    `main` runs `asyncio.run` itself: call it from a plain test, or from an async one
    through `in_thread` (its event loop stays free to serve a fake Telegram meanwhile).
    """

    folder: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *args: str, **env: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        with self.monkeypatch.context() as patch, _logging_restored():
            for name, value in env.items():
                patch.setenv(name, value)
            try:
                code: int | str | None = main(list(args))
            except SystemExit as stop:
                code = stop.code
        out, err = self.capsys.readouterr()
        assert isinstance(code, int | None), f"exit {code!r}"
        return code or 0, out, err

    async def in_thread(self, *args: str, **env: str) -> tuple[int, str, str]:
        return await asyncio.to_thread(self, *args, **env)


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """`main` sets up logging for a process; put back the test run's levels and handlers."""
    root = logging.getLogger()
    handlers, levels = list(root.handlers), {"": root.level}
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            levels[name] = logger.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        for name, level in levels.items():
            logging.getLogger(name or None).setLevel(level)


def _no_polling(*_: object) -> NoReturn:
    raise AssertionError(
        "`run` would poll Telegram forever: it is not started in the tests' process"
    )


@pytest.fixture
def operator(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Operator:
    """The commands in `workdir` with its own SQLite database; `run` is refused, not started."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{workdir / 'bot.db'}")
    monkeypatch.setattr(bot.cli, "run", _no_polling)
    return Operator(workdir, monkeypatch, capsys)


async def test_without_token_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    code, out, err = await _run(tmp_path)
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "BOT_TOKEN is not set: put BOT_TOKEN=<token from @BotFather> in .env (see .env.example)."
    ]
    assert "Traceback" not in err


def test_unknown_programme_stops_the_bot_with_exit_code_2(operator: Operator) -> None:
    code, _, err = operator(BOT_TOKEN=TOKEN, PROGRAMME="atlantis")
    assert code == 2
    assert "no preset 'atlantis'; presets: " in err and "krasnodar-digital" in err
    assert "Traceback" not in err


def test_import_schools_csv_then_xlsx_updates_by_name(operator: Operator) -> None:
    csv_file = operator.folder / "schools.csv"
    csv_file.write_text(
        "name,district,address,email,phone,note\n"
        "МБОУ СОШ № 1,Хоринский район,,s1@example.ru,,x\n"
        ",Хоринский район,,,,\n"
        "МБОУ СОШ № 2,Хоринский район,,not-an-email,,\n",
        encoding="utf-8",
    )
    code, out, _ = operator("import-schools", str(csv_file))
    assert code == 0
    assert "Добавлено: 1, обновлено: 0" in out
    assert "Строка 3: нет названия школы." in out
    assert "Строка 4: неверный адрес электронной почты." in out

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Название", "Район", "Телефон"])
    sheet.append(["мбоу сош № 1", "Хоринский район", "+7 301 482-00-00"])
    sheet.append(["МБОУ СОШ № 2", "Хоринский район", None])
    xlsx_file = operator.folder / "schools.xlsx"
    workbook.save(xlsx_file)
    code, out, _ = operator("import-schools", str(xlsx_file))
    assert code == 0
    assert "Добавлено: 1, обновлено: 1" in out


def test_malformed_school_file_is_reported(operator: Operator) -> None:
    bad = operator.folder / "bad.csv"
    bad.write_text("город;улица\nУлан-Удэ;Ленина\n", encoding="utf-8")
    code, _, err = operator("import-schools", str(bad))
    assert code == 1
    assert "нет столбца с названием школы" in err
    bad.write_text("name;district\n", encoding="utf-8")
    code, _, err = operator("import-schools", str(bad))
    assert code == 1 and "нет ни одной строки со школой" in err
    broken = operator.folder / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = operator("import-schools", str(broken))
    assert code == 1 and "Не удалось прочитать файл" in err


async def test_invite_prints_links(operator: Operator) -> None:
    schools = operator.folder / "schools.csv"
    schools.write_text(
        "name;district\nМБОУ СОШ № 1;Хоринский\nГимназия № 5;Центр\n", encoding="utf-8"
    )
    assert (await operator.in_thread("import-schools", str(schools)))[0] == 0
    async with FakeTelegram(TOKEN) as fake:
        env = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": fake.base_url}
        code, out, err = await operator.in_thread(
            "invite", "--school", "Гимназия", "--role", "mentor", **env
        )
        assert code == 0, err
        assert out.startswith("https://t.me/coord_test_bot?start=")
        code, out, _ = await operator.in_thread("invite", "--all", "--role", "coordinator", **env)
        lines = out.splitlines()
        assert lines[0] == "school_id;school_name;role;link"
        assert lines[1].startswith("1;МБОУ СОШ № 1;coordinator;https://t.me/coord_test_bot?start=")
        assert len({line.rsplit("=", 1)[1] for line in lines[1:]}) == 2, "codes are unique"
        code, _, err = await operator.in_thread(
            "invite", "--school", "Лицей", "--role", "mentor", **env
        )
        assert code == 1 and "Ни одна школа не подходит под «Лицей»" in err


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
            fake.enqueue(fake.press(maria, fake.last_bot_message(maria.id), "Даю согласие"))
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


def test_programmes_list_and_check(operator: Operator) -> None:
    code, out, _ = operator("programmes", "list")
    assert code == 0
    assert any(
        line.startswith("krasnodar-digital\tКраевая опорная площадка по цифровизации")
        for line in out.splitlines()
    )

    preset = preset_path("krasnodar-digital")
    copy = operator.folder / "my-region.toml"
    copy.write_text(
        preset.read_text(encoding="utf-8").replace('id = "krasnodar-digital"', 'id = "my-region"'),
        encoding="utf-8",
    )
    code, out, _ = operator("programmes", "check", str(copy))
    assert code == 0 and "my-region.toml: OK (my-region:" in out

    broken = copy.read_text(encoding="utf-8").replace('end = "06-30"', 'end = "06-31"')
    copy.write_text(broken, encoding="utf-8")
    code, _, err = operator("programmes", "check", str(copy))
    line = next(n for n, text in enumerate(broken.splitlines(), start=1) if 'end = "06-31"' in text)
    assert code == 1 and f"my-region.toml:{line}:" in err and "windows.application.end" in err


@pytest.mark.skipif(sys.platform == "win32", reason="signals")
async def test_a_second_polling_instance_makes_one_stop_with_one_line(tmp_path: Path) -> None:
    """Telegram ends the older of two getUpdates with 409: that bot steps aside, exit code 3."""
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    async with FakeTelegram(TOKEN) as fake:

        async def start_bot(folder: Path) -> asyncio.subprocess.Process:
            env = _env(folder, BOT_TOKEN=TOKEN, BOT_API_BASE_URL=fake.base_url)
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=folder,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )

        first = await start_bot(tmp_path / "first")
        try:
            await fake.wait_until(lambda: fake.calls_of("getUpdates"), within=60)
            second = await start_bot(tmp_path / "second")
            try:
                assert await asyncio.wait_for(first.wait(), timeout=60) == 3
                assert first.stderr is not None
                lines = (await first.stderr.read()).decode().strip().splitlines()
                assert [line for line in lines if "409" in line] == [lines[-1]]
                assert "another instance of the bot is polling with this token" in lines[-1]
                assert "Traceback" not in "\n".join(lines)
                assert second.returncode is None, "the other one goes on"
            finally:
                second.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(second.wait(), timeout=30) == 0
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()


# ------------------------------------------------------------ backup and restore

BACKUP_SCHOOLS = "name,district\nМБОУ СОШ № 1,Хоринский район\nМБОУ СОШ № 2,Хоринский район\n"
LATER_SCHOOLS = "name,district\nМБОУ СОШ № 3,Кижингинский район\n"


def _import(operator: Operator, text: str) -> None:
    file = operator.folder / "schools.csv"
    file.write_text(text, encoding="utf-8")
    assert operator("import-schools", str(file))[0] == 0


def _sqlite_schools(database: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute("SELECT * FROM schools ORDER BY name").fetchall()


def test_sqlite_backup_then_restore_gives_the_same_data(operator: Operator) -> None:
    database = operator.folder / "bot.db"
    _import(operator, BACKUP_SCHOOLS)
    before = _sqlite_schools(database)
    code, out, err = operator("backup", "copy.db")
    assert code == 0, err
    assert "SQLite online backup" in out
    assert (operator.folder / "copy.db").stat().st_mode & 0o077 == 0, "personal data: owner only"
    _import(operator, LATER_SCHOOLS)  # the bot goes on after the backup
    assert len(_sqlite_schools(database)) == 3

    # the restore README.md describes: the bot stopped, the copy put in the database's place
    for leftover in ("bot.db-wal", "bot.db-shm"):
        (operator.folder / leftover).unlink(missing_ok=True)
    shutil.copy(operator.folder / "copy.db", database)
    assert _sqlite_schools(database) == before and len(before) == 2

    code, _, err = operator("backup", "copy.db")
    assert code == 1 and err.strip() == "copy.db exists already: give the name of a new file"


@pytest.mark.postgres
def test_postgres_backup_then_restore_gives_the_same_data(
    operator: Operator, postgres_url: str, postgres_server: postgres.PostgresServer
) -> None:
    if shutil.which("pg_restore") is None:
        pytest.skip("no pg_restore")
    operator.monkeypatch.setenv("DATABASE_URL", postgres_url)
    _import(operator, BACKUP_SCHOOLS)
    code, out, err = operator("backup", "dump.pgc")
    assert code == 0, err
    assert "pg_dump" in out
    _import(operator, LATER_SCHOOLS)

    with postgres_server.database() as restored:
        address = make_url(restored).set(drivername="postgresql").render_as_string(False)
        done = subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={address}", str(operator.folder / "dump.pgc")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert _pg_schools(restored) == _pg_schools(postgres_url)[:2]
        assert len(_pg_schools(postgres_url)) == 3


def _pg_schools(url: str) -> list[str]:
    address = make_url(url).set(drivername="postgresql").render_as_string(False)
    done = subprocess.run(
        [
            "psql",
            "--no-psqlrc",
            "-At",
            f"--dbname={address}",
            "-c",
            "SELECT * FROM schools ORDER BY name",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()
