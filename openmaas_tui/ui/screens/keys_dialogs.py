"""The keys screen's two dialogs: the form that takes a key (or each part of a provider's
credentials), and the question before a delete.

:class:`KeyForm` returns a :class:`NewKey` (or None when cancelled); secrets are typed into
password inputs and never shown. :class:`ConfirmDelete` returns True to delete. Both are pushed
by :class:`~openmaas_tui.ui.screens.keys_screen.KeysScreen`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from openmaas_tui.core.credentials.credentials import Part
from openmaas_tui.core.credentials.fields import CredentialField


@dataclass(frozen=True, slots=True)
class NewKey:
    """What the add form returns: the parts typed (blank ones left out; a key alone is
    ``{Part.API_KEY: key}``) and whether to keep them in the OS keyring."""

    parts: Mapping[Part, str]
    persist: bool

    def __repr__(self) -> str:  # never let a secret reach a log through a repr
        return f"NewKey(parts={sorted(p.value for p in self.parts)}, persist={self.persist})"


_KEY_ONLY = (CredentialField(Part.API_KEY, "API key", required=True),)


class KeyForm(ModalScreen[NewKey | None]):
    """A password input for one provider's key (or an input for each part of its credentials)
    and where to store it.

    Args:
        provider: the provider the key is for.
        keyring_backend: the OS keyring backend's name, or None when no keyring is usable
            (the key is then kept in memory for this run, and the form says so).
        fields: the parts to ask for (:func:`~openmaas_tui.core.credentials.fields.fields_for`);
            one API key when empty. A single key's input has the id ``key-input``; each part
            of several has ``part-NAME`` (``part-secret_access_key``).
    """

    CSS_PATH = "keys_dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="keys.form.cancel")]

    def __init__(
        self,
        provider: str,
        keyring_backend: str | None,
        fields: tuple[CredentialField, ...] = (),
    ) -> None:
        super().__init__()
        self.provider = provider
        self.keyring_backend = keyring_backend
        self.fields = fields if len(fields) > 1 else _KEY_ONLY

    @property
    def _single(self) -> bool:
        return len(self.fields) == 1

    def _input_id(self, field: CredentialField) -> str:
        return "key-input" if self._single else f"part-{field.part.value}"

    def compose(self) -> ComposeResult:
        with Vertical(id="key-form", classes="keys-dialog"):
            if self._single:
                yield Label(f"API key for [b]{self.provider}[/]", classes="dialog-title")
                yield Input(placeholder="paste the key", password=True, id="key-input")
            else:
                yield Label(f"Credentials for [b]{self.provider}[/]", classes="dialog-title")
                for field in self.fields:
                    envs = " or ".join(field.env)
                    note = " · ".join(x for x in (field.hint, envs and f"else {envs}") if x)
                    yield Label(field.label, classes="part-label")
                    yield Input(
                        placeholder=note or field.label,
                        password=field.secret,
                        id=self._input_id(field),
                        classes="part-input",
                    )
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
        self.query_one(f"#{self._input_id(self.fields[0])}", Input).focus()

    def action_cancel(self) -> None:
        """Close without storing anything."""
        self.dismiss(None)

    def _refuse(self, what: str, field: CredentialField) -> None:
        error = self.query_one("#key-form-error", Static)
        error.update(what)
        error.add_class("-shown")
        self.query_one(f"#{self._input_id(field)}", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter on a part's input moves to the next part; on the last one it saves."""
        inputs = list(self.query(Input))
        if event.input is not inputs[-1]:
            inputs[inputs.index(event.input) + 1].focus()
            return
        self.save()

    @on(Button.Pressed, "#key-save")
    def save(self) -> None:
        """Return the parts typed and the storage chosen; an empty key is refused in place.
        With several parts, blank ones are left to their fallbacks (config, environment)."""
        parts = {
            f.part: value
            for f in self.fields
            if (value := self.query_one(f"#{self._input_id(f)}", Input).value.strip())
        }
        if self._single and not parts:
            self._refuse("the key is empty", self.fields[0])
            return
        if not parts:
            self._refuse("fill in at least one part", self.fields[0])
            return
        persist = (
            self.keyring_backend is not None and self.query_one("#store-keyring", RadioButton).value
        )
        self.dismiss(NewKey(parts, persist))

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
