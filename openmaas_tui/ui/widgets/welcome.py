"""The welcome shown at the top of a new chat: parsed once per process, drawn once per width and
theme.

Every new chat (ctrl+n) shows the same text, so parsing it and drawing it into lines each time
was work thrown away: about 5 ms of the new chat's first frame. The parsed blocks are kept for
the process and the drawn lines for each (width, style, Markdown colours) they were drawn at;
the widget is otherwise a finished :class:`~openmaas_tui.ui.markdown.live.LiveMarkdown`, so it
draws, restyles and selects like an answer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markdown_it.token import Token
from rich.style import Style
from rich.theme import Theme
from textual.strip import Strip

from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.ui.markdown.lines import block_starts, parser
from openmaas_tui.ui.markdown.live import LiveMarkdown

WELCOME = Path(__file__).with_name("welcome.md")

DRAWN_KEPT = 8
"""Most drawings of the welcome kept (a width, style and colours each): a resize or a theme
change adds one."""

_DRAWINGS: dict[tuple[int, Style, Theme], list[Strip]] = {}
"""The welcome's lines by the width, widget style and Markdown colours they were drawn at."""


@cache
def welcome_blocks() -> tuple[str, tuple[tuple[Token, ...], ...]]:
    """The welcome's text and its top-level blocks (tokens), parsed as
    :meth:`LiveMarkdown.finish` parses a whole text."""
    text = WELCOME.read_text(encoding="utf-8")
    source = terminal_safe(text.replace("\r\n", "\n").replace("\r", "\n"))
    tokens = parser().parse(source, {"references": {}})
    bounds = [*block_starts(tokens), len(tokens)]
    return text, tuple(tuple(tokens[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))


class Welcome(LiveMarkdown):
    """The welcome, drawn like an answer (and at a fraction of the start-up cost of a tree of
    Markdown widgets), finished from the start."""

    def __init__(self) -> None:
        super().__init__(id="welcome", classes="welcome")
        text, blocks = welcome_blocks()
        self._pieces = [text]
        self._blocks = [list(block) for block in blocks]
        self._finished = True

    def on_mount(self) -> None:
        """Nothing streams in: no update timer."""

    def _draw(self, width: int) -> None:
        colours = self._colours()
        key = (width, self.rich_style, colours)
        lines = _DRAWINGS.get(key)
        if lines is not None:
            self._width, self._drawn = width, len(self._blocks)
            self._lines, self._tail_lines = list(lines), []
            self._drawn_style, self._drawn_colours = key[1], colours
            return
        super()._draw(width)
        if width > 0 and not self.behind:
            if len(_DRAWINGS) >= DRAWN_KEPT:
                _DRAWINGS.clear()
            _DRAWINGS[key] = list(self._lines)
