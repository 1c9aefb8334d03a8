"""Compare: several models answer one prompt at once, each measured on its own.

A :class:`CompareRun` holds 2–8 :class:`Lane` values, one per :class:`CompareTarget`. ``start()``
launches every lane as its own asyncio task on the shared client; a lane only ever writes its
own state, and every failure (an :class:`OpenMaaSError`, or any other exception) ends that lane
alone, with what arrived kept. Displays pull the lanes' state whenever they like (the UI's 10 Hz
timer, the CLI's live table); text is also pushed to an optional :class:`LaneListener` so a
view can append it as it arrives. :meth:`CompareRun.summary` ranks the finished lanes
(:mod:`openmaas_tui.core.compare.summary`). The run is plain data: see
:mod:`openmaas_tui.core.compare.export` for JSON and Markdown.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.meter import StreamMeter, usage_in_force
from openmaas_tui.core.pricing.prices import Price, cost_usd
from openmaas_tui.core.tokens.count import IncrementalCounter, count_messages
from openmaas_tui.core.types import ChatRequest, Message, ReasoningDelta, TextDelta, Usage

if TYPE_CHECKING:
    from openmaas_tui.core.compare.summary import Summary
    from openmaas_tui.core.pricing.prices import PriceTable
    from openmaas_tui.providers.registry import Providers

MAX_TARGETS = 8
"""Most targets one run may race."""
MIN_TARGETS = 2
"""Fewest targets a compare makes sense with (the screen asks for this many)."""
YIELD_EVERY_S = 0.005
"""A lane gives the event loop a turn at least this often (seconds): events that arrive
together are read without any pause, which would starve the other lanes and the display."""


@dataclass(frozen=True, slots=True)
class CompareTarget:
    """One contestant: a model and its own parameters.

    Attributes:
        spec: the model as :meth:`Providers.target` reads it (``gpt-4o-mini``, ``P/M``,
            ``demo``).
        label: how it is shown; by default the spec with its overrides (:attr:`name`).
        provider: send ``spec`` verbatim to this provider, or None to route it.
        base_url: send requests here instead of the provider's endpoint, or None.
        temperature: 0–2, or None for the run's (or the provider's) default.
        top_p: 0–1, or None likewise.
        max_tokens: at least 1, or None likewise.
        system: the system prompt for this target, or None for the run's.
    """

    spec: str
    label: str | None = None
    provider: str | None = None
    base_url: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    system: str | None = None

    @property
    def name(self) -> str:
        """The label, or ``spec`` followed by its overrides: ``gpt-4o-mini · t=0.2``."""
        if self.label:
            return self.label
        parts = [self.spec]
        if self.temperature is not None:
            parts.append(f"t={self.temperature:g}")
        if self.top_p is not None:
            parts.append(f"p={self.top_p:g}")
        if self.max_tokens is not None:
            parts.append(f"max={self.max_tokens}")
        if self.system is not None:
            parts.append("own system")
        return " · ".join(parts)


class LaneStatus(StrEnum):
    """Where a lane is: not started, sent and waiting, streaming, or how it ended."""

    READY = "ready"
    WAITING = "waiting"
    STREAMING = "streaming"
    DONE = "done"
    STOPPED = "stopped"
    ERROR = "error"


ENDED = frozenset({LaneStatus.DONE, LaneStatus.STOPPED, LaneStatus.ERROR})
"""The statuses of a lane that has ended."""


class LaneListener(Protocol):
    """What a display may hear from the lanes (all calls on the event loop, O(1) work please)."""

    def lane_text(self, lane: Lane, text: str) -> None:
        """Answer text arrived on ``lane``."""

    def lane_reasoning(self, lane: Lane, text: str) -> None:
        """Reasoning text arrived on ``lane``."""

    def lane_started(self, lane: Lane) -> None:
        """``lane`` was (re)started: what it showed before is gone."""

    def lane_ended(self, lane: Lane) -> None:
        """``lane`` ended: done, stopped or failed."""


@dataclass(slots=True)
class Lane:
    """One target's run: its status, meter, text and counts.

    Attributes:
        index: its place in the run (0-based).
        target: what it asks.
        status: where it is.
        meter: timing and what arrived (a fresh one per start).
        error: why it failed, or None.
        provider / model: where the request went (the spec until it is routed).
        price: the model's price, or None when unknown.
        arrivals: ``(seconds since sent, characters so far)`` at each text or reasoning
            delta, for the tokens-over-time picture (:meth:`timeline`).
        notes: parameters the model does not take and that were dropped.
    """

    index: int
    target: CompareTarget
    clock: Callable[[], float] = time.perf_counter
    status: LaneStatus = LaneStatus.READY
    meter: StreamMeter = field(init=False)
    error: OpenMaaSError | None = None
    provider: str = ""
    model: str = ""
    price: Price | None = None
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    input_estimate: int | None = None
    _counter: IncrementalCounter | None = None
    _uncounted: list[str] = field(default_factory=list)
    _chars: int = 0
    _task: asyncio.Task[None] | None = None
    _attempt: int = 0

    def __post_init__(self) -> None:
        self.meter = StreamMeter(self.target.spec, clock=self.clock)
        self.model = self.target.spec

    @property
    def label(self) -> str:
        """How the lane is shown (:attr:`CompareTarget.name`)."""
        return self.target.name

    @property
    def ended(self) -> bool:
        """Whether the lane ran and has ended."""
        return self.status in ENDED

    @property
    def running(self) -> bool:
        """Whether the lane is waiting or streaming."""
        return self.status in (LaneStatus.WAITING, LaneStatus.STREAMING)

    @property
    def text(self) -> str:
        """The answer so far."""
        return self.meter.builder.text

    def estimate(self) -> Usage | None:
        """Local (tiktoken) counts so far: prompt and output, or None before the tokenizer is
        ready (it loads in a thread when the lane starts)."""
        if self._counter is None:
            return None if self.input_estimate is None else Usage(self.input_estimate)
        if self._uncounted:
            self._counter.feed("".join(self._uncounted))
            self._uncounted.clear()
        return Usage(self.input_estimate, self._counter.tokens)

    def usage(self) -> tuple[Usage | None, bool]:
        """The counts in force and whether they are local estimates: ``≈`` live, then the
        provider's reported usage (:func:`~openmaas_tui.core.exchange.meter.usage_in_force`)."""
        return usage_in_force(self.meter, self.estimate())

    def output_tokens(self) -> int | None:
        """Output tokens in force (≈ while streaming, reported at the end), or None."""
        usage, _ = self.usage()
        return usage.output_tokens if usage is not None else None

    def tokens_per_s(self) -> float | None:
        """Output tokens per second since the first token, or None before it."""
        out = self.output_tokens()
        return self.meter.tokens_per_s(out) if out else None

    def cost_usd(self) -> float | None:
        """What the lane cost so far in USD (≈ while streaming), or None when the price or the
        counts are unknown. A lane that failed before anything arrived (a 429, a missing key)
        cost nothing: providers do not bill a refused request."""
        if self.status is LaneStatus.ERROR and not self._received_anything():
            return 0.0
        usage, _ = self.usage()
        if usage is None or usage.input_tokens is None:
            return None
        return cost_usd(self.price, usage)

    def _received_anything(self) -> bool:
        completion = self.meter.builder.build()
        return bool(completion.text or completion.reasoning or completion.usage.output_tokens)

    def timeline(self, bins: int, *, span_s: float | None = None) -> list[float]:
        """Output tokens received in each of ``bins`` equal slices of time from sending.

        Characters are turned into tokens at the lane's own ratio (tokens in force / characters
        received), so the bars add up to the token count.

        Args:
            bins: how many slices.
            span_s: seconds the slices cover (a run's longest lane, so pictures share one
                time axis); default this lane's duration.
        """
        span = span_s if span_s is not None else self.meter.duration_ms / 1000
        counts = [0.0] * bins
        if bins <= 0 or span <= 0 or not self.arrivals:
            return counts
        tokens = self.output_tokens() or 0
        per_char = tokens / self._chars if self._chars else 0.0
        previous = 0
        for at, chars in self.arrivals:
            slot = min(int(at / span * bins), bins - 1)
            counts[slot] += (chars - previous) * per_char
            previous = chars
        return counts

    # -- running (called by CompareRun) ---------------------------------------------------

    def _reset(self) -> None:
        self.status = LaneStatus.WAITING
        self.meter = StreamMeter(self.model, clock=self.clock)
        self.error = None
        self.arrivals = []
        self.notes = []
        self._uncounted = []
        self._chars = 0
        self._counter = None
        self.input_estimate = None

    def _received(self, text: str) -> None:
        self._chars += len(text)
        self._uncounted.append(text)
        self.arrivals.append((self.clock() - self.meter.started_at, self._chars))


