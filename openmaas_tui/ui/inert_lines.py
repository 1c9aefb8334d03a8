"""The last line of defence: no control character in a widget's text reaches the terminal.

What the app shows from outside (answers, reasoning, errors, titles, model names) is made
visible and inert where it enters a widget
(:func:`~openmaas_tui.core.text.terminal.terminal_safe`: ``ESC`` shown as ``␛``). Textual's own
widgets show text we do not pass through there (an input's value, the command palette, a
tooltip), and Textual itself drops only BEL, BS, VT, FF and CR from what it draws
(``textual.content._strip_control_codes``), so an ``ESC`` would reach the terminal as is.

:class:`InertLines` is a Textual line filter the app applies to every line every widget draws
(:meth:`textual.app.App.get_line_filters`, as Textual's own monochrome filter is): it drops any
control character still in the text of a line. It drops rather than shows them because the
line is already laid out: each such character takes no cell, and a stand-in would make the line
wider than the place it was laid out for.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from openmaas_tui.core.text.terminal import has_unsafe, without_controls


class InertLines(LineFilter):
    """Drops every control character left in the text of a drawn line (segments that are
    Rich control codes, which Textual makes itself, are left alone)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The line's segments with their text free of control characters."""
        if not any(not segment.control and has_unsafe(segment.text) for segment in segments):
            return segments
        return [
            segment
            if segment.control or not has_unsafe(segment.text)
            else Segment(without_controls(segment.text), segment.style)
            for segment in segments
        ]
