"""An error shown inline in the conversation: its code, the provider's message and a hint."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.retry import format_wait
from openmaas_tui.core.text.terminal import terminal_safe


def error_text(error: OpenMaaSError) -> Text:
    """``CODE: message`` in bold error colour, the provider's wait (``retry after 20 s``) and
    the hint (if any) on the next lines; what the provider said is shown inert
    (:func:`~openmaas_tui.core.text.terminal.terminal_safe`)."""
    text = Text()
    text.append(str(error.code), style="bold")
    text.append(terminal_safe(f": {error.message}"))
    if error.retry_after is not None:
        text.append(f"\nretry after {format_wait(error.retry_after)} (the provider's wait)")
    if error.hint:
        text.append(terminal_safe(f"\n→ {error.hint}"), style="italic")
    return text


class ErrorView(Static):
    """One error in the chat pane. Never a traceback; the message is already key-masked."""

    DEFAULT_CSS = """
    ErrorView {
        color: $text-error;
        background: $error 10%;
        border-left: thick $error;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    """

    def __init__(self, error: OpenMaaSError) -> None:
        super().__init__(error_text(error), classes="error")
        self.error = error
