"""The prompt: a multi-line text area where ``enter`` sends and ``ctrl+j`` inserts a newline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from openmaas_tui.core.attachments.paths import pasted_image_path


class PromptArea(TextArea):
    """Where the person types. ``enter`` posts :class:`PromptArea.Submitted`; ``ctrl+j`` (or
        ``shift+enter`` where the terminal reports it) starts a new line. Pasted text keeps its line
        breaks, but a pasted (or dropped) path to an image file posts :class:`PromptArea.PathPasted`
    instead. The text stays until the screen clears it, so nothing typed is lost on an error."""

    DEFAULT_CSS = """
    PromptArea {
        height: auto;
        min-height: 3;
        max-height: 10;
        border: round $primary 40%;
        padding: 0 1;
    }
    PromptArea:focus { border: round $primary; }
    """

    @dataclass
    class Submitted(Message):
        """The person pressed enter with this text."""

        prompt: PromptArea
        text: str

        @property
        def control(self) -> PromptArea:
            """The prompt that was submitted."""
            return self.prompt

    @dataclass
    class PathPasted(Message):
        """The person pasted or dropped the path of an image file."""

        prompt: PromptArea
        path: Path

        @property
        def control(self) -> PromptArea:
            """The prompt the path was pasted into."""
            return self.prompt

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
            placeholder=placeholder,
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        path = pasted_image_path(event.text)
        if path is None:
            return  # TextArea's own handler (next in the MRO) inserts the text
        event.stop()
        event.prevent_default()
        self.post_message(self.PathPasted(self, path))
