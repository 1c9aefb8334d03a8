"""One column of the compare screen: a target's live counters over its answer as it streams.

The column holds no stream: the screen's :class:`~openmaas_tui.core.compare.CompareRun` owns
them. Text is appended as it arrives (O(1)); ten times a second, at its own turn, the screen
renders what arrived and calls :meth:`CompareColumn.show` to copy the lane's counters in, so
the work per second is fixed however fast tokens come.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message as TMessage
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from openmaas_tui.core.compare import CompareTarget, Lane, LaneStatus
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.money import format_usd
from openmaas_tui.ui.errors import ErrorView
from openmaas_tui.ui.live_markdown import LiveMarkdown

SPARK_BINS = 30
"""Slices of time in a column's tokens-over-time picture."""

_DIGITS = re.compile(r"\d")

_STATUS_CLASSES = {s: f"-{s.value}" for s in LaneStatus}


class ColumnMarkdown(LiveMarkdown, ScrollView, can_focus=False):
    """:class:`LiveMarkdown` as its own scrolling view, rendered when the screen says so
    (:meth:`~openmaas_tui.ui.compare_screen.CompareScreen.tick`: one column at a time, so
    the columns' work does not fall into the same frame), not on a timer of its own.

    The answer grows inside a fixed region: its virtual height changes, the screen is not laid
    out again, and only the column's own lines are painted (a growing ``height: auto`` widget in
    a scroll container lays out the whole screen, eight columns ten times a second). It follows
    the end until the person scrolls up, and again once they scroll back to the end.
    """

    DEFAULT_CSS = """
    ColumnMarkdown {
        height: 1fr;
        padding: 0 0 0 1;  /* on the right, a blank cell before the scrollbar (_text_width) */
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    _drawn_style = Style()
    """The widget's style when the lines were drawn (they carry it)."""

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        event.prevent_default()  # no LiveMarkdown timer: the screen renders the columns in turn
        self.anchor()

    @property
    def _text_width(self) -> int:
        """The width the lines are drawn at: the view's, but for a blank cell before the
        scrollbar."""
        return max(self.scrollable_content_region.width - 1, 0)

    def _redraw(self) -> None:
        width = self._text_width
        same_width = width == self._width
        first = len(self._lines) if same_width else 0
        if not same_width:
            self._drawn_style = self.rich_style
        self._draw(width)
        height = len(self._lines) + len(self._tail_lines)
        if self.virtual_size != (width, height):
            # No layout: the column's size is fixed; only the scrollbar learns of the change.
            size = Size(width, height)
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        if self.is_anchored and not self._anchor_released:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        y = first - self.scroll_offset.y
        self.refresh(Region(0, max(y, 0), self.size.width, self.size.height))

    def on_resize(self) -> None:
        if self._text_width != self._width:
            self._redraw()

    def notify_style_update(self) -> None:
        # The column's classes change with its status (border colours), which restyles this
        # widget too: draw everything again only if the style the lines carry changed.
        Widget.notify_style_update(self)
        if self._width > 0:
            self.call_later(self._restyle)

    def _restyle(self) -> None:
        if self.rich_style != self._drawn_style:
            self._width = -1
            self._redraw()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.virtual_size.height

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._anchored and self._anchor_released:
            self._check_anchor()  # at the end again: follow again

    def render_line(self, y: int) -> Strip:
        return super().render_line(y + self.scroll_offset.y)


def counters_text(lane: Lane) -> Text:
    """The column's counters: status and elapsed time, then TTFT, output tokens (≈ while
    streaming), tokens/s and cost so far."""
    meter = lane.meter
    text = Text()
    status = str(lane.error.code) if lane.error else str(lane.status)
    text.append(status, style="bold")
    if lane.status != LaneStatus.READY:
        text.append(f"  {meter.duration_ms / 1000:.1f} s")
    text.append("\nTTFT ", style="dim")
    text.append("–" if meter.ttft_ms is None else f"{meter.ttft_ms:,.0f} ms")
    usage, estimated = lane.usage()
    mark = "≈" if estimated else ""
    out = usage.output_tokens if usage is not None else None
    text.append("\nout ", style="dim")
    text.append("–" if out is None else f"{mark}{out:,}")
    rate = lane.tokens_per_s()
    text.append("  tok/s ", style="dim")
    text.append("–" if rate is None else f"{rate:.0f}")
    cost = lane.cost_usd()
    text.append("\ncost ", style="dim")
    if cost is None and lane.status in (LaneStatus.READY, LaneStatus.WAITING):
        text.append("–")
    else:
        text.append((mark if cost is not None else "") + format_usd(cost))
    return text


