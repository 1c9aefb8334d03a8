"""One streamed answer: reasoning (when the model streams it) in a collapsible block, the answer
as Markdown that grows as tokens arrive, and a line of counters under it.

The view owns the worker that runs the answer's
:class:`~openmaas_tui.core.exchange.pipeline.Exchange` (unmounting the view cancels it) and only
draws what the exchange yields: text into
:class:`~openmaas_tui.ui.markdown.live.LiveMarkdown` (which renders at its own pace), reasoning
into its block, an error inline. A 10 Hz timer pulls the counters line from the exchange, so the
UI's work per second is fixed however fast tokens come.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message as TMessage
from textual.timer import Timer
from textual.widgets import Collapsible, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.durations import expected_duration_s
from openmaas_tui.core.exchange.json_check import JsonCheck, check_json_answer
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.sessions.conversation import SessionMessage
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    ReasoningDelta,
    ServerToolUse,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from openmaas_tui.providers.registry import Target
from openmaas_tui.ui.markdown.live import LiveMarkdown
from openmaas_tui.ui.widgets.answer_parts import JsonMarker, WaitingBar
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.server_tools import show_server_tool
from openmaas_tui.ui.widgets.tool_calls import ToolCalls
from openmaas_tui.ui.workers import WorkerOwner

COUNTERS_INTERVAL_S = 0.1
"""How often the counters line is refreshed from the exchange."""


class AnswerView(WorkerOwner, Vertical):
    """Streams one answer and shows model, TTFT, tokens/s, tokens and cost under it.

    With streaming off (``request.stream`` False) the adapter's ``complete`` is asked instead,
    and a progress line shows the time waited against this model's usual time until the whole
    answer arrives. When the request asked for JSON, the finished answer is checked
    (:func:`~openmaas_tui.core.exchange.json_check.check_json_answer`) and a marker under it says
    whether it is valid, invalid, truncated or off-schema.

    Args:
        target: the model to ask.
        request: the request, already prepared for ``target``.
        price: the model's price, or None when unknown.
        clock: seconds, monotonic (tests inject one).
        recorder: writes the answer to the history as it streams (the exchange feeds and
            finishes it), or None.

    Attributes:
        exchange: the answer's exchange: its figures, and its record once it has ended.
        meter: what arrived and when (the exchange's).
        done: the stream ended (completed, stopped or failed) and everything is rendered.
        json_check: what checking a JSON answer found, or None (not JSON, stopped or failed).
        waiting: the progress line while a non-streamed answer is awaited, else None.
        retry_note: the wait before the exchange asks again, while there is one, else None.
        record: the session's record of the answer once it has finished (set by the app).
        recorder: the history's recorder of the answer, or None.
        tool_calls: the blocks of the model's tool calls, once one arrived, else None.
    """

    DEFAULT_CSS = """
    AnswerView { height: auto; margin: 0 0 1 0; }
    AnswerView > Collapsible { margin: 0 0 1 0; }
    AnswerView > .meta { color: $text-muted; padding: 0 1; margin: 1 0 0 0; }
    AnswerView > ErrorView { margin: 1 1 0 1; }
    AnswerView > .retry-wait { color: $text-warning; padding: 0 1; text-style: italic; }
    """

    @dataclass
    class Finished(TMessage):
        """The answer ended: completed, stopped or failed (see the view's attributes)."""

        view: AnswerView

    def __init__(
        self,
        target: Target,
        request: ChatRequest,
        price: Price | None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        recorder: StreamRecorder | None = None,
    ) -> None:
        super().__init__()
        self.recorder = recorder
        self.target = target
        self.request = request
        self.price = price
        self.exchange = Exchange(target, request, price, recorder=recorder, clock=clock)
        self.meter = self.exchange.meter
        self.done = False
        self.record: SessionMessage | None = None
        self.answer = LiveMarkdown(classes="answer")
        self.reasoning: LiveMarkdown | None = None
        self._meta = Static("", classes="meta", markup=False)
        self.counters = ""
        """The counters line as last shown."""
        self._timer: Timer | None = None
        self._clock = clock
        self.json_check: JsonCheck | None = None
        self.waiting: WaitingBar | None = None
        self.retry_note: Static | None = None
        self.tool_calls: ToolCalls | None = None

    def compose(self) -> ComposeResult:
        yield self.answer
        yield self._meta

    def on_mount(self) -> None:
        if not self.request.stream:  # the whole answer comes at once: show the wait
            self.waiting = WaitingBar(expected_duration_s(self.target.route.ref))
            self.mount(self.waiting, before=self.answer)
        self._timer = self.set_interval(COUNTERS_INTERVAL_S, self.refresh_counters)
        self.refresh_counters()
        self.run_stream()

    @property
    def stopped(self) -> bool:
        """Whether the answer ended stopped (by the person) rather than complete or failed: the
        exchange's record says so; a stop that lands after the last byte changes nothing."""
        return self.exchange.stopped

    @property
    def error(self) -> OpenMaaSError | None:
        """Why the answer failed, or None."""
        return self.exchange.error

    def completion(self) -> Completion:
        """What arrived so far (all of it once :attr:`done`)."""
        return self.meter.completion()

    @property
    def has_reasoning(self) -> bool:
        """Whether reasoning arrived (it is shown in a block above the answer)."""
        return self.reasoning is not None

    def toggle_reasoning(self) -> bool:
        """Open the reasoning block, or close it.

        Returns:
            Whether it is open now (False when there is none).
        """
        blocks = self.query(Collapsible)
        if self.reasoning is None or not blocks:
            return False
        block = blocks.first()
        block.collapsed = not block.collapsed
        return not block.collapsed

    def stop(self) -> None:
        """Stop streaming and keep what arrived, marked as stopped."""
        if not self.done:
            self.workers.cancel_group(self, "answer")

    def estimate(self) -> Usage | None:
        """The local (tiktoken) token counts so far, or None before the tokenizer is ready."""
        return self.exchange.estimate()

    def usage_in_force(self) -> tuple[Usage | None, bool]:
        """The counts shown and billed for this answer, and whether they are estimates."""
        return self.exchange.usage_in_force()

    def refresh_counters(self) -> None:
        """Copy the exchange's counters into the counters line (and the time waited into the
        progress line, while there is one)."""
        if self.waiting is not None:
            self.waiting.show(self._clock() - self.meter.started_at)
        self.counters = self.exchange.counters()
        self._meta.update(self.counters)
        if self.tool_calls is not None:
            self.call_later(self.tool_calls.render_pending)

    async def _reasoning_view(self) -> LiveMarkdown:
        if self.reasoning is None:
            self.reasoning = LiveMarkdown(classes="reasoning")
            block = Collapsible(self.reasoning, title="Reasoning", collapsed=False)
            await self.mount(block, before=self.answer)
        return self.reasoning

    async def _tool_calls_view(self) -> ToolCalls:
        if self.tool_calls is None:
            if self.reasoning is not None:
                self.query_one(Collapsible).collapsed = True
            self.tool_calls = ToolCalls()
            await self.mount(self.tool_calls, before=self._meta)
        return self.tool_calls

    async def _show_retry(self, wait: RetryWait | None) -> None:
        """Show the wait before the exchange asks again ("rate limited, retrying in 4 s…"),
        or, with None, take it away."""
        if wait is None:
            if self.retry_note is not None:
                note, self.retry_note = self.retry_note, None
                await note.remove()
        elif self.retry_note is None:
            self.retry_note = Static(wait.text, classes="retry-wait", markup=False)
            await self.mount(self.retry_note, before=self.answer)
        else:
            self.retry_note.update(wait.text)

    async def _stop_waiting(self) -> None:
        if self.waiting is not None:
            waiting, self.waiting = self.waiting, None
            await waiting.remove()

    @work(exclusive=True, group="answer", exit_on_error=False, description="stream answer")
    async def run_stream(self) -> None:
        """Run the exchange and draw what it yields; an error is shown inline, the partial
        text kept."""
        answer = self.answer
        answered = False
        try:
            async with aclosing(self.exchange.events()) as events:
                async for event in events:
                    if isinstance(event, RetryWait):
                        await self._show_retry(event)
                        continue
                    if self.retry_note is not None:
                        await self._show_retry(None)
                    if self.waiting is not None:
                        await self._stop_waiting()
                    if isinstance(event, TextDelta):
                        if not answered and self.reasoning is not None:
                            self.query_one(Collapsible).collapsed = True
                        answered = True
                        answer.append(event.text)
                    elif isinstance(event, ReasoningDelta) and event.text:
                        (await self._reasoning_view()).append(event.text)
                    elif isinstance(event, ToolCallDelta):
                        (await self._tool_calls_view()).add(event)
                    elif isinstance(event, ServerToolUse):
                        await show_server_tool(self, event.call, before=answer)
        finally:
            await self._stop_waiting()
            await self._show_retry(None)
            if self._timer is not None:
                self._timer.stop()
            if self.is_attached:  # else removed from the screen: nothing to show or tell
                if self.exchange.error is not None:
                    await self.mount(ErrorView(self.exchange.error), before=self._meta)
                await self._settle()
            self.done = True

    async def _settle(self) -> None:
        """Render what arrived as final, check a JSON answer, show the final counters and say
        so."""
        if self.reasoning is not None:
            await self.reasoning.finish()
        await self.answer.finish()
        if self.tool_calls is not None:
            await self.tool_calls.show_calls(self.meter.completion().tool_calls)
        fmt = self.request.json_mode
        if fmt is not None and self.error is None and not self.stopped:
            completion = self.meter.completion()
            self.json_check = check_json_answer(completion.text, fmt, completion.finish_reason)
            await self.mount(JsonMarker(self.json_check), before=self._meta)
        self.done = True
        self.refresh_counters()
        await self.exchange.saved()  # the app then keeps the answer (or drops its row)
        self.post_message(self.Finished(self))
