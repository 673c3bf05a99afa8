"""PNG charts (matplotlib, Agg): the monitoring indicators by district, the staff's statistics,
a school's events and participants by month.

Each function draws one figure with matplotlib's object API (no pyplot, so no shared state
between threads) and is meant to run in a worker thread: callers go through
`streaming.in_thread`. Words come from the caller, in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

DPI = 110
BELOW, ABOVE, LINE = "#d9822b", "#3a7d44", "#555555"
PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3")


@dataclass(frozen=True)
class Bars:
    """Bars stacked per month: a series per label."""

    months: Sequence[str]
    series: Mapping[str, Sequence[int]]


def _figure(width: float, height: float) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _integers() -> MaxNLocator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _png(figure: Figure) -> bytes:
    output = io.BytesIO()
    figure.savefig(output, format="png")
    return output.getvalue()


def districts(
    names: Sequence[str], counts: Sequence[int], minimum: int, title: str, axis: str, target: str
) -> bytes:
    """Active platforms per district against the programme's minimum (a dashed line)."""
    height = max(3.0, 0.35 * len(names) + 1.5)
    figure = _figure(8, height)
    axes = figure.add_subplot()
    colours = [BELOW if count < minimum else ABOVE for count in counts]
    positions = range(len(names))
    axes.barh(list(positions), list(counts), color=colours)
    axes.set_yticks(list(positions), labels=list(names))
    axes.invert_yaxis()
    axes.axvline(minimum, color=LINE, linestyle="--", label=target)
    axes.set_xlabel(axis)
    axes.set_title(title, fontsize=11)
    axes.legend(loc="lower right")
    axes.xaxis.set_major_locator(_integers())
    return _png(figure)


def _stacked(axes: Axes, bars: Bars, title: str) -> None:
    bottom = [0] * len(bars.months)
    for colour, (label, values) in zip(PALETTE * 3, bars.series.items(), strict=False):
        axes.bar(list(bars.months), list(values), bottom=bottom, label=label, color=colour)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    axes.set_title(title, fontsize=11)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.yaxis.set_major_locator(_integers())
    axes.legend(fontsize=8, loc="upper left")


def statistics(by_kind: Bars, by_status: Bars, titles: Sequence[str], footer: str) -> bytes:
    """Submissions per month by kind and by status, with the figures below."""
    figure = _figure(10, 8)
    top, bottom = figure.subplots(2, 1)
    _stacked(top, by_kind, titles[0])
    _stacked(bottom, by_status, titles[1])
    figure.supxlabel(footer, fontsize=10)
    return _png(figure)


def events(
    months: Sequence[str], held: Sequence[int], participants: Sequence[int], titles: Sequence[str]
) -> bytes:
    """A school's events (bars) and their participants (a line) by month."""
    figure = _figure(8, 4)
    axes = figure.add_subplot()
    axes.bar(list(months), list(held), color=PALETTE[0], label=titles[1])
    axes.set_ylabel(titles[1])
    axes.yaxis.set_major_locator(_integers())
    other = axes.twinx()
    other.plot(list(months), list(participants), color=PALETTE[1], marker="o", label=titles[2])
    other.set_ylabel(titles[2])
    other.set_ylim(bottom=0)
    axes.set_title(titles[0], fontsize=11)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _png(figure)


def month_label(first_day: date) -> str:
    return f"{first_day.month:02d}.{first_day.year}"