class CompareRun:
    """Races ``targets`` on one prompt over one shared client.

    Args:
        providers: resolves each target's spec to a ready adapter.
        prices: prices for each lane's cost.
        targets: 1 to :data:`MAX_TARGETS` targets (the same model twice is fine).
        prompt: the prompt sent to every target.
        system: the system prompt for targets without their own, or None.
        context: earlier messages sent before the prompt (a session's conversation).
        defaults: temperature / top_p / max_tokens for targets that set none.
        listener: told of text as it arrives and of each lane's end.
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
        defaults: CompareTarget | None = None,
        listener: LaneListener | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not 1 <= len(targets) <= MAX_TARGETS:
            raise ValueError(f"a compare takes 1 to {MAX_TARGETS} targets, not {len(targets)}")
        self.providers = providers
        self.prices = prices
        self.prompt = prompt
        self.system = system
        self.context = tuple(context)
        self.defaults = defaults or CompareTarget("")
        self.listener = listener
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

        return ChatRequest(
            model=target.spec,
            messages=(*self.context, Message.user(self.prompt)),
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
        meter = lane.meter
        estimates: asyncio.Task[None] | None = None
        status, error = LaneStatus.DONE, None
        try:
            t = lane.target
            target = await self.providers.target(t.spec, provider=t.provider, base_url=t.base_url)
            lane.provider, lane.model = target.route.provider, target.route.model
            lane.price = self.prices.price(lane.provider, lane.model)
            request, lane.notes = target.prepare(self.request_for(t))
            meter = lane.meter = StreamMeter(lane.model, clock=lane.clock)
            estimates = asyncio.create_task(self._load_estimates(lane, request))
            yielded_at = time.perf_counter()
            listener = self.listener
            async for event in target.stream(request):
                if time.perf_counter() - yielded_at > YIELD_EVERY_S:
                    await asyncio.sleep(0)  # buffered events come without a pause
                    yielded_at = time.perf_counter()
                meter.add(event)
                if isinstance(event, TextDelta):
                    lane.status = LaneStatus.STREAMING
                    lane._received(event.text)
                    if listener is not None:
                        listener.lane_text(lane, event.text)
                elif isinstance(event, ReasoningDelta):
                    lane.status = LaneStatus.STREAMING
                    lane._received(event.text)
                    if listener is not None:
                        listener.lane_reasoning(lane, event.text)
        except asyncio.CancelledError:
            status = LaneStatus.STOPPED
            raise
        except OpenMaaSError as exc:
            status, error = LaneStatus.ERROR, exc
        except Exception as exc:  # isolation: a bug in one lane must not touch the others
            status = LaneStatus.ERROR
            error = OpenMaaSError(
                ErrorCode.STREAM_INTERRUPTED,
                f"unexpected {type(exc).__name__}: {exc}",
                provider=lane.provider or None,
                hint="the other targets are not affected; rerun this one",
            )
        finally:
            meter.finish()
            if estimates is not None and not estimates.done():
                estimates.cancel()
            if lane._attempt == attempt:
                lane.status, lane.error = status, error
                if self.listener is not None:
                    self.listener.lane_ended(lane)

    @staticmethod
    async def _load_estimates(lane: Lane, request: ChatRequest) -> None:
        """Count the prompt and load the output tokenizer in a thread."""
        provider, model = lane.provider, lane.model

        def load() -> tuple[int, IncrementalCounter]:
            prompt = count_messages(request.messages, request.system, provider, model)
            return prompt, IncrementalCounter.for_model(provider, model)

        try:
            lane.input_estimate, lane._counter = await asyncio.to_thread(load)
        except OpenMaaSError:
            pass  # a damaged tokenizer file: no estimate; the reported usage still comes
