"""The dialog that edits a chat's tool definitions and tool choice.

The definitions are JSON in OpenAI's function format (a list of ``{"type": "function",
"function": {"name", "description", "parameters"}}``, or an object with that list under
``tools``: https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools), read
by :func:`~openmaas_tui.core.tools.tools_from_json`; the choice is auto, none, required or one
of the functions. ``ctrl+s`` (or Save) keeps them; a definition that cannot be read is said in
the dialog with its code and message, and the text stays as typed. ``escape`` cancels (None).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static, TextArea

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.tools import ToolChoice, ToolChoiceMode, ToolDefinition, tools_from_json

ToolSettings = tuple[tuple[ToolDefinition, ...], ToolChoice | None]
"""A chat's tools and tool choice (None: the provider's default, auto)."""

MODES = ("auto", "none", "required")
"""The tool choices that name no function."""

EXAMPLE = """[
  {"type": "function", "function": {"name": "get_weather",
   "description": "The weather in a city",
   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
]"""


def tools_json(tools: Sequence[ToolDefinition]) -> str:
    """``tools`` as the dialog shows them: OpenAI's function format, indented; empty for none."""
    return json.dumps([tool.to_openai() for tool in tools], indent=2) if tools else ""


def parse_tools(text: str) -> tuple[ToolDefinition, ...]:
    """The definitions in ``text`` (blank: none).

    Raises:
        OpenMaaSError: INVALID_REQUEST when ``text`` is not JSON or not a list of function
            tools (see :func:`~openmaas_tui.core.tools.tools_from_json`).
    """
    if not text.strip():
        return ()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST, f"the tools are not JSON ({exc})", hint="check the syntax"
        ) from None
    return tools_from_json(data, "the tools")


def choice_options(tools: Sequence[ToolDefinition]) -> list[tuple[str, str]]:
    """The tool choice's options: the three modes, then each function by name."""
    return [(m, m) for m in MODES] + [(f"call {t.name}", t.name) for t in tools]


class ToolsDialog(ModalScreen[ToolSettings | None]):
    """Edit a chat's tool definitions (JSON) and its tool choice.

    Args:
        tools: the definitions shown at first.
        choice: the choice shown at first (None: auto).
    """

    DEFAULT_CSS = """
    ToolsDialog { align: center middle; }
    ToolsDialog > Vertical {
        width: 90; max-width: 100%;
        height: 30; max-height: 100%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }
    ToolsDialog #tools-json { height: 1fr; }
    ToolsDialog #tools-problem { color: $error; height: auto; }
    ToolsDialog .choice-row { height: auto; }
    ToolsDialog .choice-row Label { width: 14; padding: 1 0 0 0; }
    ToolsDialog .choice-row Select { width: 1fr; }
    ToolsDialog .choice-row Button { margin: 0 0 0 1; }
    ToolsDialog .dialog-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tools.cancel"),
        Binding("ctrl+s", "save", "Save", id="tools.save", priority=True),
    ]

    def __init__(self, tools: Sequence[ToolDefinition] = (), choice: ToolChoice | None = None):
        super().__init__()
        self.tools = tuple(tools)
        self.choice = choice

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Tools the model may call · JSON, OpenAI's function format")
            yield TextArea(
                tools_json(self.tools), id="tools-json", soft_wrap=True, placeholder=EXAMPLE
            )
            yield Static("", id="tools-problem", markup=False)
            with Horizontal(classes="choice-row"):
                yield Label("Tool choice")
                yield Select(
                    choice_options(self.tools),
                    value=str(self.choice) if self.choice is not None else "auto",
                    allow_blank=False,
                    id="tool-choice",
                )
                yield Button("Save", id="tools-save", variant="primary")
                yield Button("Cancel", id="tools-cancel")
            yield Static("ctrl+s saves · escape cancels · blank: no tools", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#tools-json", TextArea).focus()

    @on(TextArea.Changed, "#tools-json")
    def _edited(self) -> None:
        """Offer the functions of what is typed as choices, once it reads."""
        try:
            tools = parse_tools(self.query_one("#tools-json", TextArea).text)
        except OpenMaaSError:
            return
        select = self.query_one("#tool-choice", Select)
        current = select.value
        options = choice_options(tools)
        select.set_options(options)
        values = [value for _, value in options]
        select.value = current if current in values else "auto"

    @on(Button.Pressed, "#tools-save")
    def action_save(self) -> None:
        """Return the definitions and choice, or say why they cannot be kept."""
        try:
            tools = parse_tools(self.query_one("#tools-json", TextArea).text)
            choice = self._choice(tools)
        except OpenMaaSError as exc:
            hint = f"\n→ {exc.hint}" if exc.hint else ""
            self.query_one("#tools-problem", Static).update(
                terminal_safe(f"{exc.code}: {exc.message}{hint}")
            )
            return
        self.dismiss((tools, choice))

    def _choice(self, tools: Sequence[ToolDefinition]) -> ToolChoice | None:
        value = self.query_one("#tool-choice", Select).value
        word = value if isinstance(value, str) else "auto"
        choice = ToolChoice.parse(word)
        if choice.mode is ToolChoiceMode.FUNCTION and word not in {t.name for t in tools}:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"the tool choice names {word!r}, which is not defined",
                hint="define it, or choose auto",
            )
        return None if choice.mode is ToolChoiceMode.AUTO else choice

    @on(Button.Pressed, "#tools-cancel")
    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
