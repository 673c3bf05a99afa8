"""Browser tests: Debian's Chromium driven by Playwright, against `python -m bot.demo`.

Playwright cannot download its own browser here, so it starts the system's (`CHROMIUM`).
Without it (or without Playwright) the tests are skipped, or fail when
COORDBOT_REQUIRE_BROWSER=1 (CI sets it, after installing Debian's `chromium`).
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_VARIABLE = "COORDBOT_REQUIRE_BROWSER"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
"""Screenshots of every step, one folder per test (git-ignored; CI keeps them)."""
CHROMIUM_FLAGS = [
    # As root in a container, without a GPU; and nothing reaching for Google's servers,
    # which a closed network refuses many times over at every start.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_TODAY = "2026-11-23"
ADDRESS = re.compile(r"open (http://127\.0\.0\.1:\d+/)")
START_TIMEOUT = 120.0


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements-dev.lock)"
    if not CHROMIUM.exists():
        return f"no {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
    return None


def required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE) == "1"


@contextlib.contextmanager
def demo(data: Path, programme: str = "krasnodar-digital") -> Iterator[str]:
    """`python -m bot.demo` on a free port; yields the address it prints, stops it after."""
    command = [sys.executable, "-m", "bot.demo", "--port", "0", "--today", DEMO_TODAY]
    command += ["--data", str(data), "--programme", programme]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield _address(process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _address(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    said: list[str] = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        line = process.stdout.readline()
        if not line:
            break
        said.append(line)
        if found := ADDRESS.search(line):
            # Keep reading what it says, or a full pipe would block it.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return found.group(1)
    raise AssertionError("the demo did not say where to open it:\n" + "".join(said))


def artifacts(test_name: str) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder
