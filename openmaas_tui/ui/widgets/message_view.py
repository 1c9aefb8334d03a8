"""Messages of a session's history as light widgets: the person's message as one Static, a
finished answer as one widget drawn into lines (Rich's Markdown renderer, shown through
Textual's line API).

A finished answer costs one widget and one render, however long it is; a streamed answer
(:class:`~openmaas_tui.ui.widgets.answer.AnswerView`) is several widgets with timers and a
worker, which is right while it streams and too heavy for a history of a thousand messages.
"""

from __future__ import annotations

from rich.text import Text
from rich.theme import Theme
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from openmaas_tui.core.exchange.meter import finish_note
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.sessions.conversation import SessionMessage
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.ui.markdown.lines import render_markdown
from openmaas_tui.ui.markdown.theme import markdown_styles
from openmaas_tui.ui.widgets.attachments import chip_text
from openmaas_tui.ui.widgets.server_tools import server_tool_lines
from openmaas_tui.ui.widgets.tool_calls import ToolCalls


def model_label(record: SessionMessage) -> str:
    """How an answer's model is shown: ``provider/model``, or ``demo (offline)``."""
    if record.provider == "demo":
        return "demo (offline)"
    if record.provider and record.model:
        return f"{record.provider}/{record.model}"
    return record.model or record.provider or "unknown model"


def record_line(record: SessionMessage) -> str:
    """The counters line of a finished answer, as the stream showed it:
    ``gpt-4o-mini · TTFT 312 ms · 48.1 tok/s · 17 in / 10 out · $0.0002``."""
    parts = [model_label(record)]
    if record.ttft_ms is not None:
        parts.append(f"TTFT {record.ttft_ms:.0f} ms")
    usage = record.usage
    if usage is not None:
        mark = "≈" if record.estimated else ""
        out = usage.output_tokens
        if out and record.ttft_ms is not None and record.duration_ms is not None:
            seconds = (record.duration_ms - record.ttft_ms) / 1000
            if seconds >= 0.001:
                parts.append(f"{out / seconds:.1f} tok/s")
        shown_in = "?" if usage.input_tokens is None else f"{mark}{usage.input_tokens:,}"
        parts.append(f"{shown_in} in / {mark}{out or 0:,} out")
        cost = record.cost_usd
        parts.append(f"{mark if cost is not None else ''}{format_usd(cost)}")
    if record.stopped:
        parts.append("stopped")
    elif record.interrupted:
        parts.append("interrupted")
    elif note := finish_note(record.finish_reason):
        parts.append(note)
    return " · ".join(parts)


class UserMessage(Static):
    """The person's message, shown as typed, with a line per attached image (name, size)."""

    def __init__(self, record: SessionMessage) -> None:
        images = "".join(f"\n🖼 {chip_text(image)}" for image in record.images)
        super().__init__(terminal_safe(record.text) + images, classes="user", markup=False)
        self.record: SessionMessage | None = record


def reasoning_header(reasoning: str, *, opened: bool) -> str:
    """The line over an answer's reasoning: ``▸ Reasoning · 120 words · t opens`` while it is
    closed, ``▾ Reasoning · 120 words · t closes`` while it is open."""
    words = len(reasoning.split())
    mark, verb = ("▾", "closes") if opened else ("▸", "opens")
    return f"{mark} Reasoning · {words:,} words · t {verb}"


