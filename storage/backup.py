"""`python -m bot backup FILE`: a consistent copy of the database while the bot runs.

SQLite: the online backup API copies the file page by page under a read transaction, so
the bot may go on writing. PostgreSQL: `pg_dump --format=custom` (a snapshot), restored
with `pg_restore`; the password goes through PGPASSWORD, never on the command line.
README.md ("Backup and restore") says how to restore either.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """Why no backup was made, in one line for the operator."""


def backup(database_url: str, target: Path) -> str:
    """Write the backup to `target` (which must not exist yet); what was done, in words."""
    if target.exists():
        raise BackupError(f"{target} exists already: give the name of a new file")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("DATABASE_URL names no SQLite file to back up")
        source = Path(url.database)
        if not source.is_file():
            raise BackupError(f"{source}: no such database file")
        _sqlite_backup(source, target)
        return f"{target}: a copy of {source} (SQLite online backup)"
    return _pg_dump(database_url, target)


def _sqlite_backup(source: Path, target: Path) -> None:
    """Readable by its owner only (it holds personal data); no half-written file on failure."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as origin,
            closing(sqlite3.connect(target)) as copy,
        ):
            origin.backup(copy)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _pg_dump(database_url: str, target: Path) -> str:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError(
            "pg_dump is not installed (Debian: apt install postgresql-client); back up with"
            " the tools of your PostgreSQL server instead"
        )
    url = make_url(database_url)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None).render_as_string()
    done = subprocess.run(
        [program, "--format=custom", "--no-owner", f"--file={target}", address],
        capture_output=True,
        text=True,
        env=environment,
    )
    if done.returncode:
        target.unlink(missing_ok=True)
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no reason"
        raise BackupError(f"pg_dump failed: {reason}")
    return f"{target}: a pg_dump of the database (restore with pg_restore, see README.md)"
