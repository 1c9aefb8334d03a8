"""The parameter panel: which model answers next, its sampling parameters and system prompt.

The panel shows a model picker (the catalog, then models discovered from Ollama and the
custom endpoints), the model's limits, temperature, top_p, max_tokens and a system prompt.
:attr:`ParamsPanel.params` reads back exactly what is shown; :meth:`ParamsPanel.errors` says
which fields hold values no request may carry. :class:`Params`, the fields' parsing and range
checks and the picker's list live in :mod:`openmaas_tui.ui.params_state`, free of Textual;
``Params`` is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Self

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, TextArea

from openmaas_tui.core.catalog import ModelInfo
from openmaas_tui.core.settings import Endpoint
from openmaas_tui.providers.discovery import discover_models
from openmaas_tui.providers.registry import Providers
from openmaas_tui.ui.params_state import DEMO_LABEL, FIELDS, ModelChoices, Params, read_fields

__all__ = ["DEMO_LABEL", "Params", "ParamsPanel"]


class _FieldValidator(Validator):
    """Marks an input invalid with the same message :meth:`ParamsPanel.errors` gives."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self._parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self._parse(value)
        except ValueError as exc:
            return self.failure(str(exc))
        return self.success()


class ParamsPanel(Vertical):
    """The model picker and the request parameters, every field reachable by tab.

    Args:
        model: the model selected at first; added to the picker when it is not in the
            catalog (a local model, or a model passed verbatim for ``--provider``).
        providers: where to discover models; by default the app's ``services.providers``.
        discover: whether to ask Ollama and the custom endpoints for their models on mount.
    """

    DEFAULT_CSS = """
    ParamsPanel {
        width: 32;
        height: 1fr;
        border: round $border-blurred;
        border-title-color: $text-muted;
        padding: 0 1;
        &:focus-within {
            border: round $border;
            border-title-color: $text;
        }
        .caption { color: $text-muted; }
        #model-info, #discovered { color: $text-muted; height: 1; text-wrap: nowrap; }
        #discovered { display: none; }
        #discovered.-found { display: block; }
        #model { margin-top: 0; }
        #model SelectCurrent { padding: 0 1; }
        #model SelectCurrent Static#label { text-wrap: nowrap; text-overflow: ellipsis; }
        #model > SelectOverlay { width: 44; constrain: inside inside; }
        .field { height: 3; }
        .field Label { width: 11; padding: 1 0 0 0; }
        .field Input { width: 1fr; padding: 0 1; }
        #param-errors { color: $error; height: auto; display: none; }
        #param-errors.-shown { display: block; }
        #system-caption { margin-top: 1; }
        #system { height: 1fr; min-height: 4; }
    }
    """

    @dataclass
    class ModelChanged(Message):
        """The picker now shows another model: picked by the person, or by :meth:`set_model`.

        Attributes:
            model: the model spec now selected.
        """

        model: str

    def __init__(
        self,
        model: str,
        *,
        providers: Providers | None = None,
        discover: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "Parameters"
        self._providers = providers
        self._discover = discover
        self._choices = ModelChoices(self._endpoints)
        self._discovered = 0
        self._sources: set[str] = set()
        self._model = self._choices.option_for(model.strip() or "demo")

    # ---- composition -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Label("Model", classes="caption")
        yield Select(
            self.choices,
            value=self._model,
            allow_blank=False,
            id="model",
            tooltip="enter opens the list; type to search",
        )
        yield Static(self._choices.limits_text(self._model), id="model-info")
        yield Static("", id="discovered")
        for field in FIELDS:
            with Horizontal(classes="field"):
                yield Label(field.name)
                yield Input(
                    placeholder=field.placeholder,
                    type=field.input_type,  # type: ignore[arg-type]
                    validators=[_FieldValidator(field.parse)],
                    valid_empty=True,
                    id=field.name,
                )
        yield Static("", id="param-errors")
        yield Label("System prompt", classes="caption", id="system-caption")
        yield TextArea(id="system", soft_wrap=True, placeholder="none")

    def on_mount(self) -> None:
        if self._discover and self._find_providers() is not None:
            self.discover()

    # ---- reading back ------------------------------------------------------------------

    @property
    def model(self) -> str:
        """The model spec selected."""
        return self._model

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The picker's ``(label, spec)`` pairs in order: the demo, the catalog, then models
        added by :meth:`set_model` or discovery."""
        return self._choices.pairs

    @property
    def params(self) -> Params:
        """What is shown; a field whose text is invalid reads as None (see :meth:`errors`)."""
        values, _ = read_fields(self._field_texts())
        system = self.query_one("#system", TextArea).text.strip()
        return Params(model=self._model, system=system or None, **values)

    def errors(self) -> list[str]:
        """One message per field whose text no request may carry, in the panel's order
        (``"temperature must be between 0 and 2"``); empty when everything can be sent."""
        _, found = read_fields(self._field_texts())
        return found

    # ---- model picker ------------------------------------------------------------------

    def set_model(self, spec: str) -> None:
        """Select ``spec``, read as :meth:`Providers.target` reads it without a forced provider
        (added to the picker when no listed model routes to the same place). Posts
        :class:`ModelChanged` when this changes the selection."""
        known = len(self._choices)
        spec = self._choices.option_for(spec.strip())
        if len(self._choices) != known:
            self._refresh_options()
        select: Select[str] = self.query_one("#model", Select)
        with select.prevent(Select.Changed):
            select.value = spec
        self._selected(spec)

    def add_models(self, models: Iterable[ModelInfo]) -> int:
        """Add discovered models (``provider/id``) to the picker, skipping those already in it.

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

    @work(exclusive=True, group="params-discovery", exit_on_error=False, description="discover")
    async def discover(self) -> None:
        """Ask Ollama and the custom endpoints for their models and add them to the picker.
        A source that fails is only named in the note's tooltip."""
        providers = self._find_providers()
        if providers is None:
            return
        models, errors = await discover_models(providers)
        self.add_models(models)
        if errors:
            self.query_one("#discovered", Static).tooltip = "\n".join(
                f"{e.provider}: {e.code}" for e in errors
            )

    @on(Select.Changed, "#model")
    def _model_picked(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value == event.select.value:
            self._selected(event.value)  # else a stale message: the value changed since

    def _selected(self, spec: str) -> None:
        if spec == self._model:
            return
        self._model = spec
        self.query_one("#model-info", Static).update(self._choices.limits_text(self._model))
        self.post_message(self.ModelChanged(spec))

    # ---- fields ------------------------------------------------------------------------

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        event.stop()
        errors = self.errors()
        shown = self.query_one("#param-errors", Static)
        shown.update("\n".join(errors))
        shown.set_class(bool(errors), "-shown")

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        """``enter`` in a field moves on to the next one."""
        event.stop()
        self.screen.focus_next()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the panel's first field, the model picker."""
        self.focus_model(scroll_visible=scroll_visible)
        return self

    def focus_model(self, *, scroll_visible: bool = True) -> None:
        """Focus the model picker (``enter`` opens its list; typing searches it)."""
        self.query_one("#model", Select).focus(scroll_visible=scroll_visible)

    # ---- helpers -----------------------------------------------------------------------

    def _field_texts(self) -> dict[str, str]:
        return {field.name: self.query_one(f"#{field.name}", Input).value for field in FIELDS}

    def _find_providers(self) -> Providers | None:
        if self._providers is not None:
            return self._providers
        services = getattr(self.app, "services", None)
        providers = getattr(services, "providers", None)
        return providers if isinstance(providers, Providers) else None

    def _endpoints(self) -> dict[str, Endpoint]:
        providers = self._providers
        if providers is None and self.is_attached:
            providers = self._find_providers()
        return dict(providers.settings.endpoints) if providers is not None else {}

    def _refresh_options(self) -> None:
        select: Select[str] = self.query_one("#model", Select)
        with select.prevent(Select.Changed):
            select.set_options(self.choices)
            select.value = self._model
