"""The footer, fitted to narrow terminals: the keys used most, with short labels, in less room.

Textual's :class:`~textual.widgets.Footer` shows every binding with ``show=True`` at every width
and cuts off what does not fit, so on an 80-column terminal the keys at the end (f2, f3, f4)
were lost. This footer is compact when its keys do not fit otherwise, and when they do not fit
even so its screen's rarer keys give way and some labels shorten (the screen says which); every
binding still works and is in the command palette (ctrl+p), whose key stays at the right.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported; Textual is pinned (<8.3)


class FittingFooter(Footer):
    """A footer that keeps the keys used most on a narrow terminal.

    Keys that still do not fit are left out whole rather than cut off under the palette's key.

    Args:
        narrow: what to do when the keys do not fit even compactly, by action (a binding's
            ``action``, such as ``"new_session"`` or ``"app.quit"``): a short label, or None to
            leave the key out (it stays in the command palette). Keys not named stay as they
            are, so a focused widget's own keys are always shown.
        id: the DOM id.
    """

    def __init__(
        self, *, narrow: Mapping[str, str | None] | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.narrow = dict(narrow or {})
        self._width = 0

    def compose(self) -> ComposeResult:
        self._width = width = self.app.size.width
        widgets = list(super().compose())
        keys = [w for w in widgets if _is_binding_key(w)]
        self.compact = _room(keys, compact=False) > width
        if not self.compact:
            yield from widgets
            return
        if _room(keys, compact=True) > width:
            keys = self._shortened(keys)
        used = PALETTE_ROOM
        for widget in widgets:
            if _is_binding_key(widget):
                if widget not in keys:
                    continue
                used += _room([widget], compact=True) - PALETTE_ROOM
                if used > width:  # what still does not fit is left out, not cut in half
                    continue
            yield widget

    def _shortened(self, keys: list[FooterKey]) -> list[FooterKey]:
        """``keys`` with the screen's short labels, without those it leaves out."""
        kept = []
        for key in keys:
            if key.action in self.narrow:
                short = self.narrow[key.action]
                if short is None:
                    continue
                key.description = short
            kept.append(key)
        return kept

    def on_resize(self, event: events.Resize) -> None:
        """Compose the keys again for the new width."""
        if self.app.size.width != self._width:
            self.call_after_refresh(self.recompose)


PALETTE_ROOM = 12
"""Columns the command palette's key takes at the right (``▏^p palette``)."""


def _room(keys: list[FooterKey], *, compact: bool) -> int:
    """Columns ``keys`` take side by side, the palette's key included: a key and its label
    with a space between, plus a space each side (compact: one space after)."""
    per_key = 2 if compact else 3
    return PALETTE_ROOM + sum(len(k.key_display) + len(k.description) + per_key for k in keys)


def _is_binding_key(widget: object) -> TypeGuard[FooterKey]:
    """Whether ``widget`` is one of the footer's keys, other than the command palette's."""
    return isinstance(widget, FooterKey) and not widget.has_class("-command-palette")
