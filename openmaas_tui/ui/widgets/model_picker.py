"""The model picker at the top of the parameter panel, with the selected model's limits under it.

The list holds the demo, the catalog, models passed by name (a local model, a model sent
verbatim to ``--provider``) and, once discovery has answered, the models Ollama and the custom
endpoints list. A source that cannot be reached is named only in the discovery note's tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalGroup
from textual.message import Message
from textual.widgets import Label, Select, Static

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.choices import ModelChoices
from openmaas_tui.providers.discovery import discover_models
from openmaas_tui.providers.registry import Providers
from openmaas_tui.ui.widgets.param_inputs import CycleSelect
from openmaas_tui.ui.workers import WorkerOwner


class ModelPicker(WorkerOwner, VerticalGroup):
    """Which model answers next: a searchable list, ←/→ to step through it.

    Args:
        model: the model selected at first; added to the list when it is not in the
            catalog.
        providers: where to discover models and which custom endpoints route; None for the
            catalog alone.
        discover: whether to ask Ollama and the custom endpoints for their models on mount.
    """

    @dataclass
    class Picked(Message):
        """The person picked another model from the list.

        Attributes:
            model: the model spec now selected.
        """

        model: str

    def __init__(self, model: str, *, providers: Providers | None, discover: bool) -> None:
        super().__init__()
        self._providers = providers
        self._discover = discover
        self._choices = ModelChoices(self._endpoints)
        self._discovered = 0
        self._sources: set[str] = set()
        self.model = self._choices.option_for(model.strip() or "demo")
        """The model spec selected."""

    def compose(self) -> ComposeResult:
        yield Label("Model", classes="caption")
        yield CycleSelect(
            self.choices,
            value=self.model,
            id="model",
            tooltip="enter opens the list; type to search; ←/→ next",
        )
        yield Static(self._choices.limits_text(self.model), id="model-info")
        yield Static("", id="discovered")

    def on_mount(self) -> None:
        if self._discover and self._providers is not None:
            # After the first screen is drawn: asking the local servers must not delay it.
            self.call_after_refresh(self.discover)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The list's ``(label, spec)`` pairs in order: the demo, the catalog, then models
        added by :meth:`set_model` or discovery."""
        return self._choices.pairs

    @property
    def info(self) -> ModelInfo | None:
        """What the selected model can do, or None when nothing is known of it."""
        return self._choices.info(self.model)

    def set_model(self, spec: str) -> bool:
        """Select ``spec``, read as :meth:`Providers.target` reads it without a forced provider
        (added to the list when no listed model routes to the same place).

        Returns:
            Whether the selection changed (no :class:`Picked` is posted: the caller knows).
        """
        known = len(self._choices)
        spec = self._choices.option_for(spec.strip())
        if len(self._choices) != known:
            self._refresh_options()
        select = self.query_one("#model", CycleSelect)
        with select.prevent(Select.Changed):
            select.value = spec
        return self._select(spec)

    def add_models(self, models: Iterable[ModelInfo]) -> int:
        """Add discovered models (``provider/id``) to the list, skipping those already in it.

        Returns:
            How many were added.
        """
        added = 0
        for info in models:
            if self._choices.add(info):
                added += 1
                self._sources.add(info.provider)
        if added:
            self._discovered += added
            self._refresh_options()
            note = self.query_one("#discovered", Static)
            note.update(f"+{self._discovered} from {', '.join(sorted(self._sources))}")
            note.add_class("-found")
        return added

    @work(
        exclusive=True,
        group="params-discovery",
        exit_on_error=False,
        description="discover models",
    )
    async def discover(self) -> None:
        """Ask Ollama and the custom endpoints for their models and add them to the list.
        A source that fails is only named in the note's tooltip."""
        if self._providers is None:
            return
        models, errors = await discover_models(self._providers)
        self.add_models(models)
        if errors:
            self.query_one("#discovered", Static).tooltip = "\n".join(
                f"{e.provider}: {e.code}" for e in errors
            )

    def focus_select(self, *, scroll_visible: bool = True) -> None:
        """Focus the list (``enter`` opens it; typing searches it)."""
        self.query_one("#model", CycleSelect).focus(scroll_visible=scroll_visible)

    @on(Select.Changed, "#model")
    def _model_picked(self, event: Select.Changed) -> None:
        event.stop()
        # else a stale message: the value changed since
        if isinstance(event.value, str) and event.value == event.select.value:
            if self._select(event.value):
                self.post_message(self.Picked(event.value))

    def _select(self, spec: str) -> bool:
        if spec == self.model:
            return False
        self.model = spec
        self.query_one("#model-info", Static).update(self._choices.limits_text(spec))
        return True

    def _endpoints(self) -> dict[str, Endpoint]:
        providers = self._providers
        return dict(providers.settings.endpoints) if providers is not None else {}

    def _refresh_options(self) -> None:
        select = self.query_one("#model", CycleSelect)
        with select.prevent(Select.Changed):
            select.set_options(self.choices)
            select.value = self.model
