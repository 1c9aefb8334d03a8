"""One column of the compare screen: a target's live counters over its answer as it streams,
and the model's reasoning, when it streams any, in a collapsed block above the answer; the
tools the provider ran itself (web search, code execution) above the answer and the model's
tool calls under it, each drawn as the playground draws them while they stream (read-only:
a chat carried on from the column answers the calls).

The column holds no stream: the screen's :class:`~openmaas_tui.core.compare.run.CompareRun` owns
them. Text is appended as it arrives (O(1)); ten times a second, at its own turn, the screen
renders what arrived and calls :meth:`CompareColumn.show` to copy the lane's counters in, so
the work per second is fixed however fast tokens come.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message as TMessage
from textual.widgets import Collapsible, Sparkline, Static

from openmaas_tui.core.compare.lane import CompareTarget, Lane, LaneStatus
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.types import ToolCallDelta
from openmaas_tui.ui.markdown.column import ColumnMarkdown
from openmaas_tui.ui.markup_text import markup_literal
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.server_tools import ServerToolsBlock
from openmaas_tui.ui.widgets.tool_calls import ToolCalls

SPARK_BINS = 30
"""Slices of time in a column's tokens-over-time picture."""

_DIGITS = re.compile(r"\d")

_STATUS_CLASSES = {s: f"-{s.value}" for s in LaneStatus}


def counters_text(lane: Lane) -> Text:
    """The column's counters: status and elapsed time, then TTFT, output tokens (≈ while
    streaming), tokens/s and cost so far."""
    meter = lane.meter
    text = Text()
    status = str(lane.error.code) if lane.error else str(lane.status)
    text.append(status, style="bold")
    if lane.status != LaneStatus.READY:
        text.append(f"  {meter.duration_ms / 1000:.1f} s")
    if lane.retry_wait is not None and not lane.ended:
        text.append(f"\n{lane.retry_wait.text}", style="italic")
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


COLUMN_BINDINGS: list[BindingType] = [
    Binding("s", "stop", "Stop", id="compare.column.stop"),
    Binding("r", "rerun", "Rerun", id="compare.column.rerun"),
    Binding("c", "continue", "Continue", id="compare.column.continue"),
    Binding("delete", "remove", "Remove", id="compare.column.remove", key_display="del"),
    Binding("t", "toggle_reasoning", "Reasoning", id="compare.column.reasoning"),
    Binding("left", "move(-1)", "←", show=False, id="compare.column.left"),
    Binding("right", "move(1)", "→", show=False, id="compare.column.right"),
    Binding("up", "scroll(-1)", show=False),
    Binding("down", "scroll(1)", show=False),
]
"""A column's keys: one letter each for what is done to one column; ``del`` removes it (no
letter does: a letter typed by mistake must not take a column away)."""


