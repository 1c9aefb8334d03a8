"""Compare: several models answer one prompt at once, each measured on its own.

A :class:`CompareRun` holds 2–8 :class:`~openmaas_tui.core.compare.lane.Lane` values, one per
:class:`~openmaas_tui.core.compare.lane.CompareTarget`. ``start()`` launches every lane as its own
asyncio task on the shared client, each running one
:class:`~openmaas_tui.core.exchange.pipeline.Exchange`; a lane only ever writes its own state,
and every failure (an :class:`OpenMaaSError`, or any other exception) ends that lane alone,
with what arrived kept. Displays pull the lanes' state whenever they like (the UI's 10 Hz
timer, the CLI's live table); text, reasoning and the pieces of tool calls (the person's and
those the provider ran itself) are also pushed to an optional
:class:`~openmaas_tui.core.compare.lane.LaneListener` so a view can draw them as they arrive.
:meth:`CompareRun.summary` ranks the finished lanes (:mod:`openmaas_tui.core.compare.summary`).
The run is plain data: see :mod:`openmaas_tui.core.compare.export` for JSON and Markdown.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING

from openmaas_tui.core.compare.lane import CompareTarget, Lane, LaneListener, LaneStatus
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.pipeline import AnswerRecorder, Exchange, unexpected_error
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.models.param_ranges import check_ranges, ranges_for
from openmaas_tui.core.types import (
    ChatRequest,
    ImagePart,
    Message,
    ReasoningDelta,
    Role,
    ServerToolUse,
    TextDelta,
    TextPart,
    ToolCallDelta,
)

if TYPE_CHECKING:
    from openmaas_tui.core.compare.summary import Summary
    from openmaas_tui.core.pricing.prices import PriceTable
    from openmaas_tui.providers.registry import Providers

MAX_TARGETS = 8
"""Most targets one run may race."""
MIN_TARGETS = 2
"""Fewest targets a compare makes sense with (the screen asks for this many)."""
_OTHERS_UNAFFECTED = "the other targets are not affected; rerun this one"


class CompareRun:
    """Races ``targets`` on one prompt over one shared client.

    Args:
        providers: resolves each target's spec to a ready adapter.
        prices: prices for each lane's cost.
        targets: 1 to :data:`MAX_TARGETS` targets (the same model twice is fine).
        prompt: the prompt sent to every target.
        system: the system prompt for targets without their own, or None.
        context: earlier messages sent before the prompt (a session's conversation).
        images: images attached to the prompt (every lane gets them; a lane whose model takes
            no images fails alone, before anything is sent).
        defaults: temperature / top_p / max_tokens for targets that set none.
        listener: told of text as it arrives and of each lane's end.
        recorders: makes the recorder of each lane's exchange from the run's id and the lane's
            index, at every start (the spend ledger's:
            :func:`~openmaas_tui.core.history.recorder.compare_recorders`), or None.
        clock: seconds, monotonic (tests inject one).

    Raises:
        ValueError: no targets, or more than :data:`MAX_TARGETS`.
    """

    def __init__(
        self,
        providers: Providers,
        prices: PriceTable,
        targets: Sequence[CompareTarget],
        prompt: str,
        *,
        system: str | None = None,
        context: Sequence[Message] = (),
        images: Sequence[ImagePart] = (),
        defaults: CompareTarget | None = None,
        listener: LaneListener | None = None,
        recorders: Callable[[str, int], AnswerRecorder] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not 1 <= len(targets) <= MAX_TARGETS:
            raise ValueError(f"a compare takes 1 to {MAX_TARGETS} targets, not {len(targets)}")
        self.providers = providers
        self.prices = prices
        self.prompt = prompt
        self.system = system
        self.context = tuple(context)
        self.images = tuple(images)
        self.defaults = defaults or CompareTarget("")
        self.listener = listener
        self.recorders = recorders
        self.created_at = time.time()
        """Seconds since the epoch when the run was made."""
        self.id = uuid.uuid4().hex
        """The id the run is saved under in the history (each save replaces the last)."""
        self.lanes = [Lane(i, t, clock=clock) for i, t in enumerate(targets)]

    @property
    def running(self) -> bool:
        """Whether any lane is waiting or streaming."""
        return any(lane.running for lane in self.lanes)

    @property
    def finished(self) -> bool:
        """Whether every lane has run and ended."""
        return all(lane.ended for lane in self.lanes)

    def start(self) -> None:
        """Start every lane at once (each as its own task). Call with a running event loop."""
        for lane in self.lanes:
            self.rerun(lane.index)

    def rerun(self, index: int) -> None:
        """Start lane ``index`` afresh (stopping it first if it is still running)."""
        lane = self.lanes[index]
        if lane._task is not None and not lane._task.done():
            lane._task.cancel()
        lane._reset()
        lane._attempt += 1
        if self.listener is not None:
            self.listener.lane_started(lane)
        lane._task = asyncio.get_running_loop().create_task(
            self._run(lane), name=f"compare lane {index}: {lane.label}"
        )

    def rerun_all(self) -> None:
        """Start every lane afresh."""
        self.start()

    def stop(self, index: int) -> None:
        """Stop lane ``index``, keeping what arrived (its status becomes STOPPED)."""
        task = self.lanes[index]._task
        if task is not None and not task.done():
            task.cancel()

    def stop_all(self) -> None:
        """Stop every lane still running."""
        for lane in self.lanes:
            self.stop(lane.index)

    async def wait(self) -> None:
        """Wait until every started lane has ended (a lane's failure is in its state)."""
        tasks = [lane._task for lane in self.lanes if lane._task is not None]
        if tasks:
            await asyncio.wait(tasks)

    def summary(self) -> Summary:
        """The lanes' figures and rankings (:class:`~openmaas_tui.core.compare.summary.Summary`)."""
        from openmaas_tui.core.compare.summary import summarize

        return summarize(self.lanes)

    def request_for(self, target: CompareTarget) -> ChatRequest:
        """The request ``target`` is sent (before the model drops what it does not take)."""
        d = self.defaults
        prompt = Message(Role.USER, (TextPart(self.prompt), *self.images))
        return ChatRequest(
            model=target.spec,
            messages=(*self.context, prompt if self.images else Message.user(self.prompt)),
            system=target.system if target.system is not None else self.system,
            temperature=target.temperature if target.temperature is not None else d.temperature,
            top_p=target.top_p if target.top_p is not None else d.top_p,
            max_tokens=target.max_tokens if target.max_tokens is not None else d.max_tokens,
        )

    # -- one lane --------------------------------------------------------------------------

    async def _run(self, lane: Lane) -> None:
        """Run one lane to its end; nothing it raises reaches the other lanes.

        A rerun may start while this attempt's cancellation is still being delivered: the
        attempt number keeps a stale attempt from writing over the new one's state.
        """
        attempt = lane._attempt
        status, error = LaneStatus.DONE, None
        exchange: Exchange | None = None
        try:
            t = lane.target
            target = await self.providers.target(
                t.spec, provider=t.provider, base_url=t.base_url, api=t.api
            )
            lane.provider, lane.model = target.route.provider, target.route.model
            lane.price = self.prices.price(lane.provider, lane.model)
            wanted = self.request_for(t)
            ranges = ranges_for(target.route.provider, target.protocol)
            check_ranges(wanted, ranges, model=target.route.ref)  # refused before it is sent
            request, lane.notes = target.prepare(wanted)
            recorder = self.recorders(self.id, lane.index) if self.recorders else None
            exchange = lane.exchange = Exchange(
                target, request, lane.price, recorder=recorder, clock=lane.clock
            )
            lane.meter = exchange.meter
            listener = self.listener
            async with aclosing(exchange.events()) as events:
                async for event in events:
                    if isinstance(event, RetryWait):
                        lane.retry_wait = event  # shown until the answer starts
                        continue
                    lane.retry_wait = None
                    if isinstance(event, TextDelta):
                        lane.status = LaneStatus.STREAMING
                        lane._received(event.text)
                        if listener is not None:
                            listener.lane_text(lane, event.text)
                    elif isinstance(event, ReasoningDelta) and event.text:
                        lane.status = LaneStatus.STREAMING
                        lane._received(event.text)
                        if listener is not None:
                            listener.lane_reasoning(lane, event.text)
                    elif isinstance(event, ToolCallDelta):
                        lane.status = LaneStatus.STREAMING
                        if event.arguments:
                            lane._received(event.arguments)
                        if listener is not None:
                            listener.lane_tool_call(lane, event)
                    elif isinstance(event, ServerToolUse):
                        lane.status = LaneStatus.STREAMING
                        if listener is not None:
                            listener.lane_server_tool(lane, event.call)
            if exchange.error is not None:
                status, error = LaneStatus.ERROR, exchange.error
        except asyncio.CancelledError:
            status = LaneStatus.STOPPED
            raise
        except OpenMaaSError as exc:  # the target could not be routed or asked (MISSING_KEY…)
            status, error = LaneStatus.ERROR, exc
        except Exception as exc:  # isolation: a bug in one lane must not touch the others
            status = LaneStatus.ERROR
            error = unexpected_error(exc, lane.provider or None, hint=_OTHERS_UNAFFECTED)
        finally:
            lane.retry_wait = None
            if exchange is None:
                lane.meter.finish()
            if lane._attempt == attempt:
                lane.status, lane.error = status, error
                if self.listener is not None:
                    self.listener.lane_ended(lane)
            if exchange is not None:
                await exchange.saved()  # the spend is in the ledger before the lane's task ends
