"""The prompt: a multi-line text area where ``enter`` sends, ``ctrl+j`` inserts a newline and ↑ in
an empty prompt recalls earlier prompts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.binding import BindingsMap
from textual.message import Message
from textual.widgets import TextArea

from openmaas_tui.core.attachments.paths import pasted_image_path
from openmaas_tui.core.sessions.prompt_recall import PromptRecall

EDITING_KEYS = frozenset({"tab", *BindingsMap(TextArea.BINDINGS).key_to_bindings})
"""The keys the text area acts on besides printable ones: they show its cursor again."""

RecallSource = Callable[[], Awaitable[list[str]]]
"""Gives the prompts ↑ steps back through, newest first (the current chat's, then the
history's)."""


class PromptArea(TextArea):
    """Where the person types. ``enter`` posts :class:`PromptArea.Submitted`; ``ctrl+j`` (or
        ``shift+enter`` where the terminal reports it) starts a new line. Pasted text keeps its line
        breaks, but a pasted (or dropped) path to an image file posts :class:`PromptArea.PathPasted`
    instead. The text stays until the screen clears it, so nothing typed is lost on an error.

    ↑ in an empty prompt shows the prompt sent before (from :attr:`recall_source`), ↑ again the
    one before that, ↓ the next one and, past the newest, the empty prompt again. Editing a
    recalled prompt makes it the person's own text (↑/↓ move the cursor again); the chat and
    the history it came from never change."""

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
        self.recall_source: RecallSource | None = None
        """Where ↑ finds earlier prompts; None recalls nothing (the screen sets it)."""
        self.recall = PromptRecall()
        """Where the person is among the earlier prompts."""

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
        if event.key in ("up", "down") and await self._recalled(event.key == "up"):
            event.stop()
            event.prevent_default()
            return
        if not event.is_printable and event.key not in EDITING_KEYS:
            # Another widget's key (ctrl+n, f2…) passes by: showing the blinking cursor
            # again would draw a frame first, and hold the frame the key's own action needs
            # until the next tick of the screen's update timer. (The key still bubbles on.)
            event.prevent_default()
            return
        await super()._on_key(event)

    async def _recalled(self, back: bool) -> bool:
        """Step through the earlier prompts when the prompt is empty or shows one unedited;
        whether the key was used for that."""
        recall = self.recall
        if recall.active and self.text != recall.shown:
            recall.end()  # edited: the person's own text now
        if back and not self.text and self.recall_source is not None:
            recall.begin(await self.recall_source())
        if not recall.active and not (back and recall.entries and not self.text):
            return False
        text = recall.older() if back else recall.newer()
        if text is not None:
            self.text = text
            self.move_cursor(self.document.end)
        if not recall.active:
            recall.begin([])
        return True

    async def _on_paste(self, event: events.Paste) -> None:
        path = pasted_image_path(event.text)
        if path is None:
            return  # TextArea's own handler (next in the MRO) inserts the text
        event.stop()
        event.prevent_default()
        self.post_message(self.PathPasted(self, path))
