"""Presets in the playground: the command palette's "Save parameters as preset…", "Load preset:
NAME" and "Delete preset: NAME", and the small dialog that asks for a name."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from openmaas_tui.core.config.presets import (
    Preset,
    delete_preset,
    load_presets,
    presets_path,
    save_preset,
)
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.sessions.params_state import summary

if TYPE_CHECKING:
    from openmaas_tui.ui.app import PlaygroundApp


class PresetName(ModalScreen[str | None]):
    """Asks for a preset's name: ``enter`` saves, ``escape`` cancels."""

    DEFAULT_CSS = """
    PresetName { align: center middle; }
    PresetName > Vertical {
        width: 50; height: auto; padding: 1 2;
        border: round $border; background: $surface;
    }
    PresetName Label { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="preset.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save the parameters and system prompt as preset:")
            yield Input(placeholder="name, e.g. terse-json", id="preset-name")

    @on(Input.Submitted, "#preset-name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


def preset_commands(app: PlaygroundApp) -> Iterable[SystemCommand]:
    """The palette's preset commands: save, then load and delete for each saved preset."""
    yield SystemCommand(
        "Save parameters as preset…",
        "Name the panel's parameters, system prompt and model, to load them later",
        partial(ask_preset_name, app),
    )
    path = presets_path(app.services.paths)
    try:
        presets = load_presets(path)
    except OpenMaaSError as exc:
        yield SystemCommand("Presets: file has an error", exc.message, partial(_tell, app, exc))
        return
    for name, preset in presets.items():
        yield SystemCommand(
            f"Load preset: {name}", _describe(preset), partial(load_preset, app, preset)
        )
    for name in presets:
        yield SystemCommand(
            f"Delete preset: {name}", f"Remove it from {path}", partial(remove_preset, app, name)
        )


def _describe(preset: Preset) -> str:
    where = f"{preset.model} · " if preset.model else ""
    return where + summary(preset.params)


def _tell(app: PlaygroundApp, error: OpenMaaSError) -> None:
    app.notify(f"{error.message}\n{error.hint or ''}", title="Presets", severity="error")


def ask_preset_name(app: PlaygroundApp) -> None:
    """Ask for a name, then save the panel's parameters under it."""

    def saved(name: str | None) -> None:
        if name:
            store_preset(app, name)

    app.push_screen(PresetName(), saved)


def store_preset(app: PlaygroundApp, name: str) -> None:
    """Save the panel's parameters, system prompt and model as preset ``name``."""
    shown = app.params.params
    preset = Preset(name, shown.request_params(), shown.model)
    try:
        save_preset(presets_path(app.services.paths), preset)
    except OpenMaaSError as exc:
        _tell(app, exc)
        return
    except OSError as exc:
        app.notify(f"could not save: {exc.strerror}", title="Presets", severity="error")
        return
    app.notify(f"Saved preset “{name}”", title="Presets", timeout=4)


def load_preset(app: PlaygroundApp, preset: Preset) -> None:
    """Show ``preset`` in the panel (and select its model, if it names one)."""
    if preset.model:
        app.params.set_model(preset.model)
    app.params.show_params(preset.params)
    app.notify(f"Loaded preset “{preset.name}”", title="Presets", timeout=4)


def remove_preset(app: PlaygroundApp, name: str) -> None:
    """Delete preset ``name``."""
    try:
        delete_preset(presets_path(app.services.paths), name)
    except OpenMaaSError as exc:
        _tell(app, exc)
        return
    app.notify(f"Deleted preset “{name}”", title="Presets", timeout=4)
