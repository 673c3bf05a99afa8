"""Command line: `python -m bot [run|migrate|import-schools FILE|invite ...]`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import WHERE_TO_SET, Settings, describe
from bot.logs import setup_logging
from services.programmes.errors import ProgrammeError
from services.programmes.loader import list_presets, load_preset, load_presets, load_programme

EXIT_CONFIG = 2
NO_TOKEN = "BOT_TOKEN is not set: put BOT_TOKEN=<token from @BotFather> in .env (see .env.example)."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="coordbot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="apply migrations and run the bot (default)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    schools = commands.add_parser("import-schools", help="load schools from CSV or XLSX")
    schools.add_argument("file", type=Path)
    invite = commands.add_parser("invite", help="print invitation deep links")
    target = invite.add_mutually_exclusive_group(required=True)
    target.add_argument("--school", help="school id or name")
    target.add_argument(
        "--all", action="store_true", help="every school: school_id;school_name;role;link"
    )
    invite.add_argument("--role", choices=["coordinator", "mentor"], required=True)
    backup = commands.add_parser("backup", help="a consistent copy of the database")
    backup.add_argument("file", type=Path, help="the backup file to write (must not exist)")
    programmes = commands.add_parser("programmes", help="the programme presets")
    which = programmes.add_subparsers(dest="programmes_command", required=True)
    which.add_parser("list", help="the presets shipped with the bot")
    check = which.add_parser("check", help="validate a programme definition file")
    check.add_argument("file", type=Path)
    due = commands.add_parser("reminders", help="what reminders are due now; send them")
    action = due.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--due", action="store_true", help="print what is due now and why (dry run)"
    )
    action.add_argument("--send", action="store_true", help="plan and send what is due now")
    person = commands.add_parser("person", help="personal data of one person (152-ФЗ)")
    what = person.add_subparsers(dest="person_command", required=True)
    dump = what.add_parser("export", help="everything stored about the person, as JSON")
    dump.add_argument("telegram_id", type=int, help="the person's Telegram user id")
    dump.add_argument("--output", type=Path, help="write the JSON to this file (else stdout)")
    erase = what.add_parser("erase", help="remove the person's name and contacts")
    erase.add_argument("telegram_id", type=int, help="the person's Telegram user id")
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        for line in describe(error):
            print(line, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _sqlite_folder_problem(settings: Settings) -> str | None:
    """Create the SQLite file's folder as the engine would; a failure is one line, not a traceback.

    `os.access` comes after `mkdir`: an existing folder may still be one the bot cannot write to.
    """
    folder = settings.sqlite_folder
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror
    else:
        if os.access(folder, os.W_OK | os.X_OK):
            return None
        reason = "no permission to write there"
    return (
        f"DATABASE_URL: cannot create or write the folder {folder.absolute()} for the SQLite file"
        f" ({reason}); choose a folder the bot can write to {WHERE_TO_SET}"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = _settings()
    command = args.command or "run"
    if command == "programmes":
        return _programmes(args)
    if command in ("run", "invite", "reminders") and settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    try:
        programmes = load_presets(settings.programme)
    except ProgrammeError as error:
        print(f"PROGRAMME={','.join(settings.programme)}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    problem = _sqlite_folder_problem(settings)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.log_level, settings.log_format)
    # Imported only now, so that a configuration error is reported before the heavy imports.
    from bot import cli

    try:
        return cli.execute(command, args, settings, programmes)
    except KeyboardInterrupt:
        return 0


def _programmes(args: argparse.Namespace) -> int:
    """Needs no token and no database: an IT person checks a region's file before using it."""
    if args.programmes_command == "list":
        for name in list_presets():
            print(f"{name}\t{load_preset(name).title}")
        return 0
    try:
        programme = load_programme(args.file)
    except ProgrammeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{args.file}: OK ({programme.id}: {programme.title})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
