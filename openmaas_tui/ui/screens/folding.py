"""Side panels that fold away on a narrow terminal and open over the conversation on their keys.

The playground's sessions sidebar (28 columns) and parameter panel (34) leave the conversation
too little room below a width: at 80 columns they would leave it 16. The screen sets a class
for its width with Textual's ``HORIZONTAL_BREAKPOINTS`` (:data:`BREAKPOINTS`); the stylesheet
(``playground.tcss``) hides a panel at the widths where it folds, and shows it as an overlay on
its own layer while it carries the ``-open`` class.

:class:`FoldingPanels` keeps that class true to one rule: a panel is open while the focus is
inside it. Its keys (ctrl+s, ctrl+f and ctrl+b for the sessions; ctrl+o and ctrl+l for the
parameters) focus into it, which opens it; ``escape`` (:meth:`FoldingPanels.close`) sends the
focus back to where it came from, which closes it, and so does anything else that moves the
focus out (opening a chat focuses the prompt). Nothing is rebuilt or moved in the DOM: what the
prompt holds stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen
from textual.widget import Widget

WIDE = 120
"""From this width (columns) every panel is in place: the conversation keeps at least 58
columns beside the sidebar (28) and the parameter panel (34), about a readable line of prose."""

MEDIUM = 100
"""From this width up to :data:`WIDE` the sessions fold and the parameter panel stays: the
conversation keeps 66 columns or more. Below it both fold and the conversation has the width."""

BREAKPOINTS = [(0, "-narrow"), (MEDIUM, "-medium"), (WIDE, "-wide")]
"""The playground's width classes (``Screen.HORIZONTAL_BREAKPOINTS``)."""

FOLDS_AT = {"sidebar": ("-narrow", "-medium"), "params": ("-narrow",)}
"""For each panel's DOM id, the width classes at which it is folded away."""


class FoldingPanels:
    """Opens and closes the playground's folded side panels by where the focus is.

    Args:
        screen: the screen the panels are on (it carries the width class).
        panels: the panels that fold (their ids are keys of :data:`FOLDS_AT`).
        home: where the focus goes back to when nothing else is remembered (the prompt).
    """

    def __init__(self, screen: Screen[Any], panels: Sequence[Widget], home: Widget) -> None:
        self.screen = screen
        self.panels = tuple(panels)
        self.home = home
        self._back: Widget | None = None
        """The widget focused before the focus went into a panel."""

    def folded(self, panel: Widget) -> bool:
        """Whether ``panel`` is folded away at the screen's width (shown only while open)."""
        return any(self.screen.has_class(name) for name in FOLDS_AT.get(panel.id or "", ()))

    def panel_of(self, widget: Widget | None) -> Widget | None:
        """The panel ``widget`` is in, or None."""
        if widget is None:
            return None
        return next((p for p in self.panels if p is widget or p in widget.ancestors), None)

    def focused(self, widget: Widget) -> None:
        """The focus moved to ``widget``: open the panel it is in, close the others, and
        remember ``widget`` as the way back when it is outside every panel."""
        inside = self.panel_of(widget)
        for panel in self.panels:
            panel.set_class(panel is inside, "-open")
        if inside is None:
            self._back = widget

    def close(self) -> bool:
        """Close the folded panel the focus is in, the focus going back to where it was.

        Returns:
            True when a folded panel was open (``escape`` did its job); False otherwise.
        """
        panel = self.panel_of(self.screen.focused)
        if panel is None or not self.folded(panel):
            return False
        back = self._back
        target = back if back is not None and back.is_attached and back.focusable else self.home
        target.focus()
        return True
