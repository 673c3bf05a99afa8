"""`python -m bot.demo [--port 8080] [--programme krasnodar-digital] [--today 2026-11-23]`."""

from __future__ import annotations

import argparse
import asyncio
import errno
import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo.stage import Options, serve
from bot.logs import setup_logging
from services.programmes.errors import ProgrammeError
from services.programmes.loader import list_presets

ZONE = ZoneInfo("Europe/Moscow")
START_HOUR = 9
"""With --today the demo starts at 9:00, before the day's reminders (10:00)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.demo",
        description="The bot against an emulated Telegram, with a demo region, in a browser.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--programme", default="krasnodar-digital", help=f"one of: {', '.join(list_presets())}"
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the bot's date at start, YYYY-MM-DD"
    )
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="folder of demo.db (recreated)"
    )
    parser.add_argument("--log-level", default="WARNING", help="INFO shows every update")
    return parser


def _announce(address: str) -> None:
    print(f"coordbot demo: open {address} in a browser (Ctrl+C stops it)", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    start = datetime.combine(args.today, time(START_HOUR), ZONE) if args.today else None
    options = Options(port=args.port, programme=args.programme, start=start, data=args.data)
    setup_logging(args.log_level)
    try:
        asyncio.run(serve(options, _announce))
    except KeyboardInterrupt:
        return 0
    except ProgrammeError as error:
        print(f"--programme {args.programme}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"port {args.port} is in use: choose another, e.g. make demo DEMO_PORT=8081",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
