"""A bar per day of cost, with a labelled axis: the top value in USD and the dates under it.

Textual's ``Sparkline`` draws its lowest value as the baseline (a month where every day cost
something shows its cheapest day as empty) and has no axis labels, so the chart is drawn here
as Rich text: each day is one column of eighth blocks on a zero baseline, today's bar in the
accent colour, a ``?`` on the axis under days with answers of unknown price, and the dates of
today and every 7th day before it under the axis.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from openmaas_tui.core.history.cost_report import DayCost
from openmaas_tui.core.money import format_usd

BARS = "▁▂▃▄▅▆▇█"
"""One eighth of a row to a full row."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LABEL_EVERY = 7
"""Days between two date labels (today is always labelled)."""
MAX_PER_DAY = 4
"""The most cells a day takes when the chart is wide (3-cell bars)."""
LABEL_ROOM = 6
"""Cells kept after the last bar for today's date label."""


def _level(value: float, top: float, eighths: int) -> int:
    """How many eighths of a row ``value`` fills when ``top`` fills ``eighths``; any cost
    above zero shows at least one."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, round(value / top * eighths))


def _cell(level: int, row: int) -> str:
    fill = level - row * 8
    return " " if fill <= 0 else BARS[min(fill, 8) - 1]


def axis_width(days: Sequence[DayCost]) -> int:
    """Cells the axis labels take before the axis line."""
    top = max((d.totals.cost_usd for d in days), default=0.0)
    return max(len(format_usd(top)), 2)


def chart_text(
    days: Sequence[DayCost],
    *,
    height: int = 6,
    per_day: int = 2,
    bar: Style | str = "",
    today: Style | str = "bold",
    axis: Style | str = "dim",
    unknown: Style | str = "bold",
    max_width: int | None = None,
) -> Text:
    """The chart of ``days`` (oldest first) as lines of text.

    Args:
        days: one entry per day, the last one today.
        height: rows of bars (each row holds 8 levels).
        per_day: cells per day (at least 2): a one-cell gap, then the bar.
        bar / today / axis / unknown: styles for the bars, today's bar, the axis and labels,
            and the ``?`` marks of unknown prices.
        max_width: the cells the chart may take, or None for as many as it needs: where the
            last date label would reach past them, it ends at the edge instead (shifted left,
            never cut).

    Returns:
        ``height`` rows of bars (the top one labelled with the highest day's cost, unless
        nothing cost anything), the axis and a row of date labels.
    """
    per_day = max(2, per_day)
    thick = per_day - 1
    top = max((d.totals.cost_usd for d in days), default=0.0)
    top_label = format_usd(top) if top > 0 else ""
    width = axis_width(days)
    levels = [_level(d.totals.cost_usd, top, height * 8) for d in days]
    last = len(days) - 1
    text = Text(no_wrap=True, overflow="crop")
    for row in range(height - 1, -1, -1):
        label = top_label if row == height - 1 else ""
        text.append(f"{label:>{width}} {'┤' if label else '│'}", axis)
        for i, level in enumerate(levels):
            text.append(" ")
            text.append(_cell(level, row) * thick, today if i == last else bar)
        text.append("\n")
    text.append(f"{'$0':>{width}} └", axis)
    for d in days:
        text.append("─", axis)
        mark = "?" if d.totals.unknown else "─"
        text.append(mark, unknown if d.totals.unknown else axis)
        text.append("─" * (thick - 1), axis)
    text.append("\n")
    room = per_day * len(days) + LABEL_ROOM
    if max_width is not None:
        room = max(LABEL_ROOM, min(room, max_width - width - 2))
    dates = [" "] * room
    for i, d in enumerate(days):
        if (last - i) % LABEL_EVERY == 0:
            label = f"{_MONTHS[d.day.month - 1]} {d.day.day}"
            start = min(per_day * i + 1, len(dates) - len(label))
            dates[start : start + len(label)] = label
    text.append(" " * (width + 2) + "".join(dates).rstrip(), axis)
    return text


class CostChart(Widget):
    """The per-day cost chart (see the module docstring); give it days with :meth:`show`.

    Each day takes 2 to :data:`MAX_PER_DAY` cells, as many as the width allows.
    """

    COMPONENT_CLASSES = {
        "cost-chart--bar",
        "cost-chart--today",
        "cost-chart--axis",
        "cost-chart--unknown",
    }

    DEFAULT_CSS = """
    CostChart {
        height: auto;
        width: 100%;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    CostChart > .cost-chart--bar { color: $primary; }
    CostChart > .cost-chart--today { color: $accent; }
    CostChart > .cost-chart--axis { color: $text-muted; }
    CostChart > .cost-chart--unknown { color: $warning; text-style: bold; }
    """

    def __init__(
        self,
        *,
        bar_rows: int = 6,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.bar_rows = bar_rows
        self.days: tuple[DayCost, ...] = ()

    def show(self, days: Sequence[DayCost]) -> None:
        """Draw ``days`` (oldest first, the last one today)."""
        self.days = tuple(days)
        self.refresh(layout=True)

    def render(self) -> RenderResult:
        style = self.get_component_rich_style
        room = self.size.width - axis_width(self.days) - 2 - LABEL_ROOM
        per_day = room // max(1, len(self.days))
        return chart_text(
            self.days,
            height=self.bar_rows,
            per_day=min(MAX_PER_DAY, per_day),
            bar=style("cost-chart--bar"),
            today=style("cost-chart--today"),
            axis=style("cost-chart--axis"),
            unknown=style("cost-chart--unknown"),
            max_width=self.size.width,
        )
