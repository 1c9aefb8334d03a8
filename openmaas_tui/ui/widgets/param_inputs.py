"""The parameter panel's inputs, tuned for the keyboard: numbers that step with ←/→ and -/+,
selects that cycle with ←/→ (and leave ↑/↓ to move between fields), a switch that flips with
←/→; the panel's rows of them (:func:`field_rows`) and their defaults (:func:`reset`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from openmaas_tui.core.models.param_ranges import DECIMALS, Bounds, ParamRanges
from openmaas_tui.core.models.request_params import RANGES
from openmaas_tui.core.sessions.params_state import FIELD_BY_NAME, ParamField, parse_in

DEFAULT_EFFORT = "default"
"""The reasoning-effort choice that sends none: the provider's default."""
FORMATS = {"text": "text", "json_object": "JSON object", "json_schema": "JSON schema"}
"""The response formats by kind, as the format field names them."""
SCHEMA_HINT = '{"type": "object", "properties": {…}}'

_UP_KEYS = frozenset({"+", "="})
_KEYS = "←/→ or -/+ step · ctrl+t resets"
_MEANING = {
    "temperature": "Sampling temperature",
    "top_p": "Nucleus sampling mass",
    "presence_penalty": "Presence penalty, favours new topics:",
    "frequency_penalty": "Frequency penalty, discourages repeats:",
}


class FieldValidator(Validator):
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


class StepInput(Input):
    """One parameter's input; a number steps with ←/→ or -/+ (``-`` types a minus sign in an
    empty field whose range goes below zero, so negative values can be typed too). A decimal
    is held to the selected model's provider's range (:meth:`set_ranges`): typed values
    outside it are marked invalid with the range named, steps stay within it.

    Args:
        field: the parameter it edits.
    """

    BINDINGS = [
        Binding("right", "step(1)", "Up", show=False),
        Binding("left", "step(-1)", "Down", show=False),
    ]

    def __init__(self, field: ParamField, **kwargs: Any) -> None:
        super().__init__(
            placeholder=field.placeholder,
            type=field.input_type,  # type: ignore[arg-type]
            compact=True,
            validators=[FieldValidator(self.parse)],
            valid_empty=True,
            tooltip=field.tooltip or None,
            id=field.name,
            **kwargs,
        )
        self.field = field
        self.ranges: ParamRanges | None = None
        """The provider's ranges a decimal is held to; None for the widest."""

    def parse(self, text: str) -> Any:
        """The value of ``text`` in this field, held to :attr:`ranges`.

        Raises:
            ValueError: naming the range (and whose it is).
        """
        return parse_in(self.field, text, self.ranges)

    def set_ranges(self, ranges: ParamRanges, *, taken: bool = True) -> None:
        """Hold a decimal to ``ranges`` (the selected model's provider's): its placeholder and
        tooltip say the range and whose it is, and what is typed is checked again. A field the
        model does not take (``taken`` False) says so instead of a range."""
        self.ranges = ranges
        name = self.field.name
        if not taken or name not in DECIMALS:
            self.placeholder = self.field.placeholder if taken else "not taken"
            return
        bounds = ranges.of(name)
        shown = f"±{bounds.high:g}" if bounds.low == -bounds.high else bounds.text
        self.placeholder = f"default · {shown}"
        self.tooltip = f"{_MEANING[name]} {bounds.text} for {ranges.label}. {_KEYS}"
        self.validate(self.value)

    def action_step(self, direction: int) -> None:
        """Move the value one step up (1) or down (-1); text fields move the cursor instead."""
        if self.field.step is None:
            if direction > 0:
                self.action_cursor_right()
            else:
                self.action_cursor_left()
            return
        bounds = self._bounds()
        try:
            current = self.field.parse(self.value)
        except ValueError:
            current = None
        if bounds is not None and current is None:
            try:  # a value outside the provider's range steps from the nearest end
                current = bounds.clamp(float(self.value))
            except ValueError:
                current = None
        moved = self.field.step(current, direction)
        if bounds is not None:
            moved = bounds.clamp(moved)
        self.value = self.field.format(moved)
        self.cursor_position = len(self.value)

    def _bounds(self) -> Bounds | None:
        if self.ranges is None or self.field.name not in DECIMALS:
            return None
        return self.ranges.of(self.field.name)

    def _types_minus(self) -> bool:
        bounds = self._bounds()
        low = bounds.low if bounds is not None else RANGES.get(self.field.name, (0.0, 0.0))[0]
        return low < 0 and not self.value

    async def _on_key(self, event: events.Key) -> None:
        if self.field.step is None or event.character is None:
            return
        if event.character in _UP_KEYS or (event.character == "-" and not self._types_minus()):
            event.stop()
            event.prevent_default()
            self.action_step(1 if event.character in _UP_KEYS else -1)


