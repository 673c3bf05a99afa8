"""The database a benchmark runs on: a temporary SQLite file, or with `--postgres` a
throwaway PostgreSQL cluster (tests/postgres.py: the server binaries of this machine, or
COORDBOT_TEST_POSTGRES_URL's server), migrated to the head revision."""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from storage import migrate
from tests import postgres


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run on a throwaway PostgreSQL cluster instead of a temporary SQLite file",
    )


@contextlib.contextmanager
def database(on_postgres: bool) -> Iterator[str]:
    """The URL of a fresh migrated database, removed after (call outside an event loop)."""
    if on_postgres:
        with postgres.server() as server, server.database() as url:
            migrate.upgrade(url)
            yield url
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        migrate.upgrade(url)
        yield url
