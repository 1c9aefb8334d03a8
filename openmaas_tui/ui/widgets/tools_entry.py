"""The parameter panel's line for the chat's tools: ``Tools: 2 · auto``; ``enter`` or a click
opens the definitions dialog (:class:`~openmaas_tui.ui.screens.tools_dialog.ToolsDialog`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from openmaas_tui.core.tools import ToolChoice, ToolDefinition
from openmaas_tui.ui.screens.tools_dialog import ToolsDialog, ToolSettings


def entry_text(tools: Sequence[ToolDefinition], choice: ToolChoice | None) -> str:
    """``Tools: none`` or ``Tools: 2 · auto`` (the choice, or the function it must call)."""
    if not tools:
        return "Tools: none · enter adds"
    shown = "auto" if choice is None else str(choice)
    return f"Tools: {len(tools)} · {shown}"


class ToolsEntry(Static):
    """The chat's tool definitions and choice, summed up on one line.

    Attributes:
        tools: the definitions (none: no tools are sent).
        choice: the tool choice, None for the provider's default (auto).
    """

    DEFAULT_CSS = """
    ToolsEntry { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    ToolsEntry:focus { color: $text; text-style: bold; background: $boost; }
    """
    BINDINGS = [Binding("enter", "open", "Tools", id="params.tools")]

    @dataclass
    class Changed(Message):
        """The person saved other definitions or another choice."""

        entry: ToolsEntry

    def __init__(self, *, id: str | None = None) -> None:
        self._shown = entry_text((), None)
        super().__init__(self._shown, id=id, markup=False)
        self.can_focus = True
        self.tools: tuple[ToolDefinition, ...] = ()
        self.choice: ToolChoice | None = None
        self.tooltip = "The functions the model may call (JSON) and the tool choice: enter edits"

    def show(self, tools: Sequence[ToolDefinition], choice: ToolChoice | None) -> None:
        """Show ``tools`` and ``choice`` (a chat's, as it is opened)."""
        self.tools, self.choice = tuple(tools), choice if tools else None
        text = entry_text(self.tools, self.choice)
        if text != self._shown:  # the same line again would lay the panel out again
            self._shown = text
            self.update(text)

    def action_open(self) -> None:
        """Open the definitions dialog."""
        self.app.push_screen(ToolsDialog(self.tools, self.choice), self._saved)

    def on_click(self, event: Click) -> None:
        event.stop()
        self.action_open()

    def _saved(self, settings: ToolSettings | None) -> None:
        if settings is None:
            return
        self.show(*settings)
        self.post_message(self.Changed(self))
