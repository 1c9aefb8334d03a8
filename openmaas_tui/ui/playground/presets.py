"""Presets in the playground: the command palette's "Save parameters as preset…", "Load preset:
NAME" and "Delete preset: NAME", and the small dialog that asks for a name. A preset is the
parameter panel's parameters, system prompt and model, kept in ``presets.toml`` in the config
directory (:mod:`openmaas_tui.core.config.presets`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from openmaas_tui.core.config.paths import Paths
from openmaas_tui.core.config.presets import (
    Preset,
    delete_preset,
    load_presets,
    presets_path,
    save_preset,
)
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.sessions.params_state import summary
from openmaas_tui.ui.widgets.params_panel import ParamsPanel


class PresetName(ModalScreen[str | None]):
    """Asks for a preset's name: ``enter`` saves, ``escape`` cancels."""

    DEFAULT_CSS = """
    PresetName { align: center middle; }
    PresetName > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: round $border; background: $surface;
    }
    PresetName Label { width: 100%; color: $text-muted; }
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


class Presets:
    """Saves the parameter panel as a preset, loads one into it, deletes one.

    Args:
        params: the parameter panel.
        paths: the run's paths (``presets.toml`` is in the config directory).
    """

    def __init__(self, params: ParamsPanel, paths: Paths) -> None:
        self.params = params
        self.path = presets_path(paths)

    def commands(self) -> Iterator[SystemCommand]:
        """The palette's preset commands: save, then load and delete for each saved preset."""
        yield SystemCommand(
            "Save parameters as preset…",
            "Name the panel's parameters, system prompt and model, to load them later",
            self.ask_name,
        )
        try:
            presets = load_presets(self.path)
        except OpenMaaSError as exc:
            yield SystemCommand("Presets: file has an error", exc.message, partial(self._tell, exc))
            return
        for name, preset in presets.items():
            load = partial(self.load, preset)
            yield SystemCommand(f"Load preset: {name}", _describe(preset), load)
        for name in presets:
            yield SystemCommand(
                f"Delete preset: {name}", f"Remove it from {self.path}", partial(self.remove, name)
            )

    def _tell(self, error: OpenMaaSError) -> None:
        text = f"{error.message}\n{error.hint or ''}"
        self.params.notify(text, title="Presets", severity="error")

    def ask_name(self) -> None:
        """Ask for a name, then save the panel's parameters under it."""

        def named(name: str | None) -> None:
            if name:
                self.store(name)

        self.params.app.push_screen(PresetName(), named)

    def store(self, name: str) -> None:
        """Save the panel's parameters, system prompt and model as preset ``name``."""
        shown = self.params.params
        preset = Preset(name, shown.request_params(), shown.model)
        try:
            save_preset(self.path, preset)
        except OpenMaaSError as exc:
            self._tell(exc)
            return
        except OSError as exc:
            self.params.notify(f"could not save: {exc.strerror}", title="Presets", severity="error")
            return
        self.params.notify(f"Saved preset “{name}”", title="Presets", timeout=4)

    def load(self, preset: Preset) -> None:
        """Show ``preset`` in the panel (and select its model, if it names one)."""
        if preset.model:
            self.params.set_model(preset.model)
        self.params.show_params(preset.params)
        self.params.notify(f"Loaded preset “{preset.name}”", title="Presets", timeout=4)

    def remove(self, name: str) -> None:
        """Delete preset ``name``."""
        try:
            delete_preset(self.path, name)
        except OpenMaaSError as exc:
            self._tell(exc)
            return
        self.params.notify(f"Deleted preset “{name}”", title="Presets", timeout=4)


def _describe(preset: Preset) -> str:
    where = f"{preset.model} · " if preset.model else ""
    return where + summary(preset.params)
