"""The status line: the model in use, this session's tokens and cost, and where keys live."""

from __future__ import annotations

from textual.widgets import Static

from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.ui.markup_text import markup_literal


def status_text(session: Session, model_label: str, streaming: int, elsewhere: int = 0) -> str:
    """``model · session: 1,234 in / 567 out · $0.0042``, plus ``· streaming…`` while an answer
    streams in this session and ``· 2 other chats streaming`` while answers stream in others
    (each chat's state is its own: escape stops this one, ctrl+g all).

    Counts are the providers' reported usage; ``≈`` marks a total that includes local estimates.
    """
    totals = session.totals
    approx = "≈" if totals.estimated else ""
    parts = [
        f"[b]{markup_literal(model_label)}[/]",
        f"session: {approx}{totals.input_tokens:,} in / {approx}{totals.output_tokens:,} out",
        totals.cost_text,
    ]
    if streaming:
        parts.append("[i]streaming… (esc stops)[/]")
    if elsewhere:
        chats = "chat" if elsewhere == 1 else "chats"
        parts.append(f"[i]{elsewhere} other {chats} streaming (ctrl+g stops all)[/]")
    return " · ".join(parts)


class StatusLine(Static):
    """One line above the footer with the session's totals."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def show(
        self, session: Session, model_label: str, streaming: int = 0, *, elsewhere: int = 0
    ) -> None:
        """Show ``session``'s totals with ``model_label`` as the current model, and how many
        answers stream in it (``streaming``) and in other chats (``elsewhere``)."""
        self.update(status_text(session, model_label, streaming, elsewhere))
