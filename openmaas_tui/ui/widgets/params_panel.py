"""The parameter panel: which model answers next, every request parameter and the system prompt.

The panel shows a model picker (:class:`~openmaas_tui.ui.widgets.model_picker.ModelPicker`: the
catalog, then models discovered from Ollama and the custom endpoints), the model's limits,
temperature, top_p, max_tokens, the penalties, seed,
stop sequences, reasoning effort, thinking budget, the response format (text, JSON object, JSON
schema with a schema editor), streaming on or off, and a system prompt. Fields the selected
model does not take are disabled, their tooltip says why. ↑/↓ move between fields, ←/→ or -/+
step numbers and cycle choices, ``ctrl+t`` resets the focused field and ``ctrl+r`` every
parameter. The border's subtitle sums up what is set, so the values stay in sight.

:attr:`ParamsPanel.params` reads back exactly what is shown; :meth:`ParamsPanel.errors` says
which fields hold values no request may carry. :class:`Params` and the fields' parsing, range
checks and steps live in :mod:`openmaas_tui.core.sessions.params_state`, the picker's list in
:mod:`openmaas_tui.core.models.choices`, both free of Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from openmaas_tui.core.models.capabilities import COMMON_PARAMS, why_not
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.param_ranges import ParamRanges, provider_ranges, ranges_for
from openmaas_tui.core.models.request_params import RequestParams, parse_schema, schema_name
from openmaas_tui.core.sessions.params_state import (
    FIELDS,
    Params,
    format_stop,
    read_fields,
    summary,
)
from openmaas_tui.core.types import ResponseFormat
from openmaas_tui.providers.registry import Providers
from openmaas_tui.ui.markup_text import markup_literal
from openmaas_tui.ui.widgets.border_text import set_border_subtitle, set_border_title
from openmaas_tui.ui.widgets.model_picker import ModelPicker
from openmaas_tui.ui.widgets.param_inputs import (
    DEFAULT_EFFORT,
    FORMATS,
    CycleSelect,
    FieldTextArea,
    StepInput,
    Toggle,
    field_rows,
    reset,
)
from openmaas_tui.ui.widgets.params_panel_css import PARAMS_PANEL_CSS
from openmaas_tui.ui.widgets.tools_entry import ToolsEntry


class ParamsPanel(VerticalScroll):
    """The model picker and the request parameters, every field reachable from the keyboard.

    Args:
        model: the model selected at first; added to the picker when it is not in the
            catalog (a local model, or a model passed verbatim for ``--provider``).
        providers: where to discover models and which custom endpoints route; None for the
            catalog alone.
        discover: whether to ask Ollama and the custom endpoints for their models on mount.
    """

    DEFAULT_CSS = PARAMS_PANEL_CSS

    BINDINGS = [
        Binding("down", "move(1)", "Next field", show=False),
        Binding("up", "move(-1)", "Previous field", show=False),
        Binding("ctrl+t", "reset_field", "Reset field", id="params.reset_field"),
        Binding("ctrl+r", "reset_all", "Reset all", id="params.reset_all"),
    ]

    @dataclass
    class ModelChanged(Message):
        """The picker now shows another model: picked by the person, or by :meth:`set_model`.

        Attributes:
            model: the model spec now selected.
        """

        model: str

    @dataclass
    class Changed(Message):
        """What the panel shows changed: a field or the system prompt (typed, stepped, reset,
        or set by :meth:`show_params`), or the model."""

        panel: ParamsPanel

        @property
        def control(self) -> ParamsPanel:
            """The panel."""
            return self.panel

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
        self.border_subtitle = "defaults"
        self.can_focus = False
        self.picker = ModelPicker(model, providers=providers, discover=discover)
        """The model picker (the panel's first field)."""
        self.tools = ToolsEntry(id="tools")  # the chat's tools: a line that opens their dialog
        self._providers = providers
        self._supported: frozenset[str] = COMMON_PARAMS
        self._ranges: ParamRanges = ranges_for("")
        """The selected model's provider's ranges (:mod:`.param_ranges`)."""
        self._announced: Params | None = None
        """What the panel read back when :class:`Changed` was last posted (or at mount)."""

    # ---- composition -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.picker
        yield from field_rows()
        yield self.tools
        yield Static("", id="param-errors")
        yield Label("System prompt", classes="caption", id="system-caption")
        yield FieldTextArea(id="system", soft_wrap=True, placeholder="none")

    def on_mount(self) -> None:
        self._apply_capabilities()
        self._announced = self.params

    # ---- reading back ------------------------------------------------------------------

    @property
    def model(self) -> str:
        """The model spec selected."""
        return self.picker.model

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The picker's ``(label, spec)`` pairs in order: the demo, the catalog, then models
        added by :meth:`set_model` or discovery."""
        return self.picker.choices

    @property
    def params(self) -> Params:
        """What is shown; a field that is invalid, or that the model does not take, reads as
        None (see :meth:`errors`)."""
        values, _ = read_fields(self._field_texts(), self._ranges)
        system = self.query_one("#system", TextArea).text.strip()
        chosen = self.query_one("#reasoning_effort", CycleSelect).value
        effort = chosen if isinstance(chosen, str) and chosen != DEFAULT_EFFORT else None
        return Params(
            model=self.model,
            system=system or None,
            reasoning_effort=effort
            if self._takes("reasoning_effort") and effort != DEFAULT_EFFORT
            else None,
            response_format=self._response_format()[0],
            stream=self.query_one("#stream", Toggle).value,
            tools=self.tools.tools,
            tool_choice=self.tools.choice,
            **values,
        )

    def errors(self) -> list[str]:
        """One message per field whose text no request may carry, in the panel's order
        (``"temperature must be between 0 and 1 for Anthropic"``: the range of the selected
        model's provider); empty when everything can be sent."""
        _, found = read_fields(self._field_texts(), self._ranges)
        schema_error = self._response_format()[1]
        return [*found, schema_error] if schema_error else found

    def _response_format(self) -> tuple[ResponseFormat | None, str | None]:
        kind = self.query_one("#response_format", CycleSelect).value
        if kind == "json_object" and self._takes(kind):
            return ResponseFormat("json_object"), None
        if kind != "json_schema" or not self._takes(kind):
            return None, None
        text = self.query_one("#schema", TextArea).text
        if not text.strip():
            return None, "JSON schema: write the schema in the editor under format"
        try:
            schema = parse_schema(text)
        except ValueError as exc:
            return None, str(exc)
        return ResponseFormat("json_schema", schema, schema_name(schema)), None

    def show_params(self, params: RequestParams) -> None:
        """Show ``params`` in the fields (a preset being loaded); the model stays."""
        for field in FIELDS:
            value = getattr(params, field.name)
            text = (
                format_stop(value)
                if field.name == "stop"
                else ("" if value is None else field.format(value))
            )
            self.query_one(f"#{field.name}", StepInput).value = text
        effort = self.query_one("#reasoning_effort", CycleSelect)
        wanted = params.reasoning_effort or DEFAULT_EFFORT
        effort.value = wanted if wanted in effort.values else DEFAULT_EFFORT
        fmt = params.response_format
        kind = fmt.kind if fmt is not None else "text"
        formats = self.query_one("#response_format", CycleSelect)
        formats.value = kind if kind in formats.values else "text"
        if fmt is not None and fmt.schema is not None:
            import json

            _set_text(self.query_one("#schema", TextArea), json.dumps(fmt.schema, indent=2))
        self.query_one("#stream", Toggle).value = params.stream
        self.tools.show(params.tools, params.tool_choice)
        _set_text(self.query_one("#system", TextArea), params.system or "")
        self._changed()

    # ---- model picker ------------------------------------------------------------------

    def set_model(self, spec: str) -> None:
        """Select ``spec`` in the picker (:meth:`ModelPicker.set_model`). Posts
        :class:`ModelChanged` when this changes the selection."""
        if self.picker.set_model(spec):
            self._model_changed()

    def add_models(self, models: Iterable[ModelInfo]) -> int:
        """Add discovered models to the picker (:meth:`ModelPicker.add_models`).

        Returns:
            How many were added.
        """
        return self.picker.add_models(models)

    def discover(self) -> None:
        """Ask Ollama and the custom endpoints for their models (:meth:`ModelPicker.discover`)."""
        self.picker.discover()

    @on(ModelPicker.Picked)
    def _picked(self, event: ModelPicker.Picked) -> None:
        event.stop()
        self._model_changed()

    def _model_changed(self) -> None:
        self._apply_capabilities()
        self.post_message(self.ModelChanged(self.model))
        self._announce()

    def _announce(self) -> None:
        """Post :class:`Changed` when what the panel reads back differs from the last time
        (the fields settling as the panel mounts are no change)."""
        shown = self.params
        if shown != self._announced:
            self._announced = shown
            self.post_message(self.Changed(self))

    # ---- fields ------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed, "#reasoning_effort, #response_format")
    @on(Checkbox.Changed)
    @on(TextArea.Changed, "#schema, #system")
    @on(ToolsEntry.Changed)
    def _field_changed(self, event: Message) -> None:
        event.stop()
        self._changed()
        self._announce()

    def _changed(self) -> None:
        """Show the errors, the schema editor when it is needed, and the summary."""
        errors = self.errors()
        shown = self.query_one("#param-errors", Static)
        shown.update("\n".join(errors))
        shown.set_class(bool(errors), "-shown")
        kind = self.query_one("#response_format", CycleSelect).value
        self.query_one("#schema", TextArea).set_class(kind == "json_schema", "-shown")
        set_border_subtitle(self, summary(self.params))

    def show_owner(self, title: str) -> None:
        """Say in the border's title whose settings the panel shows (``Parameters · title``)."""
        set_border_title(self, f"Parameters · {markup_literal(title)}")

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        """``enter`` in a field moves on to the next one."""
        event.stop()
        self.action_move(1)

    @on(FieldTextArea.Left)
    def _text_left(self, event: FieldTextArea.Left) -> None:
        """↑ on a text's first row or ↓ on its last moves to the previous or next field."""
        event.stop()
        self.action_move(event.direction)

    def action_move(self, direction: int) -> None:
        """Focus the next (1) or previous (-1) field of the panel."""
        chain = [w for w in self.screen.focus_chain if self in w.ancestors]
        focused = self.screen.focused
        if focused not in chain:
            return
        index = chain.index(focused) + direction
        if 0 <= index < len(chain):
            chain[index].focus()

    def action_reset_field(self) -> None:
        """Put the focused field back to the provider's default."""
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            reset(focused)
            self._changed()

    def action_reset_all(self) -> None:
        """Put every parameter back to the provider's default (the model, the system prompt
        and the schema's text stay)."""
        for widget in self.query("StepInput, #reasoning_effort, #response_format, #stream"):
            reset(widget)
        self._changed()
        self.notify("Parameters reset to the defaults", timeout=3)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the panel's first field, the model picker."""
        self.focus_model(scroll_visible=scroll_visible)
        return self

    def focus_model(self, *, scroll_visible: bool = True) -> None:
        """Focus the model picker (``enter`` opens its list; typing searches it)."""
        self.picker.focus_select(scroll_visible=scroll_visible)

    # ---- capabilities --------------------------------------------------------------------

    def _takes(self, param: str) -> bool:
        return param in self._supported

    def _apply_capabilities(self) -> None:
        """Enable the fields the selected model takes, each decimal held to its provider's
        range; the others are greyed out, their tooltip saying why."""
        info = self.picker.info
        self._supported = info.params if info is not None else COMMON_PARAMS
        provider = info.provider if info is not None else self.model.partition("/")[0]
        endpoints = self._providers.settings.endpoints if self._providers is not None else None
        self._ranges = provider_ranges(provider, endpoints)
        who = info.id if info is not None else self.model
        for field in self.query(StepInput):
            field.set_ranges(self._ranges, taken=self._takes(field.field.name))
        for name in (*(f.name for f in FIELDS), "reasoning_effort", "response_format"):
            on_ = self._takes(name) or (name == "response_format" and self._json_kinds())
            row = self.query_one(f"#row-{name}")
            row.set_class(not on_, "-off")
            widget = row.children[-1]
            widget.disabled = not on_
            row.tooltip = None if on_ else why_not(name, who, provider)
        effort = self.query_one("#reasoning_effort", CycleSelect)
        efforts = info.efforts if info is not None else ()
        current = effort.value if effort.value in efforts else DEFAULT_EFFORT
        effort.set_choices([(DEFAULT_EFFORT, DEFAULT_EFFORT), *((e, e) for e in efforts)], current)
        formats = self.query_one("#response_format", CycleSelect)
        kinds = ["text", *self._json_kinds()]
        kind = formats.value if formats.value in kinds else "text"
        formats.set_choices([(FORMATS[k], k) for k in kinds], kind)
        self._changed()

    def _json_kinds(self) -> list[str]:
        return [k for k in ("json_object", "json_schema") if self._takes(k)]

    # ---- helpers -----------------------------------------------------------------------

    def _field_texts(self) -> dict[str, str]:
        """Each typed field's text; a field the model does not take reads as blank."""
        return {
            field.name: self.query_one(f"#{field.name}", Input).value
            for field in FIELDS
            if self._takes(field.name)
        }


def _set_text(area: TextArea, text: str) -> None:
    """Put ``text`` in ``area`` unless it is there already (loading text repaints the editor
    and resets its cursor even when nothing changes)."""
    if area.text != text:
        area.text = text
