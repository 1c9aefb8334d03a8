"""One of the person's messages being edited in the prompt: sending it drops that message and
every later one, and sends the edited text from there; ``escape`` gives the prompt back what it
held before."""

from __future__ import annotations

from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.ui.widgets.prompt import PromptArea

EDITING_TITLE = "editing · enter sends from here · escape cancels"
"""The prompt's border title while a message is edited."""


class Editing:
    """The edit in the prompt, if any.

    Args:
        prompt: the playground's prompt.

    Attributes:
        record: the message being edited, or None.
    """

    def __init__(self, prompt: PromptArea) -> None:
        self.prompt = prompt
        self.record: SessionMessage | None = None
        self._draft = ""
        """What the prompt held before the edit began."""

    def start(self, record: SessionMessage) -> None:
        """Put ``record``'s text in the prompt, to be edited and sent again from there."""
        prompt = self.prompt
        if self.record is None:
            self._draft = prompt.text
        self.record = record
        prompt.text = record.text
        prompt.border_title = EDITING_TITLE
        prompt.focus()
        prompt.move_cursor(prompt.document.end)

    def end(self) -> SessionMessage | None:
        """Leave editing (if editing); returns the message that was being edited."""
        edited, self.record = self.record, None
        if edited is not None:
            self.prompt.border_title = None
        return edited

    def cancel(self) -> None:
        """Stop editing and give the prompt back what it held before."""
        if self.end() is not None:
            self.prompt.text = self._draft
            self._draft = ""

    def cancel_in(self, session: Session) -> None:
        """Stop editing if the message being edited is one of ``session``'s."""
        if self.record is not None and any(m is self.record for m in session.messages):
            self.cancel()
