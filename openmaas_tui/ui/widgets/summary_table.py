"""The compare screen's summary: every target's figures in a sortable table, winners marked.

Press ``o`` to cycle the order (total time, TTFT, tok/s, cost, output, as entered) or click a
column's header; clicking it again reverses. The ``over time`` column draws each target's
output tokens per slice of time as bars, on one time axis for all targets.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from openmaas_tui.core.compare.export import cost_text
from openmaas_tui.core.compare.lane import Lane
from openmaas_tui.core.compare.summary import DEFAULT_SORT, Row, Summary
from openmaas_tui.core.text.terminal import terminal_safe

BARS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 16
"""Cells of the ``over time`` column."""

_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("#", "order"),
    ("target", "model"),
    ("status", None),
    ("TTFT", "ttft"),
    ("total", "total"),
    ("in", "in"),
    ("out", "out"),
    ("tok/s", "tok/s"),
    ("cost", "cost"),
    ("over time", None),
    ("", None),
)
"""Each column's header and the sort key a click on it picks (None: not sortable)."""

CYCLE = ("total", "ttft", "tok/s", "cost", "out", "order")
"""The orders ``o`` steps through."""


def bars(values: Sequence[float]) -> str:
    """``values`` as a line of block characters, the highest a full block (blank when all 0)."""
    top = max(values, default=0.0)
    if top <= 0:
        return " " * len(values)
    return "".join(" " if v <= 0 else BARS[min(int(v / top * 7.999), 7)] for v in values)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _count(value: int | None, estimated: bool) -> str:
    return "–" if value is None else f"{'≈' if estimated else ''}{value:,}"


class CompareSummary(DataTable[str | Text]):
    """The summary table of a finished compare (see the module docstring)."""

    BINDINGS = [Binding("o", "cycle_order", "Order", id="compare.summary.order")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.order = DEFAULT_SORT
        self.reverse = False
        self._summary: Summary | None = None
        self._spark: dict[int, str] = {}
        self._keys: list[str | None] = []

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        self._keys = []
        for header, key in _COLUMNS:
            self.add_column(header, key=header or "marks")
            self._keys.append(key)

    @property
    def rows_shown(self) -> list[int]:
        """The lane indexes in the order shown."""
        return [int(str(key.value)) for key in self.rows]

    def show(self, summary: Summary, lanes: Sequence[Lane]) -> None:
        """Fill the table from ``summary``; the bars come from ``lanes``' arrival times."""
        self._summary = summary
        span = max((lane.meter.duration_ms for lane in lanes), default=0.0) / 1000
        self._spark = {lane.index: bars(lane.timeline(SPARK_WIDTH, span_s=span)) for lane in lanes}
        self._fill()

    def sort_by(self, key: str, *, reverse: bool = False) -> None:
        """Order the rows by ``key`` (a key of :data:`.compare_summary.SORT_KEYS`)."""
        self.order, self.reverse = key, reverse
        self._fill()

    def action_cycle_order(self) -> None:
        """Step to the next order of :data:`CYCLE`."""
        at = CYCLE.index(self.order) if self.order in CYCLE else -1
        self.sort_by(CYCLE[(at + 1) % len(CYCLE)])
        self.notify(f"ordered by {self.order}", timeout=2)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = self._keys[event.column_index]
        if key is not None:
            self.sort_by(key, reverse=not self.reverse if key == self.order else False)

    def _fill(self) -> None:
        summary = self._summary
        if summary is None:
            return
        # Columns too: a column keeps the width of the widest cell it ever held (a rerun's
        # figures would sit in the previous run's widths).
        self.clear(columns=True)
        self._add_columns()
        for r in summary.sorted_by(self.order, reverse=self.reverse):
            self.add_row(*self._cells(summary, r), key=str(r.index))

    def _cells(self, summary: Summary, r: Row) -> list[str | Text]:
        status = Text(r.error_code or r.status)
        status.stylize("bold red" if r.error_code else "green" if r.ok else "yellow")
        winner = summary.marks(r.index)
        marks = Text(" · ".join(winner), style="bold green")

        def best(text: str, won: bool) -> Text:
            return Text(text, style="bold green" if won else "")

        rate = "–" if r.tokens_per_s is None else f"{r.tokens_per_s:.1f}"
        return [
            str(r.index + 1),
            Text(terminal_safe(r.label)),
            status,
            best(_ms(r.ttft_ms), r.index == summary.fastest_ttft),
            _ms(r.duration_ms),
            _count(r.input_tokens, r.estimated),
            _count(r.output_tokens, r.estimated),
            best(rate, r.index == summary.highest_rate),
            best(cost_text(r), r.index == summary.cheapest),
            Text(self._spark.get(r.index, ""), style="cyan"),
            marks,
        ]
