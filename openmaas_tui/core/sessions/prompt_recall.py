"""↑ and ↓ in an empty prompt: stepping back through earlier prompts and forward again, as a
shell's history does.

:class:`PromptRecall` holds the prompts to step through (the current chat's, newest first, then
the history's) and where the person is among them. It only hands out copies: editing a recalled
prompt changes the prompt, never the chat or the history it came from. Free of Textual; the
prompt widget (:class:`~openmaas_tui.ui.widgets.prompt.PromptArea`) drives it.
"""

from __future__ import annotations

from collections.abc import Iterable

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.recent_prompts import recent_prompts
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.types import Role


def newest_first(*sources: Iterable[str]) -> list[str]:
    """The texts of ``sources`` in order (each already newest first), each text once, blank
    ones left out: the current chat's prompts before the history's."""
    seen: dict[str, None] = {}
    for source in sources:
        for text in source:
            if text.strip():
                seen.setdefault(text, None)
    return list(seen)


async def earlier_prompts(session: Session, store: AsyncStore | None) -> list[str]:
    """What ↑ steps back through: ``session``'s prompts, newest first, then the history's
    (:func:`~openmaas_tui.core.history.recent_prompts.recent_prompts`); the chat's alone when
    there is no history or it cannot be read."""
    own = [m.text for m in reversed(session.messages) if m.role is Role.USER]
    stored: list[str] = []
    if store is not None:
        try:
            stored = await store.call(recent_prompts)
        except (OpenMaaSError, RuntimeError):  # unreadable, or closed as the app ends
            stored = []
    return newest_first(own, stored)


class PromptRecall:
    """Where the person is among earlier prompts.

    Attributes:
        entries: the prompts to step through, newest first.
        index: the one shown, or -1 for the person's own (empty) prompt.
    """

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.index = -1

    @property
    def active(self) -> bool:
        """Whether a recalled prompt is shown."""
        return self.index >= 0

    @property
    def shown(self) -> str | None:
        """The prompt shown, or None when none is recalled."""
        return self.entries[self.index] if self.active else None

    def begin(self, entries: Iterable[str]) -> None:
        """Start over from the empty prompt with ``entries`` (newest first)."""
        self.entries = list(entries)
        self.index = -1

    def older(self) -> str | None:
        """Step to the prompt before the one shown; None when there is none (nothing moves)."""
        if self.index + 1 >= len(self.entries):
            return None
        self.index += 1
        return self.entries[self.index]

    def newer(self) -> str | None:
        """Step to the prompt after the one shown: ``""`` past the newest (the person's own,
        empty prompt, and recall ends); None when none is recalled."""
        if not self.active:
            return None
        self.index -= 1
        return self.entries[self.index] if self.active else ""

    def end(self) -> None:
        """Stop recalling (the prompt was sent, or the recalled text edited)."""
        self.index = -1


__all__ = ["PromptRecall", "earlier_prompts", "newest_first"]
