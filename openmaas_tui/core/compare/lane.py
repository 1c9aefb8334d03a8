"""One contestant of a compare: its target and its lane (status, exchange, text, counts).

A :class:`Lane` is plain state that :class:`~openmaas_tui.core.compare.run.CompareRun` writes
while the lane's :class:`~openmaas_tui.core.exchange.pipeline.Exchange` runs, and that displays
pull whenever they like (the UI's 10 Hz timer, the CLI's live table). A
:class:`LaneListener` hears text, reasoning and tool calls as they arrive.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.meter import StreamMeter, usage_in_force
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.types import ToolCallDelta, Usage


@dataclass(frozen=True, slots=True)
class CompareTarget:
    """One contestant: a model and its own parameters.

    Attributes:
        spec: the model as :meth:`Providers.target` reads it (``gpt-4o-mini``, ``P/M``,
            ``demo``).
        label: how it is shown; by default the spec with its overrides (:attr:`name`).
        provider: send ``spec`` verbatim to this provider, or None to route it.
        base_url: send requests here instead of the provider's endpoint, or None.
        api: ``chat`` or ``responses`` for OpenAI and Azure OpenAI, or None for the model's
            own (see :meth:`Providers.api_for`).
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
    api: str | None = None

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

    def lane_tool_call(self, lane: Lane, delta: ToolCallDelta) -> None:
        """A piece of a tool call arrived on ``lane``: its name and id first, then its
        arguments as they stream (the pieces of one call share ``delta.index``)."""

    def lane_server_tool(self, lane: Lane, call: ServerToolCall) -> None:
        """A piece of a tool the provider ran itself arrived on ``lane`` (what it was asked,
        later what it gave back; the pieces of one use share ``call.id``)."""

    def lane_started(self, lane: Lane) -> None:
        """``lane`` was (re)started: what it showed before is gone."""

    def lane_ended(self, lane: Lane) -> None:
        """``lane`` ended: done, stopped or failed."""


@dataclass(slots=True)
class Lane:
    """One target's run: its status, exchange, text and counts.

    Attributes:
        index: its place in the run (0-based).
        target: what it asks.
        status: where it is.
        meter: timing and what arrived (the running exchange's; a fresh one per start).
        error: why it failed, or None.
        provider / model: where the request went (the spec until it is routed).
        price: the model's price, or None when unknown.
        arrivals: ``(seconds since sent, characters so far)`` at each text, reasoning or
            tool-call arguments delta, for the tokens-over-time picture (:meth:`timeline`).
        notes: parameters the model does not take and that were dropped.
        exchange: the exchange of the current start, once its target is routed, else None.
        retry_wait: the wait before the exchange asks again (a 429 or an overload before
            anything arrived), shown until the answer starts; None otherwise.
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
    exchange: Exchange | None = None
    retry_wait: RetryWait | None = None
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
        ready (it loads in a thread when the lane's exchange starts)."""
        return self.exchange.estimate() if self.exchange is not None else None

    def usage(self) -> tuple[Usage | None, bool]:
        """The counts in force and whether they are local estimates: ``≈`` live, then the
        provider's reported usage (:meth:`Exchange.usage_in_force`)."""
        if self.exchange is None:
            return usage_in_force(self.meter)
        return self.exchange.usage_in_force()

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
        counts are unknown (:meth:`Exchange.cost_usd`). A lane that ended before anything of
        its answer arrived (a 429, a missing key) cost nothing: providers do not bill a
        refused request."""
        if self.exchange is not None:
            return self.exchange.cost_usd()
        return 0.0 if self.status is LaneStatus.ERROR else None

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
        self.exchange = None
        self.error = None
        self.arrivals = []
        self.notes = []
        self.retry_wait = None
        self._chars = 0

    def _received(self, text: str) -> None:
        self._chars += len(text)
        self.arrivals.append((self.clock() - self.meter.started_at, self._chars))
