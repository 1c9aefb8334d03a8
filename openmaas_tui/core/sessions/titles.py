"""A session's title as a list shows it: one line, cut at a sane width.

A title may be as long as a person or an imported file made it (the history keeps it whole);
a list that printed a title of megabytes would take seconds to lay out and fill the screen.
"""

from __future__ import annotations

LIST_TITLE_CHARS = 80
"""The most characters of a title a list shows, the ellipsis included."""


def shown_title(title: str, limit: int = LIST_TITLE_CHARS) -> str:
    """``title`` on one line (runs of whitespace made one space), cut to ``limit`` characters
    with ``…``. Only the start of a long title is looked at, so any length costs the same."""
    head = " ".join(title[: limit * 4].split())
    if len(head) <= limit and len(title) <= limit * 4:
        return head
    return head[: limit - 1].rstrip() + "…"
