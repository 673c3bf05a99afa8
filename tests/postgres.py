"""PostgreSQL for the tests: a throwaway cluster, or the server the environment names.

`COORDBOT_TEST_POSTGRES_URL=postgresql+asyncpg://user@host/db` uses that server (its user
must be allowed to create databases). Otherwise a cluster is made with the server binaries
found on the machine, in a temporary directory, reachable only through a unix socket in it.
`initdb` and `postgres` refuse to run as root, so under root the cluster runs as the
`postgres` system user (or `nobody`). Tests get databases of their own, dropped after use.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

URL_VARIABLE = "COORDBOT_TEST_POSTGRES_URL"
REQUIRE_VARIABLE = "COORDBOT_REQUIRE_POSTGRES"
PROGRAMS = ("initdb", "pg_ctl", "postgres")

SETTINGS = {
    "listen_addresses": "''",  # the unix socket only
    "fsync": "off",  # a test cluster need not survive a crash
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class PostgresServer:
    """Creates and drops databases on the server that `admin_url` reaches."""

    def __init__(self, admin_url: URL) -> None:
        self.admin_url = admin_url

    def url(self, database: str) -> str:
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def create_database(self, template: str = "template0") -> str:
        """A new database, a copy of `template` (to which nobody may be connected)."""
        name = f"coordbot_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self, template: str = "template0") -> Iterator[str]:
        """The URL of a new database, dropped on exit."""
        name = self.create_database(template)
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def _execute(self, statement: str) -> None:
        """Runs its own event loop, like `storage.migrate`: the fixtures that call it are sync."""

        async def run() -> None:
            engine = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            try:
                async with engine.connect() as connection:
                    await connection.execute(text(statement))
            finally:
                await engine.dispose()

        asyncio.run(run())


class Cluster:
    """A PostgreSQL cluster in a temporary directory, started and stopped by the test session."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.user = _cluster_user()
        self.directory = Path(tempfile.mkdtemp(prefix="coordbot-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()

    def start(self) -> PostgresServer:
        if self.user is not None:
            shutil.chown(self.directory, self.user, self.user)
        self._run(
            "initdb",
            f"--pgdata={self.data}",
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        settings = {
            **SETTINGS,
            "port": str(self.port),
            "unix_socket_directories": f"'{self.directory}'",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        log = self.directory / "server.log"
        self._run("pg_ctl", "start", "--wait", "--silent", f"--pgdata={self.data}", f"--log={log}")
        return PostgresServer(
            URL.create(
                "postgresql+asyncpg",
                username="postgres",
                database="postgres",
                query={"host": str(self.directory), "port": str(self.port)},
            )
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(
                "pg_ctl", "stop", "--wait", "--silent", "--mode=immediate", f"--pgdata={self.data}"
            )
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bindir / program), *arguments]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.directory)
        if done.returncode:
            log = self.directory / "server.log"
            raise RuntimeError(
                f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
                + (log.read_text() if log.exists() else "")
            )


@contextlib.contextmanager
def server() -> Iterator[PostgresServer]:
    """The server COORDBOT_TEST_POSTGRES_URL names, else a cluster started here (see `missing`)."""
    if url := os.environ.get(URL_VARIABLE):
        yield PostgresServer(make_url(url))
        return
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(missing())
    cluster = Cluster(bindir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def missing() -> str | None:
    """Why there is no PostgreSQL to test with, or None when there is."""
    if os.environ.get(URL_VARIABLE) or find_bindir():
        return None
    return (
        f"no PostgreSQL server binaries ({', '.join(PROGRAMS)}) in /usr/lib/postgresql/*/bin, "
        f"`pg_config --bindir` or PATH, and {URL_VARIABLE} is not set"
    )


def required() -> bool:
    """CI sets COORDBOT_REQUIRE_POSTGRES=1: then a missing PostgreSQL fails the tests."""
    return os.environ.get(REQUIRE_VARIABLE) == "1"


def find_bindir() -> Path | None:
    """The directory with `initdb`, `pg_ctl` and `postgres`, the newest Debian version first."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major, reverse=True)
    candidates = [Path(initdb).parent for initdb in debian]
    if shutil.which("pg_config"):
        reported = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if reported.returncode == 0 and reported.stdout.strip():
            candidates.append(Path(reported.stdout.strip()))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    return next(
        (path for path in candidates if all((path / name).is_file() for name in PROGRAMS)), None
    )


def _major(initdb: str) -> int:
    """15 for /usr/lib/postgresql/15/bin/initdb; 0 when that is not a number."""
    name = Path(initdb).parent.parent.name
    return int(name) if name.isdigit() else 0


def _cluster_user() -> str | None:
    """Whom to run the cluster as: None for the current user, unless that is root."""
    if os.geteuid() != 0:
        return None
    if not shutil.which("runuser"):
        raise RuntimeError("running as root, but there is no `runuser` to run PostgreSQL with")
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    raise RuntimeError("running as root, and there is neither a `postgres` nor a `nobody` user")


def _free_port() -> int:
    """A port nobody listens on: it names the socket file and keys the shared memory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