class FinishedAnswer(Widget):
    """An answer from the session's history: its reasoning (closed, one line, ``t`` on the
    selected answer opens it), its Markdown, an error if it ended in one, and its counters
    line, drawn once per width into lines (the widget's styles are applied as lines are shown,
    so a change of focus costs no drawing; the Markdown's colours come from the app's theme, so
    a change of theme draws the lines again).

    Args:
        record: the answer.
    """

    DEFAULT_CSS = """
    FinishedAnswer { height: auto; padding: 0 1; margin: 0 0 1 0; }
    FinishedAnswer > .finished-answer--meta { color: $text-muted; }
    FinishedAnswer > .finished-answer--reasoning-title { color: $text-muted; }
    FinishedAnswer > .finished-answer--reasoning { color: $text-muted; text-style: italic; }
    FinishedAnswer > .finished-answer--error { color: $text-error; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "finished-answer--meta",
        "finished-answer--reasoning-title",
        "finished-answer--reasoning",
        "finished-answer--error",
    }

    def __init__(self, record: SessionMessage) -> None:
        super().__init__(classes="answer finished")
        self.record: SessionMessage | None = record
        self._width = -1
        self._lines: list[Strip] = []
        self._kinds: list[str | None] = []
        """The component class of each line (None: the answer's Markdown)."""
        self._colours: Theme | None = None
        """The Markdown styles (of the app's theme) the lines were drawn with."""
        self.reasoning_open = False
        """Whether the reasoning is shown whole (else its one line)."""

    @property
    def has_reasoning(self) -> bool:
        """Whether the answer came with reasoning."""
        return self.record is not None and bool(self.record.reasoning)

    def toggle_reasoning(self) -> bool:
        """Open the reasoning above the answer, or close it to its one line.

        Returns:
            Whether it is open now (False when there is none).
        """
        if not self.has_reasoning:
            return False
        self.reasoning_open = not self.reasoning_open
        self._width = -1  # drawn again, with or without it
        self.refresh(layout=True)
        return self.reasoning_open

    @property
    def lines(self) -> list[Strip]:
        """The lines as drawn at the current width (without the widget's styles)."""
        return self._lines

    def _draw(self, width: int) -> None:
        self._width = width
        record = self.record
        self._lines, self._kinds = [], []
        if record is None or width <= 0:
            return
        console = self.app.console
        options = console.options.update(width=width, height=None)
        self._colours = markdown_styles(self.app.current_theme)

        def add(kind: str, note: str) -> None:
            shown = Text(terminal_safe(note))
            drawn = [Strip(line) for line in console.render_lines(shown, options, pad=False)]
            self._lines += drawn
            self._kinds += [kind] * len(drawn)

        if record.reasoning:
            opened = self.reasoning_open
            title = reasoning_header(record.reasoning, opened=opened)
            add("finished-answer--reasoning-title", title)
            if opened:
                add("finished-answer--reasoning", record.reasoning.strip())
            self._lines.append(Strip.blank(0))
            self._kinds.append(None)
        if record.text:
            drawn = render_markdown(record.text, console, width, self._colours)
            self._lines += drawn
            self._kinds += [None] * len(drawn)
        notes: list[tuple[str, str]] = [
            ("finished-answer--meta", line) for line in server_tool_lines(record.server_tools)
        ]
        if record.error_code:
            error = f"{record.error_code}: {record.error_message or ''}"
            notes.append(("finished-answer--error", error))
        notes.append(("finished-answer--meta", record_line(record)))
        for kind, note in notes:
            if self._lines:
                self._lines.append(Strip.blank(0))
                self._kinds.append(None)
            add(kind, note)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width != self._width:
            self._draw(width)
        return len(self._lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._width > 0 and markdown_styles(self.app.current_theme) is not self._colours:
            self._width = -1  # another theme: draw the Markdown again in its colours
            self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        width = max(self._width, 0)
        if y >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._lines[y]
        kind = self._kinds[y]
        if kind is not None:  # the whole width in the part's style (a tint reaches the edge)
            style = self.get_component_rich_style(kind)
            return strip.extend_cell_length(width).apply_style(self.rich_style + style)
        return strip.extend_cell_length(width).apply_style(self.rich_style)


class ToolAnswer(Vertical):
    """An answer from the session's history that made tool calls: the answer as
    :class:`FinishedAnswer` draws it, then a block per call (with result fields while the
    calls are not answered yet).

    Args:
        record: the answer.
        answerable: no result follows it yet: the person may type them.
    """

    DEFAULT_CSS = """
    ToolAnswer { height: auto; margin: 0 0 1 0; }
    ToolAnswer > FinishedAnswer { margin: 0; }
    """

    def __init__(self, record: SessionMessage, *, answerable: bool = False) -> None:
        super().__init__(classes="answer tool-answer")
        self.record: SessionMessage | None = record
        self.answerable = answerable
        self.tool_calls = ToolCalls(record.tool_calls)

    def compose(self) -> ComposeResult:
        yield FinishedAnswer(self.record) if self.record is not None else Static("")
        yield self.tool_calls

    async def on_mount(self) -> None:
        if self.answerable:
            for block in self.tool_calls.blocks:
                await block.ask_result()
