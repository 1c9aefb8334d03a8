"""The "Gateway" view (from the command palette): the requests ``openmaas serve`` answers, as
they arrive.

The gateway is another process; what it leaves in the shared history is one spend-ledger row
per answer, source ``gateway`` (:mod:`openmaas_tui.core.history.ledger`), with the client that
asked (its ``User-Agent``'s product token) and the HTTP status it was answered with. This
screen reads the rows after the last one it shows about once a second
(:func:`~openmaas_tui.core.history.ledger_tail.spend_since`, on the history's thread) and adds
them to a table: when, client, model, status, tokens in and out, cost. A failed status is
drawn as an error, 499 (the client left first) dimmed; a row written before the ledger kept
statuses reads ``answered`` or ``not billed``. At most :data:`MAX_ROWS` rows are kept, the
oldest dropped first. In a terminal narrower than :data:`WIDE` columns the client and the
model are cut to :data:`NARROW_CELL` characters, so every column fits in 80.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from openmaas_tui.core.history.ledger import STATUS_CLOSED, SpendSource
from openmaas_tui.core.history.ledger_tail import LedgerRow, spend_since
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.services import Services
from openmaas_tui.ui.workers import WorkerOwner

POLL_S = 1.0
"""How often the history is read for new rows, in seconds."""

MAX_ROWS = 500
"""The most requests the table keeps."""

WIDE = 100
"""The narrowest screen, in columns, where client and model are shown whole."""

NARROW_CELL = 14
"""The most characters of a client or a model shown below :data:`WIDE` columns."""

COLUMNS = ("time", "client", "model", "status", "in", "out", "cost")
"""The table's columns (the last three right-aligned)."""

EMPTY = (
    "No gateway requests yet. Start [b]openmaas serve[/b] in another terminal and point an "
    "OpenAI or Anthropic SDK at it: each request shows here as it ends."
)


def _count(value: int | None) -> Text:
    return Text("–" if value is None else f"{value:,}", justify="right")


def status_cell(status: int | None, billed: bool) -> Text:
    """A request's status: the HTTP status (a failure in the error style, 499 dimmed), or
    for a row that kept none whether anything was billed."""
    if status is None:
        return Text("answered") if billed else Text("not billed", style="dim")
    if status == STATUS_CLOSED:
        return Text(f"{status} left", style="dim")
    return Text(str(status), style="bold red" if status >= 400 else "")


def _cut(text: str, most: int | None) -> str:
    if most is None or len(text) <= most:
        return text
    return text[: most - 1] + "…"


def row_cells(row: LedgerRow, *, most: int | None = None) -> tuple[str | Text, ...]:
    """The cells of one request: local time, client, model, status, in, out, cost (``≈``
    when the counts were local estimates); the client and the model cut to ``most``
    characters (ending in ``…``) when it is given."""
    entry = row.entry
    when = datetime.fromtimestamp(entry.ended_at).strftime("%H:%M:%S")
    status = status_cell(entry.status, entry.billed)
    cost = format_usd(entry.cost_usd)
    if entry.estimated and entry.cost_usd is not None:
        cost = "≈" + cost
    return (
        when,
        _cut(terminal_safe(entry.client or "–"), most),
        _cut(terminal_safe(entry.model or "–"), most),
        status,
        _count(entry.usage.input_tokens),
        _count(entry.usage.output_tokens),
        Text(cost, justify="right"),
    )


class GatewayScreen(WorkerOwner, Screen[None]):
    """The gateway's requests, live (see the module docstring).

    Args:
        services: the run's services (its history).
        poll_s: seconds between reads of the history.

    Attributes:
        last_row: the ledger id of the newest row shown (0 before any).
    """

    CSS_PATH = "gateway.tcss"
    TITLE = "Gateway"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="gateway.back")]

    def __init__(self, services: Services, *, poll_s: float = POLL_S) -> None:
        super().__init__()
        self.services = services
        self.poll_s = poll_s
        self.last_row = 0
        self._rows: deque[LedgerRow] = deque(maxlen=MAX_ROWS)
        self._most: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(EMPTY, id="gateway-empty")
        table: DataTable[str | Text] = DataTable(
            id="gateway-requests", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Footer()

    def _add_columns(self, table: DataTable[str | Text]) -> None:
        for name in COLUMNS:
            table.add_column(Text(name, justify="right" if name in COLUMNS[-3:] else "left"))

    def on_mount(self) -> None:
        table: DataTable[str | Text] = self.query_one(DataTable)
        self._most = None if self.app.size.width >= WIDE else NARROW_CELL
        self._add_columns(table)
        table.border_title = "Requests through openmaas serve"
        self.add_class("-empty")
        self.poll()
        self.set_interval(self.poll_s, self.poll)

    @work(exclusive=True, group="gateway", exit_on_error=False, description="read the gateway")
    async def poll(self) -> None:
        """Read the rows after :attr:`last_row` and show them."""
        history = await self.services.history()
        rows = await history.call(spend_since, source=SpendSource.GATEWAY, after=self.last_row)
        if rows:
            self.show(rows)

    def on_resize(self) -> None:
        """Draw the rows again when the screen crosses :data:`WIDE` columns."""
        most = None if self.app.size.width >= WIDE else NARROW_CELL
        tables = self.query(DataTable)
        if most == self._most or not tables:  # the same, or not composed yet
            return
        self._most = most
        table: DataTable[str | Text] = tables.first()
        cursor = table.cursor_row
        table.clear(columns=True)  # the columns' widths follow what they hold now
        self._add_columns(table)
        for row in self._rows:
            table.add_row(*row_cells(row, most=most), key=str(row.row_id))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def show(self, rows: list[LedgerRow]) -> None:
        """Add ``rows`` at the bottom (following them when the cursor was on the last row)."""
        table: DataTable[str | Text] = self.query_one(DataTable)
        following = table.row_count == 0 or table.cursor_row >= table.row_count - 1
        for row in rows:
            table.add_row(*row_cells(row, most=self._most), key=str(row.row_id))
            self._rows.append(row)
            self.last_row = max(self.last_row, row.row_id)
        while table.row_count > MAX_ROWS:
            table.remove_row(next(iter(table.rows)))
        self.set_class(table.row_count == 0, "-empty")
        if following:
            table.move_cursor(row=table.row_count - 1)


def gateway_command(app: App[Any], services: Services) -> SystemCommand:
    """The command palette's entry that opens the view."""
    return SystemCommand(
        "Gateway",
        "Requests through openmaas serve, as they arrive",
        lambda: app.push_screen(GatewayScreen(services)),
    )