class CycleSelect(Select[str], inherit_bindings=False):
    """A compact select: ``enter`` or ``space`` opens the list, ←/→ take the previous or next
    option in place, ↑/↓ are left to the panel (move between fields)."""

    BINDINGS = [
        Binding("enter,space", "show_overlay", "Show menu", show=False),
        Binding("right", "cycle(1)", "Next", show=False),
        Binding("left", "cycle(-1)", "Previous", show=False),
    ]

    def __init__(self, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(options, allow_blank=False, compact=True, **kwargs)
        self.values = [value for _, value in options]

    def set_choices(self, options: list[tuple[str, str]], value: str) -> None:
        """Replace the options and select ``value`` without posting ``Changed``."""
        self.values = [v for _, v in options]
        with self.prevent(Select.Changed):
            self.set_options(options)
            self.value = value

    def action_cycle(self, direction: int) -> None:
        """Select the next (1) or previous (-1) option, wrapping around."""
        if not self.values:
            return
        index = self.values.index(self.value) if self.value in self.values else 0
        self.value = self.values[(index + direction) % len(self.values)]


class Toggle(Checkbox):
    """A compact on/off switch that ←/→ flip as well as ``enter`` and ``space``."""

    BINDINGS = [
        Binding("left,right", "toggle_button", "Toggle", show=False),
    ]


class FieldTextArea(TextArea):
    """A text area in the panel: ↑ on its first row and ↓ on its last row move to the
    previous or next field, as they do everywhere else in the panel."""

    @dataclass
    class Left(Message):
        """↑ on the first row or ↓ on the last: the person left the text for another field.

        Attributes:
            direction: -1 for the previous field, 1 for the next.
        """

        direction: int

    def action_cursor_up(self, select: bool = False) -> None:
        """Move up a row; from the first row, to the previous field."""
        self._move_or_leave(super().action_cursor_up, select, -1)

    def action_cursor_down(self, select: bool = False) -> None:
        """Move down a row; from the last row, to the next field."""
        self._move_or_leave(super().action_cursor_down, select, 1)

    def _move_or_leave(self, move: Callable[[bool], None], select: bool, direction: int) -> None:
        before = self.cursor_location
        move(select)
        if not select and self.cursor_location == before:
            self.post_message(self.Left(direction))


def field_rows() -> ComposeResult:
    """The panel's parameter fields under the model picker, in order, a labelled row each
    (``#row-NAME`` holding ``#NAME``), and the JSON schema's editor under the format."""
    for name in ("temperature", "top_p", "max_tokens", "presence_penalty"):
        yield from _row(name, StepInput(FIELD_BY_NAME[name]))
    for name in ("frequency_penalty", "seed", "stop"):
        yield from _row(name, StepInput(FIELD_BY_NAME[name]))
    effort = CycleSelect([(DEFAULT_EFFORT, DEFAULT_EFFORT)], id="reasoning_effort")
    yield from _row("reasoning_effort", effort, "effort")
    yield from _row("thinking_budget", StepInput(FIELD_BY_NAME["thinking_budget"]))
    formats = CycleSelect([(text, kind) for kind, text in FORMATS.items()], id="response_format")
    yield from _row("response_format", formats, "format")
    yield FieldTextArea(id="schema", soft_wrap=True, placeholder=SCHEMA_HINT, compact=True)
    stream = Toggle(
        "on", True, id="stream", compact=True, tooltip="Stream the answer, or ask for it whole"
    )
    yield from _row("stream", stream)


def _row(name: str, widget: Widget, text: str | None = None) -> ComposeResult:
    field = FIELD_BY_NAME.get(name)
    with Horizontal(classes="field", id=f"row-{name}"):
        yield Label(text or (field.shown_label if field else name))
        yield widget


def reset(widget: Widget) -> None:
    """Put one of the panel's inputs back to its default: blank (the provider's default), on
    for streaming, the default effort, text for the format."""
    if isinstance(widget, StepInput):
        widget.value = ""
    elif isinstance(widget, Toggle):
        widget.value = True
    elif isinstance(widget, TextArea):
        widget.text = ""
    elif widget.id == "reasoning_effort" and isinstance(widget, CycleSelect):
        widget.value = DEFAULT_EFFORT
    elif widget.id == "response_format" and isinstance(widget, CycleSelect):
        widget.value = "text"