class CompareColumn(Vertical, can_focus=True):
    """A target's header of counters over its streamed answer, its reasoning (collapsed,
    ``t`` opens it) and the tools its provider ran between the two once any arrives, and the
    tool calls its model makes under the answer, as they stream.

    Args:
        target: what this column asks.
        number: its place on the screen, from 1.
    """

    DEFAULT_CSS = """
    CompareColumn > Collapsible.reasoning-block {
        height: auto;
        padding: 0;
        margin: 0;
        border-top: none;
    }
    CompareColumn > Collapsible.reasoning-block > Contents {
        height: auto;
        padding: 0 0 0 1;
    }
    CompareColumn ColumnMarkdown.reasoning {
        height: auto;
        max-height: 10;
        color: $text-muted;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = COLUMN_BINDINGS

    @dataclass
    class Requested(TMessage):
        """The person asked for ``action`` (stop, rerun, continue, remove, move) on ``column``,
        or typed text no key of the column takes (``type``: it belongs in the prompt).

        Attributes:
            column: the column.
            action: what was asked.
            step: for ``move``, -1 (left) or 1 (right).
            text: for ``type``, what was typed.
        """

        column: CompareColumn
        action: str
        step: int = 0
        text: str = ""

    def __init__(self, target: CompareTarget, number: int) -> None:
        super().__init__(classes="compare-column -ready")
        self.target = target
        self.number = number
        self.border_title = f"{number} {markup_literal(target.name)}"
        self.border_subtitle = "ready"
        self.counters = Static("", classes="counters")
        self.answer = ColumnMarkdown(classes="answer")
        self.spark = Sparkline([], classes="spark")
        self._shown = ""
        self.settled = False
        """Whether the lane's end has been rendered (:meth:`ended` ran)."""
        self.reasoning: ColumnMarkdown | None = None
        """The reasoning shown above the answer, once any arrived."""
        self._reasoning_pending: list[str] = []  # arrived before the block was mounted
        self.tool_calls: ToolCalls | None = None
        """The model's tool calls, once one began (read-only blocks under the answer)."""
        self.server_tools: ServerToolsBlock | None = None
        """The tools the provider ran itself, once one began (above the answer)."""
        self._server_pending: list[ServerToolCall] = []  # arrived since the last render
        self._parts_lock = asyncio.Lock()

    def on_mount(self) -> None:
        self.show(Lane(0, self.target))

    def on_key(self, event: events.Key) -> None:
        """A printable key that is none of the column's goes to the prompt, with the focus:
        the person is typing the next prompt, and no letter of it may act on the column."""
        bound = self.screen.active_bindings  # the column's keys, as remapped, and the screen's
        if event.is_printable and event.character and event.key not in bound:
            event.stop()
            event.prevent_default()
            self.post_message(self.Requested(self, "type", text=event.character))

    def compose(self) -> ComposeResult:
        yield self.counters
        yield self.answer
        yield self.spark

    def renumber(self, number: int) -> None:
        """Show this column as the ``number``-th."""
        self.number = number
        self.border_title = f"{number} {markup_literal(self.target.name)}"

    async def restart(self) -> None:
        """Clear the answer for a new attempt."""
        await self.query(ErrorView).remove()
        await self.query(ToolCalls).remove()
        await self.query(ServerToolsBlock).remove()
        await self.query(Collapsible).remove()
        self.reasoning, self._reasoning_pending = None, []
        self.tool_calls, self.server_tools, self._server_pending = None, None, []
        self.refresh_bindings()
        old, self.answer = self.answer, ColumnMarkdown(classes="answer")
        await self.mount(self.answer, before=old)
        await old.remove()
        self.spark.remove_class("-shown")
        self._shown = ""
        self.settled = False

    def append(self, text: str) -> None:
        """Add answer text as it arrives (it is rendered by :meth:`render_lane`)."""
        self.answer.append(text)

    def append_reasoning(self, text: str) -> None:
        """Add reasoning text as it arrives (O(1); rendered by :meth:`render_lane`)."""
        if not text:
            return
        if self.reasoning is None:
            self._reasoning_pending.append(text)
        else:
            self.reasoning.append(text)

    def append_tool_call(self, delta: ToolCallDelta) -> None:
        """Take a piece of a tool call as it arrives (O(1); drawn by :meth:`render_lane`)."""
        if self.tool_calls is None:
            self.tool_calls = ToolCalls()
        self.tool_calls.add(delta)

    def append_server_tool(self, call: ServerToolCall) -> None:
        """Take a piece of a tool the provider ran as it arrives (drawn by
        :meth:`render_lane`)."""
        self._server_pending.append(call)

    async def _render_parts(self) -> None:
        # One at a time: the lane's render and its end both come here, and the end must not
        # finish a block while the render is still mounting it.
        async with self._parts_lock:
            if self.reasoning is None and self._reasoning_pending:
                self.reasoning = ColumnMarkdown(classes="reasoning")
                self.reasoning.append("".join(self._reasoning_pending))
                self._reasoning_pending = []
                block = Collapsible(
                    self.reasoning, title="Reasoning", collapsed=True, classes="reasoning-block"
                )
                await self.mount(block, before=self.answer)
                self.refresh_bindings()  # t now has something to open
            if self.reasoning is not None:
                await self.reasoning.render_pending()
            if self._server_pending:
                pending, self._server_pending = self._server_pending, []
                if self.server_tools is None:
                    self.server_tools = ServerToolsBlock(pending)
                    await self.mount(self.server_tools, before=self.answer)
                else:
                    for call in pending:
                        self.server_tools.take(call)
            if self.tool_calls is not None:
                if self.tool_calls.parent is None:
                    await self.mount(self.tool_calls, before=self.spark)
                await self.tool_calls.render_pending()

    async def render_lane(self, lane: Lane) -> None:
        """Render the reasoning, tools and answer text that arrived and show ``lane``'s
        counters."""
        await self._render_parts()
        await self.answer.render_pending()
        self.show(lane)

    async def ended(self, lane: Lane, span_s: float) -> None:
        """Render the rest of the answer, show the error if any, and the tokens-over-time
        picture on a time axis of ``span_s`` seconds (the run's longest lane)."""
        try:
            await self._render_parts()
            if self.reasoning is not None:
                await self.reasoning.finish()
            await self.answer.finish()
            calls = lane.meter.completion().tool_calls
            if self.tool_calls is not None:  # the calls as the provider completed them
                await self.tool_calls.show_calls(calls)
            elif calls:  # read-only here: a chat continued from this answer takes results
                self.tool_calls = ToolCalls(calls)
                await self.mount(self.tool_calls, before=self.spark)
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
        """Ask to stop this target, keeping what arrived."""
        self.post_message(self.Requested(self, "stop"))

    def action_rerun(self) -> None:
        """Ask to run this target again on the same prompt."""
        self.post_message(self.Requested(self, "rerun"))

    def action_continue(self) -> None:
        """Ask to carry on with this target's answer as a chat."""
        self.post_message(self.Requested(self, "continue"))

    def action_remove(self) -> None:
        """Ask to remove this column."""
        self.post_message(self.Requested(self, "remove"))

    def action_move(self, step: int) -> None:
        """Ask to move the focus ``step`` columns (-1 left, 1 right)."""
        self.post_message(self.Requested(self, "move", step))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``t`` is offered (footer, palette) only once the column has reasoning to open."""
        if action == "toggle_reasoning":
            return self.reasoning is not None
        return True

    def action_toggle_reasoning(self) -> None:
        """Open or close the reasoning block (nothing when there is none)."""
        for block in self.query(Collapsible):
            block.collapsed = not block.collapsed

    def action_scroll(self, step: int) -> None:
        self.answer.scroll_relative(y=step * 3, animate=False)
