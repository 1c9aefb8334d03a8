"""The keys screen's two dialogs: the form that takes a key, and the question before a delete.

:class:`KeyForm` returns a :class:`NewKey` (or None when cancelled); the key is typed into a
password input and never shown. :class:`ConfirmDelete` returns True to delete. Both are pushed by
:class:`~openmaas_tui.ui.screens.keys_screen.KeysScreen`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from openmaas_tui.ui.widgets.secret_input import SecretInput


@dataclass(frozen=True, slots=True)
class NewKey:
    """What the add form returns: the key typed and whether to keep it in the OS keyring."""

    key: str
    persist: bool

    def __repr__(self) -> str:  # never let the key reach a log through a repr
        return f"NewKey(key=<hidden>, persist={self.persist})"


class KeyForm(ModalScreen[NewKey | None]):
    """A password input for one provider's key and where to store it.

    Args:
        provider: the provider the key is for.
        keyring_backend: the OS keyring backend's name, or None when no keyring is usable
            (the key is then kept in memory for this run, and the form says so).
    """

    CSS_PATH = "keys_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="keys.form.cancel")]

    def __init__(self, provider: str, keyring_backend: str | None) -> None:
        super().__init__()
        self.provider = provider
        self.keyring_backend = keyring_backend

    def compose(self) -> ComposeResult:
        with Vertical(id="key-form", classes="keys-dialog"):
            yield Label(f"API key for [b]{self.provider}[/]", classes="dialog-title")
            yield SecretInput(placeholder="paste the key", id="key-input")
            yield Static("", id="key-form-error")
            if self.keyring_backend is not None:
                with RadioSet(id="key-store"):
                    yield RadioButton(
                        f"OS keyring ({self.keyring_backend})", value=True, id="store-keyring"
                    )
                    yield RadioButton("memory only, for this run", id="store-memory")
            else:
                yield Static(
                    "No usable OS keyring here: the key is kept in memory for this run only.",
                    id="key-memory-only",
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="key-save")
                yield Button("Cancel", id="key-cancel")
            yield Static("enter saves · tab moves · escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#key-input", Input).focus()

    def action_cancel(self) -> None:
        """Close without storing anything."""
        self.dismiss(None)

    @on(Input.Submitted, "#key-input")
    @on(Button.Pressed, "#key-save")
    def save(self) -> None:
        """Return the key and the storage chosen; an empty key is refused in place."""
        key = self.query_one("#key-input", Input).value.strip()
        if not key:
            error = self.query_one("#key-form-error", Static)
            error.update("the key is empty")
            error.add_class("-shown")
            self.query_one("#key-input", Input).focus()
            return
        persist = (
            self.keyring_backend is not None and self.query_one("#store-keyring", RadioButton).value
        )
        self.dismiss(NewKey(key, persist))

    @on(Button.Pressed, "#key-cancel")
    def cancel(self) -> None:
        """The Cancel button."""
        self.dismiss(None)


class ConfirmDelete(ModalScreen[bool]):
    """Asks before a stored key is deleted: ``y`` deletes, ``n`` or ``escape`` keeps it.

    Args:
        question: what is about to be deleted, with the key masked.
    """

    CSS_PATH = "keys_dialogs.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Delete", id="keys.confirm.yes"),
        Binding("n,escape", "answer(False)", "Keep", id="keys.confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-delete", classes="keys-dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Delete", variant="error", id="confirm-yes")
                yield Button("Keep", id="confirm-no")
            yield Static("y deletes · n or escape keeps it", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, delete: bool) -> None:
        """Close with the answer."""
        self.dismiss(delete)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        """A button: Delete or Keep."""
        self.dismiss(event.button.id == "confirm-yes")