class CompareColumn(Vertical, can_focus=True):
    """A target's header of counters over its streamed answer.

    Args:
        target: what this column asks.
        number: its place on the screen, from 1.
    """

    BINDINGS = [
        Binding("s", "stop", "Stop", id="compare.column.stop"),
        Binding("r", "rerun", "Rerun", id="compare.column.rerun"),
        Binding("c", "continue", "Continue", id="compare.column.continue"),
        Binding("delete,x", "remove", "Remove", id="compare.column.remove", key_display="del"),
        Binding("left", "move(-1)", "←", show=False, id="compare.column.left"),
        Binding("right", "move(1)", "→", show=False, id="compare.column.right"),
        Binding("up", "scroll(-1)", show=False),
        Binding("down", "scroll(1)", show=False),
    ]

    @dataclass
    class Requested(TMessage):
        """The person asked for ``action`` (stop, rerun, continue, remove, move) on ``column``.

        Attributes:
            column: the column.
            action: what was asked.
            step: for ``move``, -1 (left) or 1 (right).
        """

        column: CompareColumn
        action: str
        step: int = 0

    def __init__(self, target: CompareTarget, number: int) -> None:
        super().__init__(classes="compare-column -ready")
        self.target = target
        self.number = number
        self.border_title = f"{number} {target.name}"
        self.border_subtitle = "ready"
        self.counters = Static("", classes="counters")
        self.answer = ColumnMarkdown(classes="answer")
        self.spark = Sparkline([], classes="spark")
        self._shown = ""
        self.settled = False
        """Whether the lane's end has been rendered (:meth:`ended` ran)."""

    def on_mount(self) -> None:
        self.show(Lane(0, self.target))

    def compose(self) -> ComposeResult:
        yield self.counters
        yield self.answer
        yield self.spark

    def renumber(self, number: int) -> None:
        """Show this column as the ``number``-th."""
        self.number = number
        self.border_title = f"{number} {self.target.name}"

    async def restart(self) -> None:
        """Clear the answer for a new attempt."""
        await self.query(ErrorView).remove()
        old, self.answer = self.answer, ColumnMarkdown(classes="answer")
        await self.mount(self.answer, before=old)
        await old.remove()
        self.spark.remove_class("-shown")
        self._shown = ""
        self.settled = False

    def append(self, text: str) -> None:
        """Add answer text as it arrives (it is rendered by :meth:`render_lane`)."""
        self.answer.append(text)

    async def render_lane(self, lane: Lane) -> None:
        """Render the answer text that arrived and show ``lane``'s counters."""
        await self.answer.render_pending()
        self.show(lane)

    async def ended(self, lane: Lane, span_s: float) -> None:
        """Render the rest of the answer, show the error if any, and the tokens-over-time
        picture on a time axis of ``span_s`` seconds (the run's longest lane)."""
        try:
            await self.answer.finish()
            if lane.error is not None:
                await self.mount(ErrorView(lane.error), before=self.spark)
        finally:
            self.settled = True
        # The status colours restyle the column and the picture lays it out again: after the
        # frame that shows the answer's end (eight columns end together).
        self.call_after_refresh(self._show_end, lane, span_s)

    def _show_end(self, lane: Lane, span_s: float) -> None:
        self.show(lane)
        self.show_timeline(lane, span_s)

    def show_timeline(self, lane: Lane, span_s: float) -> None:
        """Draw tokens over time (``span_s`` seconds across the column)."""
        data = lane.timeline(SPARK_BINS, span_s=span_s)
        if any(data):
            self.spark.data = data
            self.spark.add_class("-shown")

    def show(self, lane: Lane) -> None:
        """Copy ``lane``'s counters into the header (nothing is redrawn when nothing changed)."""
        text = counters_text(lane)
        if text.plain != self._shown:
            # Lay out again only when the text may wrap differently (not when a digit changes).
            shape = _DIGITS.sub("0", text.plain)
            self.counters.update(text, layout=shape != _DIGITS.sub("0", self._shown))
            self._shown = text.plain
        status = str(lane.error.code) if lane.error else str(lane.status)
        if self.border_subtitle != status:
            self.border_subtitle = status
            for s, css in _STATUS_CLASSES.items():
                self.set_class(s == lane.status, css, update=False)
            self.update_node_styles()  # once: each update restyles the column and its children

    def error(self) -> OpenMaaSError | None:
        """The error shown in this column, if any."""
        found = self.query(ErrorView)
        return found.first().error if found else None

    def action_stop(self) -> None:
        self.post_message(self.Requested(self, "stop"))

    def action_rerun(self) -> None:
        self.post_message(self.Requested(self, "rerun"))

    def action_continue(self) -> None:
        self.post_message(self.Requested(self, "continue"))

    def action_remove(self) -> None:
        self.post_message(self.Requested(self, "remove"))

    def action_move(self, step: int) -> None:
        self.post_message(self.Requested(self, "move", step))

    def action_scroll(self, step: int) -> None:
        self.answer.scroll_relative(y=step * 3, animate=False)
