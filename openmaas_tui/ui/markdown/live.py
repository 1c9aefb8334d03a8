"""Markdown that grows while it streams, at a cost per update that does not grow with its length.

:class:`LiveMarkdown` buffers appended text (O(1) per append); a timer renders what is pending
about 30 times a second, and not at all when nothing arrives. Each update parses only the
*tail*: the text from the start of the last top-level block, which may still change. A block is
finished once a later top-level block begins on a complete line (lines are parsed one after
another, so what follows cannot change a block before it; the partial last line is never
trusted, since ``#`` alone is a heading but ``#tag`` continues a paragraph). Finished blocks are
drawn once into lines (Rich's Markdown renderer) and kept; the widget shows them through
Textual's line API, which draws only the lines on screen. So per update the parser sees one
block, the renderer draws one block, and the layout has one widget, whatever the length.

Why lines and not a tree of Textual Markdown widgets: Textual builds several widgets per block
(a list item is four), and styling, mounting and laying out each costs about a millisecond,
every one of them: a 20,000-token answer is some 4,700 widgets and 11 s of work before it is
first painted (``bench/stream.py --bare`` measures this path).

The lines equal those of one Rich render of the whole text at the same width
(:func:`~openmaas_tui.ui.markdown.lines.render_markdown`). Finished blocks are drawn within a
time budget per update (:data:`DRAW_BUDGET_S`), so a burst of text never holds the event loop
long. Link reference definitions seen so far are given to every parse; one that arrives after
a block using it was drawn makes :meth:`LiveMarkdown.finish` draw everything again (rare). A
change of width, or of the app's theme (the Markdown's colours come from it, see
:mod:`~openmaas_tui.ui.markdown.theme`), draws everything again, once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from markdown_it.token import Token
from rich.style import Style
from rich.theme import Theme
from textual.geometry import Size
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.ui.markdown.lines import (
    block_starts,
    ends_with_new_line,
    make_parser,
    parser,
    render_tokens,
)
from openmaas_tui.ui.markdown.theme import markdown_styles

UPDATE_INTERVAL_S = 1 / 30
"""How often pending text is rendered while it arrives."""

DRAW_BUDGET_S = 0.008
"""Most time one update spends drawing finished blocks; what is left is drawn by the next
updates (and the open tail shown once they have caught up), so a burst of text never holds the
event loop for long."""


def _drop_lines(text: str, count: int) -> str:
    """``text`` without its first ``count`` lines (lines end with ``\\n``)."""
    if count <= 0:
        return text
    parts = text.split("\n", count)
    return parts[count] if len(parts) > count else ""


class LiveMarkdown(Widget):
    """Streaming Markdown: :meth:`append` text as it arrives, :meth:`finish` at the end.

    Args:
        name: The name of the widget.
        id: The ID of the widget in the DOM.
        classes: The CSS classes of the widget.

    Attributes:
        updates: renders done so far (for tests and benchmarks).
        parsed_chars: characters given to the parser so far (for tests and benchmarks).
        drawn_blocks: top-level blocks drawn so far, the tail's redraws included.
    """

    DEFAULT_CSS = """
    LiveMarkdown {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._pieces: list[str] = []
        self._pending: list[str] = []
        self._tail = ""
        self._held_cr = False
        self._refs: dict[str, Any] = {}
        self._refs_when_frozen: set[str] | None = None
        self._blocks: list[list[Token]] = []
        """Finished top-level blocks, each as its tokens."""
        self._drawn = 0
        """How many of ``_blocks`` are in ``_lines``."""
        self._tail_tokens: list[Token] = []
        self._width = 0
        self._lines: list[Strip] = []
        """Lines of the drawn finished groups."""
        self._tail_lines: list[Strip] = []
        self._drawn_style: Style | None = None
        """The widget's style the lines were drawn over."""
        self._drawn_colours: Theme | None = None
        """The Markdown styles (of the app's theme) the lines were drawn with."""
        self._timer: Timer | None = None
        self._lock = asyncio.Lock()
        self._finished = False
        self._catching_up = False
        self.updates = 0
        self.parsed_chars = 0
        self.drawn_blocks = 0

    # -- text in --------------------------------------------------------------------------

    @property
    def source(self) -> str:
        """All the text appended so far."""
        if len(self._pieces) > 1:
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    @property
    def lines(self) -> list[Strip]:
        """Every line as drawn now (finished blocks, then the tail), padded to the width and
        over the widget's style."""
        return [*self._lines, *self._tail_lines]

    def append(self, text: str) -> None:
        """Add ``text`` at the end; it is rendered by the next timed update (O(1) here).

        Raises:
            RuntimeError: after :meth:`finish`.
        """
        if not text:
            return
        if self._finished:
            raise RuntimeError("LiveMarkdown.append after finish()")
        self._pieces.append(text)
        self._pending.append(text)
        if self._timer is not None:
            self._timer.resume()

    def on_mount(self) -> None:
        self._timer = self.set_interval(UPDATE_INTERVAL_S, self._tick, pause=not self._pending)

    async def _tick(self) -> None:
        if not self._pending and not self.behind:
            if self._timer is not None:
                self._timer.pause()
            return
        await self.render_pending()

    @property
    def behind(self) -> bool:
        """Whether finished blocks are waiting to be drawn (see :data:`DRAW_BUDGET_S`)."""
        return self._drawn < len(self._blocks)

    async def render_pending(self) -> None:
        """Render what is pending now rather than at the next timed update."""
        async with self._lock:
            if not self._finished and (self._pending or self._held_cr):
                self._update(final=False)
            elif self.behind:
                self._redraw()

    async def finish(self) -> None:
        """Render everything appended, as final (the partial last line is a line too)."""
        if self._timer is not None:
            self._timer.pause()
        async with self._lock:
            if self._finished:
                return
            self._finished = True
            if self._timer is not None:
                self._timer.stop()
            self._update(final=True)
            if self._refs_when_frozen is not None and set(self._refs) != self._refs_when_frozen:
                self._parse_all_again()
            self._catching_up = True  # this loop catches up; no timer
            while self.behind and self._width > 0:
                await asyncio.sleep(0)  # draw the rest in slices: other work goes on
                self._redraw()
            self._catching_up = False

    # -- parsing --------------------------------------------------------------------------

    def _take_pending(self, final: bool) -> None:
        """Move pending text into the tail, with line ends as the parser sees them."""
        text = "\r" if self._held_cr else ""
        text += "".join(self._pending)
        self._pending.clear()
        self._held_cr = not final and text.endswith("\r")
        if self._held_cr:
            text = text[:-1]  # it may be the first half of "\r\n"
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._tail += terminal_safe(text)  # the source keeps the raw text; what is drawn is inert

    def _update(self, *, final: bool) -> None:
        self._take_pending(final)
        self.updates += 1
        cut = len(self._tail) if final else self._tail.rfind("\n") + 1
        if cut:
            env: dict[str, Any] = {"references": dict(self._refs)}
            tokens = parser().parse(self._tail[:cut], env)
            self.parsed_chars += cut
            starts = block_starts(tokens)
            keep_from = len(tokens) if final else (starts[-1] if len(starts) > 1 else 0)
            if keep_from:
                bounds = [*starts, len(tokens)]
                self._blocks += [
                    tokens[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < keep_from
                ]
                lines = len(tokens) if final else (tokens[keep_from].map or [0])[0]
                self._tail = "" if final else _drop_lines(self._tail, lines)
                self._adopt_refs(env.get("references", {}), None if final else lines)
        self._tail_tokens = []
        if self._tail.strip():
            env = {"references": dict(self._refs)}
            self._tail_tokens = parser().parse(self._tail, env)
            self.parsed_chars += len(self._tail)
        self._redraw()

    def _adopt_refs(self, refs: dict[str, Any], before_line: int | None) -> None:
        """Keep the reference definitions that lie in the frozen lines."""
        for label, ref in refs.items():
            in_frozen = before_line is None or ref.get("map", [0, 0])[1] <= before_line
            if label not in self._refs and in_frozen:
                self._refs[label] = ref
        if self._refs_when_frozen is None:
            self._refs_when_frozen = set(self._refs)

    def _parse_all_again(self) -> None:
        """Parse and draw the whole source afresh (a late link reference definition)."""
        source = self.source.replace("\r\n", "\n").replace("\r", "\n")
        tokens = make_parser().parse(terminal_safe(source))
        bounds = [*block_starts(tokens), len(tokens)]
        self._blocks = [tokens[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        self._tail_tokens = []
        self._drawn = 0
        self._lines = []
        self._redraw()

    # -- drawing --------------------------------------------------------------------------

    def _draw(self, width: int) -> None:
        """Draw finished blocks not drawn yet, for at most :data:`DRAW_BUDGET_S`, and then, if
        they have all been drawn, the tail; ``width`` cells wide."""
        if width != self._width:
            self._width = width
            self._drawn = 0
            self._lines = []
        if width <= 0:
            return
        console = self.app.console
        base = self._drawn_style = self.rich_style
        styles = self._drawn_colours = self._colours()
        deadline = time.perf_counter() + DRAW_BUDGET_S
        while self._drawn < len(self._blocks) and time.perf_counter() < deadline:
            blank = self._drawn > 0 and ends_with_new_line(self._blocks[self._drawn - 1])
            block = self._blocks[self._drawn]
            first = not self._lines
            self._lines += render_tokens(
                block, console, width, blank_first=blank, first=first, base=base, styles=styles
            )
            self.drawn_blocks += 1
            self._drawn += 1
        if self.behind:
            self._tail_lines = []
            if not self._finished and self._timer is not None:
                self._timer.resume()
            elif self._finished and not self._catching_up:
                # A new width or style after finish(): the update timer is gone.
                self._catching_up = True
                self.set_timer(UPDATE_INTERVAL_S, self._catch_up)
            return
        blank = bool(self._blocks) and ends_with_new_line(self._blocks[-1])
        self._tail_lines = render_tokens(
            self._tail_tokens,
            console,
            width,
            blank_first=blank,
            first=not self._lines,
            base=base,
            styles=styles,
        )
        self.drawn_blocks += len(block_starts(self._tail_tokens))

    def _catch_up(self) -> None:
        """Draw on after finish() until every block is drawn, one budget per timer tick."""
        self._catching_up = False
        self._redraw()

    def _redraw(self) -> None:
        height = len(self._lines) + len(self._tail_lines)
        self._draw(self._width if self._width > 0 else self.content_region.width)
        self.refresh(layout=len(self._lines) + len(self._tail_lines) != height)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width != self._width:
            self._draw(width)
        return len(self._lines) + len(self._tail_lines)

    def _colours(self) -> Theme:
        """The Markdown styles of the app's current theme (resolved once per theme)."""
        return markdown_styles(self.app.current_theme)

    @property
    def _restyled(self) -> bool:
        """Whether the lines were drawn over another style or in another theme than now's."""
        return self.rich_style != self._drawn_style or self._colours() is not self._drawn_colours

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Lines carry the widget's style and the theme's colours: draw them again if either
        # changed (an ancestor's class or focus changes the styles of everything under it,
        # mostly to the same values; a theme change restyles every widget).
        if self._width > 0 and self._restyled:
            self._width = -1
            self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        if y < len(self._lines):
            return self._lines[y]
        if y - len(self._lines) < len(self._tail_lines):
            return self._tail_lines[y - len(self._lines)]
        return Strip.blank(max(self._width, 0), self.rich_style)
