"""The cost history (f4, "Cost history" in the palette): what the answers cost, from the spend
ledger (kept when a chat is deleted or an answer regenerated; compare runs included).

Totals for today, the last 7 and 30 days and all time; a bar per local day over the last 30
days; a table per provider and model over all time, costliest first (``o`` orders it by the next
column, ``i`` inverts the order, a click on a header sorts by it; the cost comes
right after the model so that it shows on a narrow terminal); and a table per source (the
playground, ``ask``, compare, and each program that asked the gateway). Costs read ``≈`` when some
came from local token estimates, and answers whose model has no price are counted apart
(``$1.23 + 4 answers with unknown price``), never shown as ``$0``.

The report is built on the history's own thread
(:class:`~openmaas_tui.core.history.async_store.AsyncStore`); ``r`` builds it again. When the
history file could not be opened, a line at the top says the costs cover this run only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.cost_report import (
    DEFAULT_DAYS,
    CostReport,
    ModelCost,
    cost_report,
)
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.totals import Totals
from openmaas_tui.services import Services
from openmaas_tui.ui.widgets.cost_cells import column_label, totals_cells
from openmaas_tui.ui.widgets.cost_chart import CostChart
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.widgets.source_cost_table import SourceCostTable
from openmaas_tui.ui.workers import WorkerOwner

EMPTY = """\
[b]No answers in the history yet.[/b]

Every answer is recorded with its tokens and cost: chat in the playground, race models in
compare, or run [b]openmaas ask[/b] from a shell (try [b]openmaas ask -m demo "hello"[/b]: the
offline demo model is free). This screen then adds them up: totals for today, the last 7 and
30 days and all time, a bar per day for the last 30 days, and a table per model.
"""

SortKey = Callable[[ModelCost], tuple[float | str, ...]]

COLUMNS: tuple[tuple[str, SortKey, bool], ...] = (
    ("provider", lambda m: (m.provider or "",), False),
    ("model", lambda m: (m.model or "",), False),
    ("cost", lambda m: (m.totals.cost_usd, m.totals.unknown), True),
    ("answers", lambda m: (m.totals.answers,), True),
    ("input", lambda m: (m.totals.input_tokens,), True),
    ("cached", lambda m: (m.totals.cached_input_tokens,), True),
    ("output", lambda m: (m.totals.output_tokens,), True),
    ("reasoning", lambda m: (m.totals.reasoning_tokens,), True),
)
"""The model table's columns: header, sort key, and whether it sorts descending first."""

DEFAULT_ORDER = "cost"


def today() -> date:
    """The local day the report ends on (tests fix it)."""
    return date.today()


def _period_text(totals: Totals) -> Text:
    text = Text(totals.breakdown_text, style="bold")
    answers = f"{totals.answers:,} answer" + ("" if totals.answers == 1 else "s")
    text.append(f"\n{answers}", style="dim")
    text.append(f"\n{totals.input_tokens:,} in · {totals.output_tokens:,} out", style="dim")
    return text


