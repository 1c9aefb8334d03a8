"""The compare screen's top bar: the next target to add (a model from the parameter panel's list,
with its own temperature / top_p / max_tokens), the system prompt for every target, and whether
to send the current session's conversation as context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalGroup
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select

from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.sessions.params_state import FIELD_BY_NAME, read_fields

_PLACEHOLDERS = {"temperature": "temp 0–2", "top_p": "top_p 0–1", "max_tokens": "max tokens"}
FIELDS = tuple(FIELD_BY_NAME[name] for name in _PLACEHOLDERS)
"""The parameters a target may override, as the parameter panel reads them."""


class CompareBar(Horizontal):
    """Model picker, overrides and Add; system prompt; context.

    The fields come in two groups, the next target's (``#compare-target``) and what every
    target shares (``#compare-shared``): side by side on a wide screen, one above the other on
    a narrow one (the compare screen's stylesheet), so no field is cut off.

    Args:
        choices: the model picker's ``(label, spec)`` pairs (the parameter panel's).
        first: the model selected at first (the first choice when it is not among them).
        context_size: how many messages the current session's conversation holds (the context
            checkbox is off without any).
        base_urls: a base URL for some specs (the playground's ``--base-url`` start model).
        id: the DOM id.
    """

    @dataclass
    class Submitted(Message):
        """The person asked to add the target the bar describes (Add, or enter in a field)."""

        bar: CompareBar

    def __init__(
        self,
        choices: Sequence[tuple[str, str]],
        first: str,
        *,
        context_size: int,
        base_urls: Mapping[str, str],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.choices = list(choices)
        specs = [spec for _, spec in self.choices]
        self.first = first if first in specs else self.choices[0][1]
        self.context_size = context_size
        self.base_urls = dict(base_urls)

    def compose(self) -> ComposeResult:
        with HorizontalGroup(id="compare-target"):
            yield Select(
                self.choices,
                value=self.first,
                allow_blank=False,
                id="compare-model",
                compact=True,
            )
            for field in FIELDS:
                yield Input(
                    placeholder=_PLACEHOLDERS[field.name],
                    type=field.input_type,  # type: ignore[arg-type]
                    id=f"compare-{field.name}",
                    classes="param",
                    compact=True,
                    tooltip=f"{field.name} for the next target added (blank: default)",
                )
            yield Button("Add", id="compare-add", variant="primary", compact=True)
        with HorizontalGroup(id="compare-shared"):
            yield Input(placeholder="system prompt (optional)", id="compare-system", compact=True)
            yield Checkbox(
                f"context ({self.context_size})",
                id="compare-context",
                disabled=not self.context_size,
                tooltip="send the current session's conversation before the prompt",
                compact=True,
            )

    def target(self) -> CompareTarget:
        """The target the bar describes.

        Raises:
            ValueError: a field holds a value no request may carry (the message says which).
        """
        texts = {f.name: self.query_one(f"#compare-{f.name}", Input).value for f in FIELDS}
        values, errors = read_fields(texts)
        if errors:
            raise ValueError("; ".join(errors))
        overrides = {name: values[name] for name in _PLACEHOLDERS}
        spec = str(self.query_one("#compare-model", Select).value)
        return CompareTarget(spec, base_url=self.base_urls.get(spec), **overrides)

    @property
    def system(self) -> str | None:
        """The system prompt for every target, or None."""
        return self.query_one("#compare-system", Input).value.strip() or None

    @property
    def use_context(self) -> bool:
        """Whether the current session's conversation goes before the prompt."""
        return self.query_one("#compare-context", Checkbox).value

    @property
    def model(self) -> str:
        """The spec of the model the next target asks."""
        return str(self.query_one("#compare-model", Select).value)

    def set_model(self, spec: str) -> None:
        """Select ``spec`` (one of :attr:`choices`) for the next target."""
        self.query_one("#compare-model", Select).value = spec

    def focus_model(self) -> None:
        """Move to the model picker."""
        self.query_one("#compare-model", Select).focus()

    @on(Button.Pressed, "#compare-add")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Submitted(self))

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "compare-system":
            self.post_message(self.Submitted(self))
