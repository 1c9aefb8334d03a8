"""One session's conversation pane, and the welcome shown at its top."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.geometry import Size

from openmaas_tui.core.conversation import Session
from openmaas_tui.ui.live_markdown import LiveMarkdown

WELCOME = Path(__file__).with_name("welcome.md")


class Welcome(LiveMarkdown):
    """The welcome, drawn like an answer (and at a fraction of the start-up cost of a tree of
    Markdown widgets)."""

    def __init__(self) -> None:
        super().__init__(id="welcome", classes="welcome")
        self.append(WELCOME.read_text(encoding="utf-8"))

    def on_mount(self) -> None:
        self.call_later(self.finish)


class ChatPane(VerticalScroll):
    """One session's conversation. Once it overflows it is anchored (Textual's compositor keeps
    it scrolled to the last line while an answer grows) until the person scrolls up; scrolling
    back to the end, or sending, follows again. Anchoring waits for the overflow because an
    anchored pane bottom-aligns short content, which would push the welcome down."""

    def __init__(self, session: Session) -> None:
        super().__init__(id=f"chat-{session.id}", classes="chat")
        self.session = session

    def watch_virtual_size(self, size: Size) -> None:
        if not self.is_anchored and size.height > self.scrollable_content_region.height:
            self.anchor()

    def follow(self) -> None:
        """Follow the end again (after the person scrolled up), if the pane overflows."""
        if self.is_anchored:
            self.anchor()
