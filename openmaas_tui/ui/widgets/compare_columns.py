"""The compare screen's targets, a column each, side by side, and how a run is drawn in them.

The run's lanes stream as their own tasks; the columns only take in the text, reasoning and
tool-call pieces as they arrive (O(1) per token). One timer renders the columns in turn, each
ten times a second (its new text and its counters): rendered together, eight columns' drawing
and painting would fall into one frame and hold the event loop for that long. Once every lane
has ended and its end is drawn, :class:`CompareColumns.Settled` goes up and the timer rests.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer

from openmaas_tui.core.compare.lane import CompareTarget, Lane
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.types import ToolCallDelta
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.workers import WorkerOwner

COLUMN_INTERVAL_S = 0.1
"""How often each column renders the text that arrived and its counters (seconds). The columns
take turns, evenly spread over this interval."""


class CompareColumns(WorkerOwner, Horizontal):
    """The target columns, left to right; the listener of the run they show
    (:class:`~openmaas_tui.core.compare.run.LaneListener`).

    Args:
        targets: the columns to start with.
        id: the DOM id.
    """

    @dataclass
    class Settled(Message):
        """Every lane of the run has ended and its end is drawn: the summary may be shown."""

        run: CompareRun

    @dataclass
    class RunEnded(Message):
        """Every lane of the run has ended (again, after a rerun): the run may be saved."""

        run: CompareRun

    def __init__(self, targets: list[CompareTarget], *, id: str | None = None) -> None:
        super().__init__(*(CompareColumn(t, n) for n, t in enumerate(targets, 1)), id=id)
        self.run: CompareRun | None = None
        """The run shown, or None before the first (and after a column is removed)."""
        self._lane_columns: list[CompareColumn] = []
        self._timer: Timer | None = None
        self._timer_interval = 0.0
        self._turn = 0
        self._settled = False

    @property
    def columns(self) -> list[CompareColumn]:
        """The target columns, left to right."""
        return list(self.query(CompareColumn))

    def column_of(self, lane: Lane) -> CompareColumn | None:
        """The column showing ``lane`` (kept from the start of the run: a DOM query per token
        would cost more than the rest of the streaming together)."""
        columns = self._lane_columns
        return columns[lane.index] if lane.index < len(columns) else None

    async def add(self, target: CompareTarget) -> CompareColumn:
        """Add a column for ``target`` at the right."""
        column = CompareColumn(target, len(self.columns) + 1)
        await self.mount(column)
        return column

    async def remove_column(self, column: CompareColumn) -> None:
        """Remove ``column`` and number the others again; the run no longer matches them."""
        self.forget()
        await column.remove()
        for number, other in enumerate(self.columns, 1):
            other.renumber(number)

    def forget(self) -> None:
        """Show no run (its lanes no longer match the columns)."""
        self.run = None
        self._lane_columns = []
        self.rearm()

    async def start(self, run: CompareRun) -> None:
        """Show ``run`` in the columns, in order, each cleared for it."""
        self.run = run
        self._lane_columns = self.columns
        for column in self._lane_columns:
            await column.restart()
        self.rearm()

    def rearm(self) -> None:
        """Wait for the run's end again (a rerun)."""
        self._settled = False

    def start_timer(self) -> None:
        """Render the columns in turn until the run has ended."""
        interval = COLUMN_INTERVAL_S / max(len(self._lane_columns), 1)
        if self._timer is not None and self._timer_interval != interval:
            self._timer.stop()
            self._timer = None
        if self._timer is None:
            self._timer = self.set_interval(interval, self.tick)
            self._timer_interval = interval
        else:
            self._timer.resume()

    async def tick(self) -> None:
        """Render the next column in turn (its new text and counters); once every lane has
        ended and its end is drawn, post :class:`Settled` and rest."""
        run = self.run
        if run is None:
            return
        columns = self._lane_columns
        if columns:
            self._turn = (self._turn + 1) % len(columns)
            if self._turn < len(run.lanes):
                await columns[self._turn].render_lane(run.lanes[self._turn])
        if run.finished and not self._settled and all(c.settled for c in columns):
            # After every answer's last lines were drawn: the summary lays the screen out
            # again and repaints it all, which would hold back the last lines' frame.
            self._settled = True
            if self._timer is not None:
                self._timer.pause()
            self.call_after_refresh(self._say_settled, run)

    def _say_settled(self, run: CompareRun) -> None:
        if self._settled and run is self.run:  # not rerun meanwhile
            self.post_message(self.Settled(run))

    def refresh_counters(self) -> None:
        """Copy every lane's counters into its column now."""
        if self.run is None:
            return
        for lane in self.run.lanes:
            column = self.column_of(lane)
            if column is not None:
                column.show(lane)

    def show_timelines(self) -> None:
        """Draw every lane's tokens over time, on the time axis of the longest."""
        if self.run is None:
            return
        span = max(lane.meter.duration_ms for lane in self.run.lanes) / 1000
        for lane in self.run.lanes:
            column = self.column_of(lane)
            if column is not None:
                column.show_timeline(lane, span)

    # -- LaneListener (called by the run, on the event loop) -------------------------------

    def lane_started(self, lane: Lane) -> None:
        self._settled = False

    def lane_text(self, lane: Lane, text: str) -> None:
        column = self.column_of(lane)
        if column is not None:
            column.append(text)

    def lane_reasoning(self, lane: Lane, text: str) -> None:
        column = self.column_of(lane)
        if column is not None:
            column.append_reasoning(text)

    def lane_tool_call(self, lane: Lane, delta: ToolCallDelta) -> None:
        column = self.column_of(lane)
        if column is not None:
            column.append_tool_call(delta)

    def lane_server_tool(self, lane: Lane, call: ServerToolCall) -> None:
        column = self.column_of(lane)
        if column is not None:
            column.append_server_tool(call)

    def lane_ended(self, lane: Lane) -> None:
        run = self.run
        column = self.column_of(lane)
        if column is not None and run is not None:
            span = max(x.meter.duration_ms for x in run.lanes) / 1000
            self.run_worker(
                column.ended(lane, span),
                group="compare-render",
                exit_on_error=False,
                description="draw a target's end",
            )
        if run is not None and run.finished:
            self.post_message(self.RunEnded(run))
