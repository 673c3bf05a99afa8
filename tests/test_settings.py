"""A wrong setting in `.env`: one line naming it on stderr and exit code 2, never a traceback.

`main()` runs in this process with `.env` in a temporary working directory (`workdir`).
`bot.cli` is replaced by a recorder, so a configuration that got through could not start the
bot or reach the network: the test would fail instead.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiogram.utils.token import TokenValidationError, validate_token

import bot
from bot.__main__ import NO_TOKEN, main
from bot.config import Settings, looks_like_token

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAHvalidLookingTokenForTests_only-x"
PASSWORD = "Sup3r-s3cret"
WHERE = "(set it in .env, see .env.example)"
DATABASE_FORMS = "sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user:password@host/db"


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The commands `main` handed to `bot.cli.execute`: only a valid configuration gets there."""
    commands: list[str] = []

    def execute(command: str, *_: object) -> int:
        commands.append(command)
        return 0

    recorder = SimpleNamespace(execute=execute)
    monkeypatch.setitem(sys.modules, "bot.cli", recorder)
    monkeypatch.setattr(bot, "cli", recorder, raising=False)
    monkeypatch.setattr("bot.__main__.setup_logging", lambda level, log_format: None)
    return commands


def _write_env(folder: Path, **wrong: str) -> None:
    """A valid `.env` (token, database in `folder`) with the `wrong` settings put over it."""
    settings = {"BOT_TOKEN": TOKEN, "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bot.db'}"}
    settings.update(wrong)
    lines = [f'{name}="{value}"' for name, value in settings.items()]
    (folder / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Runs `main(argv)`, checks exit code 2 and no traceback; the lines on stderr."""
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    return err.splitlines()


def test_env_example_copied_unchanged_asks_for_the_token(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ROOT / ".env.example", workdir / ".env")
    assert _refused(["run"], capsys) == [NO_TOKEN]
    assert executed == []


@pytest.mark.parametrize("token", ["", "   "])
@pytest.mark.parametrize("command", [["run"], ["invite", "--all", "--role", "mentor"]])
def test_blank_token_is_not_set(
    workdir: Path,
    executed: list[str],
    capsys: pytest.CaptureFixture[str],
    token: str,
    command: list[str],
) -> None:
    _write_env(workdir, BOT_TOKEN=token)
    assert _refused(command, capsys) == [NO_TOKEN]
    assert executed == []


def test_migrate_needs_no_token(workdir: Path, executed: list[str]) -> None:
    _write_env(workdir, BOT_TOKEN="")
    assert main(["migrate"]) == 0
    assert executed == ["migrate"]


@pytest.mark.parametrize(
    "token",
    [
        "AAHsecretPartOfTheToken:1234567",
        "123456789",
        "123456789:",
        ":AAHsecretPartOfTheToken",
        "12345x789:AAHsecretPartOfTheToken",
        "123456789:AAHsecret PartOfTheToken",
        " 123456789:AAHsecretPartOfTheToken",
    ],
)
def test_malformed_token_is_refused_without_showing_it(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str], token: str
) -> None:
    _write_env(workdir, BOT_TOKEN=token)
    lines = _refused(["run"], capsys)
    assert lines == [
        "BOT_TOKEN: does not look like a token from @BotFather (digits, a colon, then letters"
        f" and digits, no spaces); copy it again from @BotFather {WHERE}"
    ]
    for part in [token, *token.replace(" ", ":").split(":")]:
        assert part.strip() == "" or part.strip() not in lines[0]
    assert executed == []


@pytest.mark.parametrize(
    "token",
    [
        TOKEN,
        "1:a",
        "123:abc:def",
        "١٢٣:abc",
        "123:абв",
        "abc:def",
        "123456789",
        "123:",
        "123:a b",
        "123:a\tb",
        " 123:ab",
        "-1:ab",
        "+1:ab",
    ],
)
def test_token_rule_is_the_one_aiogram_applies(token: str) -> None:
    try:
        accepted = validate_token(token)
    except TokenValidationError:
        accepted = False
    assert looks_like_token(token) == accepted


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("sqlite:///data/x.db", "sqlite"),
        ("sqlite+pysqlite:///data/x.db", "sqlite+pysqlite"),
        (f"postgresql://coord:{PASSWORD}@db.local/coordbot", "postgresql"),
        (f"postgresql+psycopg2://coord:{PASSWORD}@db.local/coordbot", "postgresql+psycopg2"),
        (f"mysql+aiomysql://coord:{PASSWORD}@db.local/coordbot", "mysql+aiomysql"),
    ],
)
def test_database_url_without_an_async_driver(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str], url: str, scheme: str
) -> None:
    _write_env(workdir, DATABASE_URL=url)
    assert _refused(["run"], capsys) == [
        f"DATABASE_URL: {scheme}:// is not a driver the bot can use; use {DATABASE_FORMS} {WHERE}"
    ]
    assert executed == []


@pytest.mark.parametrize(
    "url",
    [
        "",
        "data/coordbot.db",
        f"coord:{PASSWORD}@db.local/coordbot",
        f"postgresql+asyncpg://coord:{PASSWORD}@db.local:port/x",
    ],
)
def test_database_url_that_is_not_a_url(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str], url: str
) -> None:
    _write_env(workdir, DATABASE_URL=url)
    lines = _refused(["run"], capsys)
    assert lines == [f"DATABASE_URL: not a database URL; use {DATABASE_FORMS} {WHERE}"]
    assert PASSWORD not in lines[0]
    assert executed == []


def test_sqlite_folder_that_cannot_be_created(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "plain-file").write_text("not a folder", encoding="utf-8")
    folder = workdir / "plain-file" / "data"
    _write_env(workdir, DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'bot.db'}")
    assert _refused(["run"], capsys) == [
        f"DATABASE_URL: cannot create or write the folder {folder} for the SQLite file"
        f" (Not a directory); choose a folder the bot can write to {WHERE}"
    ]
    assert executed == []


def test_sqlite_folder_relative_to_the_working_directory_is_named_in_full(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "data").write_text("a file where the folder should be", encoding="utf-8")
    _write_env(workdir, DATABASE_URL="sqlite+aiosqlite:///data/sub/coordbot.db")
    [line] = _refused(["migrate"], capsys)
    assert line.startswith(f"DATABASE_URL: cannot create or write the folder {workdir}/data/sub ")
    assert executed == []


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_sqlite_folder_without_write_permission(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = workdir / "read-only"
    folder.mkdir(mode=0o500)
    _write_env(workdir, DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'bot.db'}")
    assert _refused(["run"], capsys) == [
        f"DATABASE_URL: cannot create or write the folder {folder} for the SQLite file"
        f" (no permission to write there); choose a folder the bot can write to {WHERE}"
    ]
    assert executed == []


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "LOG_LEVEL",
            "verbose",
            "'verbose' is not a logging level; use one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        ),
        (
            "LOG_LEVEL",
            "",
            "'' is not a logging level; use one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        ),
        ("REMINDER_HOUR", "25", "must be a whole number from 8 to 20"),
        ("REMINDER_HOUR", "ten", "must be a whole number from 8 to 20"),
        (
            "TIMEZONE",
            "Mars/Olympus",
            "'Mars/Olympus' is not a known time zone; use an IANA name such as Europe/Moscow",
        ),
        (
            "TIMEZONE",
            "../etc",
            "'../etc' is not a known time zone; use an IANA name such as Europe/Moscow",
        ),
        (
            "ADMIN_IDS",
            "abc",
            "'abc' is not a Telegram user id; use whole numbers separated by commas",
        ),
        (
            "ADMIN_IDS",
            "1001, 1002; x3",
            "'x3' is not a Telegram user id; use whole numbers separated by commas",
        ),
        ("INVITE_TTL_DAYS", "0", "must be a whole number from 1 to 365"),
        ("STAFF_CHAT_ID", "abc", "must be a whole number"),
        ("STAFF_CACHE_SECONDS", "-1", "must be a whole number, 0 or more"),
        ("BOT_API_LOCAL", "maybe", "must be true or false"),
        (
            "BOT_API_BASE_URL",
            "localhost:8081",
            "must be the address of a Bot API server such as http://localhost:8081, or empty for api.telegram.org",
        ),
        (
            "WEBHOOK_URL",
            "https://bot.example.org/telegram",  # without WEBHOOK_SECRET
            "must be set with WEBHOOK_URL: the bot refuses requests that do not carry it",
        ),
        ("HEALTH_LISTEN", "9100", "must be host:port, such as 127.0.0.1:8080 or 0.0.0.0:9100"),
        ("LOG_FORMAT", "xml", "'xml' is not a log format; use one of text, json"),
    ],
)
def test_wrong_value_names_the_setting(
    workdir: Path,
    executed: list[str],
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    line: str,
) -> None:
    _write_env(workdir, **{name: value})
    lines = _refused(["run"], capsys)
    named = "WEBHOOK_SECRET" if name == "WEBHOOK_URL" else name
    assert lines == [f"{named}: {line} {WHERE}"]
    assert TOKEN not in lines[0]
    assert executed == []


def test_one_line_per_wrong_setting(
    workdir: Path, executed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _write_env(
        workdir,
        BOT_TOKEN="AAHsecretPartOfTheToken",
        DATABASE_URL=f"postgresql://coord:{PASSWORD}@db.local/coordbot",
        LOG_LEVEL="verbose",
        REMINDER_HOUR="25",
    )
    lines = _refused(["run"], capsys)
    assert [line.split(":", 1)[0] for line in lines] == [
        "BOT_TOKEN",
        "DATABASE_URL",
        "LOG_LEVEL",
        "REMINDER_HOUR",
    ]
    assert "AAHsecretPartOfTheToken" not in "\n".join(lines)
    assert PASSWORD not in "\n".join(lines)
    assert executed == []


def test_settings_accept_what_the_comments_in_env_example_say() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        database_url=f"postgresql+asyncpg://coord:{PASSWORD}@db.local/coordbot",
        log_level="warning",
        admin_ids="1001; 1002,",
        bot_api_base_url=" http://localhost:8081 ",
        staff_chat_id=" ",
    )
    assert settings.log_level == "WARNING"
    assert settings.admin_ids == {1001, 1002}
    assert settings.bot_api_base_url == "http://localhost:8081"
    assert settings.staff_chat_id is None
    assert settings.sqlite_folder is None
    webhook = Settings(  # type: ignore[call-arg]
        _env_file=None,
        webhook_url="https://bot.example.org/telegram",
        webhook_secret="Abc_123-xyz",
        webhook_listen="127.0.0.1:8443",
        health_listen="[::1]:9100",
        log_format="JSON",
    )
    assert webhook.webhook_address == ("127.0.0.1", 8443)
    assert webhook.health_address == ("::1", 9100)
    assert webhook.log_format == "json"
    default = Settings(_env_file=None)  # type: ignore[call-arg]
    assert default.sqlite_folder == Path("data")
    assert default.bot_token is None
