"""One streamed answer: reasoning (when the model streams it) in a collapsible block, the answer
as Markdown that grows as tokens arrive, and a line of counters under it.

The view owns the worker that streams the answer (unmounting the view cancels it). The worker
only feeds text to :class:`~openmaas_tui.ui.markdown.live.LiveMarkdown` (which renders at its
own pace) and updates a plain :class:`~openmaas_tui.core.exchange.meter.StreamMeter`; a 10 Hz timer
copies
the meter into the counters line, so the UI's work per second is fixed however fast tokens come.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message as TMessage
from textual.timer import Timer
from textual.widgets import Collapsible, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.durations import expected_duration_s, record_duration
from openmaas_tui.core.exchange.json_check import JsonCheck, check_json_answer
from openmaas_tui.core.exchange.meter import StreamMeter, counters_line, usage_in_force
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.pricing.prices import Price
from openmaas_tui.core.sessions.conversation import SessionMessage
from openmaas_tui.core.tokens.count import IncrementalCounter, count_messages
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)
from openmaas_tui.providers.base import completion_events
from openmaas_tui.providers.registry import Target
from openmaas_tui.ui.markdown.live import LiveMarkdown
from openmaas_tui.ui.widgets.answer_parts import JsonMarker, WaitingBar
from openmaas_tui.ui.widgets.error_view import ErrorView

COUNTERS_INTERVAL_S = 0.1
"""How often the counters line is refreshed from the meter."""
YIELD_EVERY_S = 0.005
"""The streaming worker gives the event loop a turn at least this often: events that arrive
together are read without any pause, which would starve the timers that render them."""


class AnswerView(Vertical):
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
        recorder: writes the answer to the history as it streams (one O(1)
            :meth:`~openmaas_tui.core.history.recorder.StreamRecorder.append` per delta; the
            app finishes it), or None.

    Attributes:
        meter: what arrived and when.
        stopped: the person stopped the stream.
        error: why the stream failed, or None.
        done: the stream ended (completed, stopped or failed) and everything is rendered.
        json_check: what checking a JSON answer found, or None (not JSON, stopped or failed).
        waiting: the progress line while a non-streamed answer is awaited, else None.
        record: the session's record of the answer once it has finished (set by the app).
        recorder: the history's recorder of the answer, or None.
    """

    DEFAULT_CSS = """
    AnswerView { height: auto; margin: 0 0 1 0; }
    AnswerView > Collapsible { margin: 0 0 1 0; }
    AnswerView > .meta { color: $text-muted; padding: 0 1; margin: 1 0 0 0; }
    AnswerView > ErrorView { margin: 1 1 0 1; }
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
        self.meter = StreamMeter(target.route.model, clock=clock)
        self.stopped = False
        self.error: OpenMaaSError | None = None
        self.done = False
        self.record: SessionMessage | None = None
        self.answer = LiveMarkdown(classes="answer")
        self.reasoning: LiveMarkdown | None = None
        self._meta = Static("", classes="meta", markup=False)
        self.counters = ""
        """The counters line as last shown."""
        self._timer: Timer | None = None
        self._input_estimate: int | None = None
        self._counter: IncrementalCounter | None = None
        self._uncounted: list[str] = []
        self._clock = clock
        self.json_check: JsonCheck | None = None
        self.waiting: WaitingBar | None = None

    def compose(self) -> ComposeResult:
        yield self.answer
        yield self._meta

    def on_mount(self) -> None:
        self._timer = self.set_interval(COUNTERS_INTERVAL_S, self.refresh_counters)
        self.refresh_counters()
        self.run_stream()

    def completion(self) -> Completion:
        """What arrived so far (all of it once :attr:`done`)."""
        return self.meter.completion()

    def stop(self) -> None:
        """Stop streaming and keep what arrived, marked as stopped."""
        if not self.done:
            self.stopped = True
            self.workers.cancel_group(self, "answer")

    def estimate(self) -> Usage | None:
        """The local (tiktoken) token counts so far, or None before the tokenizer is ready."""
        if self._counter is None:
            return None if self._input_estimate is None else Usage(self._input_estimate)
        if self._uncounted:
            self._counter.feed("".join(self._uncounted))
            self._uncounted.clear()
        return Usage(self._input_estimate, self._counter.tokens)

    def usage_in_force(self) -> tuple[Usage | None, bool]:
        """The counts shown and billed for this answer, and whether they are estimates
        (:func:`~openmaas_tui.core.exchange.meter.usage_in_force`)."""
        return usage_in_force(self.meter, self.estimate())

    def refresh_counters(self) -> None:
        """Copy the meter into the counters line (and the time waited into the progress
        line, while there is one)."""
        if self.waiting is not None:
            self.waiting.show(self._clock() - self.meter.started_at)
        self.counters = counters_line(
            self.target.label,
            self.meter,
            self.price,
            stopped=self.stopped,
            estimate=self.estimate(),
        )
        self._meta.update(self.counters)

    async def _load_estimates(self) -> None:
        """Count the prompt and load the output tokenizer off the event loop."""
        provider, model = self.target.route.provider, self.target.route.model

        def load() -> tuple[int, IncrementalCounter]:
            prompt = count_messages(self.request.messages, self.request.system, provider, model)
            return prompt, IncrementalCounter.for_model(provider, model)

        try:
            self._input_estimate, self._counter = await asyncio.to_thread(load)
        except OpenMaaSError:
            pass  # a damaged tokenizer file: no estimate, the reported usage still comes

    async def _reasoning_view(self) -> LiveMarkdown:
        if self.reasoning is None:
            self.reasoning = LiveMarkdown(classes="reasoning")
            block = Collapsible(self.reasoning, title="Reasoning", collapsed=False)
            await self.mount(block, before=self.answer)
        return self.reasoning

    @work(exclusive=True, group="answer", exit_on_error=False, description="stream answer")
    async def run_stream(self) -> None:
        """Stream the answer into the view; errors are shown inline, the partial text kept."""
        estimates = asyncio.create_task(self._load_estimates())
        answered = False
        clock = time.perf_counter
        yielded_at = clock()
        try:
            async for event in self._events():
                if clock() - yielded_at > YIELD_EVERY_S:
                    # Buffered events come without a pause: let timers and rendering run.
                    await asyncio.sleep(0)
                    yielded_at = clock()
                self.meter.add(event)
                if isinstance(event, TextDelta):
                    if not answered and self.reasoning is not None:
                        self.query_one(Collapsible).collapsed = True
                    answered = True
                    self.answer.append(event.text)
                    self._uncounted.append(event.text)
                    if self.recorder is not None:
                        self.recorder.append(event.text)
                elif isinstance(event, ReasoningDelta):
                    (await self._reasoning_view()).append(event.text)
                    self._uncounted.append(event.text)
                    if self.recorder is not None:
                        self.recorder.append(reasoning=event.text)
        except OpenMaaSError as exc:
            self.error = exc
            await self.mount(ErrorView(exc), before=self._meta)
        finally:
            self.meter.finish()
            if self.error is None and not self.stopped:
                record_duration(self.target.route.ref, self.meter.duration_ms / 1000)
            if not estimates.done():
                estimates.cancel()
            if self._timer is not None:
                self._timer.stop()
            if self.is_attached:  # else removed from the screen: nothing to show or tell
                await self._settle()
            self.done = True

    async def _events(self) -> AsyncIterator[StreamEvent]:
        """The answer's events: streamed, or (streaming off) the whole answer's events at once
        after a progress line has shown the wait."""
        if self.request.stream:
            async for event in self.target.stream(self.request):
                yield event
            return
        self.waiting = WaitingBar(expected_duration_s(self.target.route.ref))
        await self.mount(self.waiting, before=self.answer)
        try:
            completion = await self.target.complete(self.request)
        finally:
            await self.waiting.remove()
            self.waiting = None
        for event in completion_events(completion):
            yield event

    async def _settle(self) -> None:
        """Render what arrived as final, check a JSON answer, show the final counters and say
        so."""
        if self.reasoning is not None:
            await self.reasoning.finish()
        await self.answer.finish()
        fmt = self.request.json_mode
        if fmt is not None and self.error is None and not self.stopped:
            completion = self.meter.completion()
            self.json_check = check_json_answer(completion.text, fmt, completion.finish_reason)
            await self.mount(JsonMarker(self.json_check), before=self._meta)
        self.done = True
        self.refresh_counters()
        self.post_message(self.Finished(self))
