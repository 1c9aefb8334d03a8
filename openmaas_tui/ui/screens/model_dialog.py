"""The model picker (ctrl+l): every model the parameter panel lists, each with its price (USD per
1M input / output tokens), its context window and whether its provider's key is present; type
to narrow the list, ↑/↓ to move, ``enter`` picks, ``escape`` keeps the model.

The rows are read in a thread (:class:`~openmaas_tui.core.models.picker_rows.PickerFacts`
finds each model's facts once per run; the keys may be read from the OS keyring): the list
first shows the models with their prices and windows, then the key column once the keys are
read. At most :data:`SHOWN` rows are listed at a time, so typing stays quick however many
models there are.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from openmaas_tui.core.models.picker_rows import (
    KeyState,
    PickerRow,
    context_text,
    price_text,
)
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.ui.workers import WorkerOwner

SHOWN = 200
"""Most rows listed at a time; typing narrows the rest."""

PRICE_WIDTH = 17
CONTEXT_WIDTH = 6
KEY_WIDTH = 13
FIXED_WIDTH = PRICE_WIDTH + CONTEXT_WIDTH + KEY_WIDTH + 3
"""Cells of a row after the model's name (three gaps included)."""

_KEY_STYLES = {
    KeyState.PRESENT: "green",
    KeyState.MISSING: "red",
}

RowSource = Callable[[bool], list[PickerRow]]
"""Reads the picker's rows (blocking; run in a thread); with True, whether each provider's key
is present too (else every key reads :attr:`KeyState.UNKNOWN`)."""


def row_text(row: PickerRow, width: int) -> Text:
    """One row, ``width`` cells: the name (cut with …), the price, the window, the key."""
    name_width = max(8, width - FIXED_WIDTH)
    text = Text(no_wrap=True, overflow="ellipsis")
    name = terminal_safe(row.label)
    if len(name) > name_width:
        name = name[: name_width - 1] + "…"
    text.append(name.ljust(name_width))
    text.append(" " + price_text(row.price).rjust(PRICE_WIDTH))
    text.append(" " + context_text(row.context_window).rjust(CONTEXT_WIDTH), style="dim")
    text.append(" " + str(row.key).ljust(KEY_WIDTH), style=_KEY_STYLES.get(row.key, "dim"))
    return text


def header_text(width: int) -> str:
    """The line over the rows, aligned with :func:`row_text`."""
    name_width = max(8, width - FIXED_WIDTH)
    return (
        "model".ljust(name_width)
        + " "
        + "$ in / out per 1M".rjust(PRICE_WIDTH)
        + " "
        + "ctx".rjust(CONTEXT_WIDTH)
        + " "
        + "key".ljust(KEY_WIDTH)
    )


class ModelPickerDialog(WorkerOwner, ModalScreen[str | None]):
    """Choose the model: returns the spec picked, or None when kept.

    Args:
        rows: reads the rows (see :data:`RowSource`).
        current: the spec selected now (highlighted at first).
    """

    CSS_PATH = "model_dialog.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Keep", id="model_picker.cancel"),
        Binding("down", "move('cursor_down')", "Next", show=False),
        Binding("up", "move('cursor_up')", "Previous", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
    ]

    def __init__(self, rows: RowSource, *, current: str) -> None:
        super().__init__()
        self._read = rows
        self.current = current
        self.rows: list[PickerRow] = []
        """Every row, in the list's order (empty until read)."""
        self._haystacks: list[str] = []
        """What a search matches in each row (:attr:`PickerRow.haystack`), found once."""
        self.shown: list[PickerRow] = []
        """The rows listed now (those matching the search, at most :data:`SHOWN`)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="model-dialog"):
            yield Label("Choose the model", id="model-dialog-title")
            yield Input(placeholder="type to narrow: name, provider…", id="model-search")
            yield Static("", id="model-header")
            yield OptionList(id="model-options")
            yield Static("reading the models…", id="model-more")
            yield Static("↑/↓ move · enter picks · escape keeps", id="model-hint")

    def on_mount(self) -> None:
        self.query_one("#model-search", Input).focus()
        self.read_rows()

    @work(
        thread=True,
        exclusive=True,
        group="model-rows",
        exit_on_error=False,
        description="read the models' prices and keys",
    )
    def read_rows(self) -> None:
        """Read the rows (prices and windows), show them, then read the keys and show those."""
        rows = self._read(False)
        self.app.call_from_thread(self._take, rows)
        rows = self._read(True)
        self.app.call_from_thread(self._take, rows)

    def _take(self, rows: list[PickerRow]) -> None:
        if not self.is_attached:  # closed before the rows were read
            return
        self.rows = rows
        self._haystacks = [row.haystack for row in rows]
        self._fill()
        if not self.query_one("#model-options", OptionList).scrollable_content_region.width:
            self.call_after_refresh(self._fill)  # drawn before the list was laid out

    def on_resize(self) -> None:
        """Draw the rows again at the list's new width."""
        if self.rows:
            self.call_after_refresh(self._fill)

    @property
    def _width(self) -> int:
        options = self.query_one("#model-options", OptionList)
        return options.scrollable_content_region.width or 60

    def _fill(self) -> None:
        """List the rows matching the search (at most :data:`SHOWN`), the highlight kept on
        the same model when it is still listed (else on the current one, else the first)."""
        options = self.query_one("#model-options", OptionList)
        query = self.query_one("#model-search", Input).value
        highlighted = self.highlighted
        words = query.lower().split()
        matching = [
            row
            for row, haystack in zip(self.rows, self._haystacks, strict=True)
            if all(word in haystack for word in words)
        ]
        self.shown = matching[:SHOWN]
        width = self._width
        self.query_one("#model-header", Static).update(header_text(width))
        options.set_options(Option(row_text(row, width), id=row.spec) for row in self.shown)
        specs = [row.spec for row in self.shown]
        for wanted in (highlighted, self.current):
            if wanted in specs:
                options.highlighted = specs.index(wanted)
                break
        else:
            options.highlighted = 0 if specs else None
        more = len(matching) - len(self.shown)
        note = self.query_one("#model-more", Static)
        if not matching:
            note.update("no model matches: escape keeps the model")
        elif more:
            note.update(f"+{more:,} more: type to narrow")
        else:
            note.update(f"{len(matching):,} of {len(self.rows):,} models")

    @property
    def highlighted(self) -> str | None:
        """The spec of the highlighted row, or None."""
        index = self.query_one("#model-options", OptionList).highlighted
        return self.shown[index].spec if index is not None and index < len(self.shown) else None

    @on(Input.Changed, "#model-search")
    def _search(self) -> None:
        self._fill()

    def action_move(self, action: str) -> None:
        """Move the highlight (the search keeps the focus)."""
        options = self.query_one("#model-options", OptionList)
        getattr(options, f"action_{action}")()

    @on(Input.Submitted, "#model-search")
    def _submitted(self) -> None:
        spec = self.highlighted
        if spec is not None:
            self.dismiss(spec)

    @on(OptionList.OptionSelected, "#model-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close, keeping the model."""
        self.dismiss(None)
