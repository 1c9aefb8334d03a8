"""ctrl+l: the model picker dialog over a list of models (the parameter panel's, or the compare
bar's); the model picked is handed to whoever opened it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import App

from openmaas_tui.core.models.choices import ModelChoices
from openmaas_tui.core.models.picker_rows import KeyState, PickerFacts, PickerRow, key_states
from openmaas_tui.services import Services
from openmaas_tui.ui.screens.model_dialog import ModelPickerDialog


class ModelChoice:
    """Opens the model picker with each model's price, context window and key.

    Args:
        services: the run's services (prices, keys, providers, custom endpoints).
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self._facts: PickerFacts | None = None
        """Each model's facts, found once (in the dialog's thread)."""

    def open(
        self,
        app: App[object],
        pairs: Sequence[tuple[str, str]],
        current: str,
        picked: Callable[[str], object],
    ) -> ModelPickerDialog:
        """Show the picker over ``pairs`` (``(label, spec)``), ``current`` highlighted; the spec
        picked is passed to ``picked`` (nothing is called when the person keeps the model)."""
        listed = list(pairs)

        def rows(with_keys: bool) -> list[PickerRow]:
            keys: dict[str, KeyState] = {}
            if with_keys:
                specs = self.services.providers.specs()
                keys = key_states(self.services.keys, [(s.id, s.credential) for s in specs])
            return self.facts().rows(listed, keys)

        def answered(spec: str | None) -> None:
            if spec is not None:
                picked(spec)

        dialog = ModelPickerDialog(rows, current=current)
        app.push_screen(dialog, answered)
        return dialog

    def facts(self) -> PickerFacts:
        """The facts of the models (blocking the first time: loads the price table)."""
        if self._facts is None:
            endpoints = dict(self.services.settings.endpoints)
            choices = ModelChoices(lambda: endpoints)
            self._facts = PickerFacts(choices, self.services.prices)
        return self._facts
