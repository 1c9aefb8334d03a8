"""Text from outside placed inside Textual markup: shown as it is, inert, never read as tags."""

from __future__ import annotations

from openmaas_tui.core.text.terminal import terminal_safe


def markup_literal(text: str) -> str:
    """``text`` (a session title, a model name) ready to put inside Textual markup: control
    characters shown inert (:func:`~openmaas_tui.core.text.terminal.terminal_safe`) and every
    ``[`` escaped. ``rich.markup.escape`` escapes only what Rich reads as a tag, but Textual's
    parser also reads ``[2J`` (an escape sequence's tail) as one, and the line then fails to
    parse ("auto closing tag has nothing to close")."""
    return terminal_safe(text).replace("[", "\\[")
