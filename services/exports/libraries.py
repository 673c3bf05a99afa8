"""The file libraries loaded once at start-up, in a thread beside polling.

matplotlib, icalendar and docxtpl are imported when a file first needs them, in the worker
thread that builds it. Their import (matplotlib's fonts above all: about a second) holds the
interpreter lock for long stretches, so the first /stats after a start kept every other
update waiting up to a second (bench.exports). Loading them as the bot starts moves that
second to the start, when nobody has asked for anything yet.
"""

from __future__ import annotations

from services.exports import charts


def load() -> None:
    """Import the libraries and draw one small chart (fonts included); run it in a thread."""
    import docxtpl  # noqa: F401
    import icalendar  # noqa: F401

    charts.events(["01.2027"], [1], [1], ("", "", ""))
