"""The sidebar's and the chat pane's two dialogs: a title to type, and a question before
something is deleted.

:class:`RenameDialog` returns the new title (None when cancelled); :class:`ConfirmDialog`
returns True to go ahead. Both are pushed by the playground and answer from the keyboard.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from openmaas_tui.core.text.terminal import terminal_safe


class RenameDialog(ModalScreen[str | None]):
    """An input holding a session's title: ``enter`` saves, ``escape`` cancels.

    Args:
        title: the current title, selected so that typing replaces it.
    """

    CSS_PATH = "session_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="sessions.rename.cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.current_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-dialog", classes="session-dialog"):
            yield Label("Rename the chat", classes="dialog-title")
            yield Input(self.current_title, select_on_focus=True, id="rename-input")
            yield Static("enter saves · escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#rename-input", Input).focus()

    def action_cancel(self) -> None:
        """Close, keeping the title."""
        self.dismiss(None)

    @on(Input.Submitted, "#rename-input")
    def save(self, event: Input.Submitted) -> None:
        """Return the title typed."""
        self.dismiss(event.value)


class ConfirmDialog(ModalScreen[bool]):
    """Asks before something is deleted: ``y`` goes ahead, ``n`` or ``escape`` keeps it.

    Args:
        question: what is about to happen, shown as typed (never as markup).
        verb: the button that goes ahead (``Delete``, ``Clear``).
    """

    CSS_PATH = "session_dialogs.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="sessions.confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="sessions.confirm.no"),
    ]

    def __init__(self, question: str, *, verb: str = "Delete") -> None:
        super().__init__()
        self.question = question
        self.verb = verb

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="session-dialog"):
            yield Label(terminal_safe(self.question), markup=False, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.verb, variant="error", id="confirm-yes")
                yield Button("Keep", id="confirm-no")
            yield Static(f"y: {self.verb.lower()} · n or escape keeps it", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        """A button: go ahead, or keep."""
        self.dismiss(event.button.id == "confirm-yes")