class CostTable(DataTable[str | Text]):
    """Cost per provider and model, sortable from the keyboard (see the module docstring)."""

    BINDINGS = [
        Binding("o", "next_order", "Order", id="costs.order", tooltip="Sort by the next column"),
        Binding("i", "invert", "Invert", id="costs.invert", tooltip="Reverse the order"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.order = DEFAULT_ORDER
        self.descending = True
        self.models: tuple[ModelCost, ...] = ()

    def on_mount(self) -> None:
        for header, _, numeric in COLUMNS:
            self.add_column(column_label(header, numeric), key=header)

    def show(self, models: tuple[ModelCost, ...]) -> None:
        """Fill the table with ``models`` in the current order."""
        self.models = models
        self._fill()

    def sort_by(self, column: str, *, descending: bool | None = None) -> None:
        """Order the rows by ``column`` (a header of :data:`COLUMNS`); by default numbers go
        largest first and names A to Z."""
        self.order = column
        first = next(desc for header, _, desc in COLUMNS if header == column)
        self.descending = first if descending is None else descending
        self._fill()

    def action_next_order(self) -> None:
        """Sort by the next column."""
        headers = [header for header, _, _ in COLUMNS]
        self.sort_by(headers[(headers.index(self.order) + 1) % len(headers)])
        self.notify(f"ordered by {self.order}", timeout=2)

    def action_invert(self) -> None:
        """Reverse the order."""
        self.sort_by(self.order, descending=not self.descending)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = str(event.column_key.value)
        same = column == self.order
        self.sort_by(column, descending=not self.descending if same else None)

    @property
    def rows_shown(self) -> list[tuple[str | None, str | None]]:
        """The (provider, model) of each row, top to bottom."""
        return [(m.provider, m.model) for m in self._sorted()]

    def _sorted(self) -> list[ModelCost]:
        key = next(k for header, k, _ in COLUMNS if header == self.order)
        by_name = sorted(self.models, key=lambda m: (m.provider or "", m.model or ""))
        return sorted(by_name, key=key, reverse=self.descending)

    def _fill(self) -> None:
        self.clear()
        for m in self._sorted():
            t = m.totals
            counts = (t.answers, t.input_tokens, t.cached_input_tokens, t.output_tokens)
            name = Text(terminal_safe(m.model or "(not recorded)"))
            cells = totals_cells(t, (*counts, t.reasoning_tokens))
            self.add_row(Text(terminal_safe(m.provider or "–")), name, *cells)


class CostScreen(WorkerOwner, Screen[None]):
    """What the history cost, per period, per day and per model (see the module docstring).

    Args:
        services: the run's services (its history).
        days: how many days the chart covers.
    """

    CSS_PATH = "cost.tcss"
    TITLE = "Costs"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="costs.back"),
        Binding("r", "reload", "Reload", id="costs.reload", tooltip="Read the history again"),
    ]

    def __init__(self, services: Services, *, days: int = DEFAULT_DAYS) -> None:
        super().__init__()
        self.services = services
        self.days = days
        self.report: CostReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="costs-problem", markup=False)
        with VerticalScroll(id="costs-body"):
            yield Static("Reading the history…", id="costs-empty")
            with Horizontal(id="costs-periods"):
                for number in range(4):
                    yield Static(id=f"costs-period-{number}", classes="period")
            yield CostChart(id="costs-chart")
            yield CostTable(id="costs-models")
            yield SourceCostTable(id="costs-sources")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one(
            "#costs-chart"
        ).border_title = f"Cost per day · last {self.days} days · local time"
        self.query_one(CostTable).border_title = "By model · all time"
        self.query_one(SourceCostTable).border_title = "By source · all time"
        self.add_class("-empty")  # "Reading the history…" alone until the report is in
        self.load()

    def action_reload(self) -> None:
        """Read the history again."""
        self.load()

    @work(exclusive=True, group="costs", exit_on_error=False, description="read the cost history")
    async def load(self) -> None:
        """Build the report on the history's thread, then show it."""
        history = await self.services.history()
        problem = history.problem
        try:
            report = await history.call(cost_report, today=today(), days=self.days)
        except OpenMaaSError as exc:
            self._show_problem(f"{exc.message}. {exc.hint or ''}".strip())
            return
        if problem is not None:
            self._show_problem(
                f"The history file could not be opened ({problem.message}): this run keeps its "
                "history in memory, so these costs cover this run only."
            )
        self.show(report)

    def _show_problem(self, text: str) -> None:
        banner = self.query_one("#costs-problem", Static)
        banner.update(text)
        banner.add_class("-shown")

    def show(self, report: CostReport) -> None:
        """Show ``report`` (or the empty state when the history holds no answer)."""
        self.report = report
        self.set_class(report.empty, "-empty")
        self.query_one("#costs-empty", Static).update(EMPTY)
        for number, (label, totals) in enumerate(report.periods):
            period = self.query_one(f"#costs-period-{number}", Static)
            period.border_title = label
            period.update(_period_text(totals))
        chart = self.query_one(CostChart)
        chart.show(report.days)
        unknown = any(d.totals.unknown for d in report.days)
        chart.border_subtitle = "? answers with unknown price" if unknown else ""
        self.query_one(CostTable).show(report.models)
        self.query_one(SourceCostTable).show(report.sources)
        if not report.empty:
            self.query_one(CostTable).focus()
