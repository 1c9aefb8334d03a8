"""The cost history's table per source (f4): which face spent what, the gateway's clients apart.

One row per face (playground, ``ask``, compare, and the history's own answers from before the
ledger), and for the gateway one row per program that asked it (``OpenAI/Python``,
``curl/8.5.0``), costliest first, over all time
(:class:`~openmaas_tui.core.history.cost_report.SourceCost`).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from openmaas_tui.core.history.cost_report import SourceCost
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.ui.widgets.cost_cells import column_label, totals_cells

COLUMNS: tuple[tuple[str, bool], ...] = (
    ("source", False),
    ("client", False),
    ("cost", True),
    ("answers", True),
    ("input", True),
    ("output", True),
)
"""The columns: header, and whether it holds a number (right-aligned)."""


class SourceCostTable(DataTable[str | Text]):
    """Cost per source over all time, in the report's order (costliest first)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for header, numeric in COLUMNS:
            self.add_column(column_label(header, numeric), key=header)

    def show(self, sources: tuple[SourceCost, ...]) -> None:
        """Fill the table with ``sources``; client names are made terminal-safe."""
        self.clear()
        for s in sources:
            t = s.totals
            cells = totals_cells(t, (t.answers, t.input_tokens, t.output_tokens))
            client = Text(terminal_safe(s.client or "–"))
            self.add_row(Text(terminal_safe(s.source)), client, *cells)
