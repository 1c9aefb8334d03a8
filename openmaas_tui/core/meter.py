"""Timing and counting of one streamed answer: TTFT, duration, tokens/s.

A :class:`StreamMeter` is a plain object the streaming code updates per event (O(1) work); a
display reads it whenever it likes (the UI's ~10 Hz timer, the CLI at the end). Times come from
``time.perf_counter`` and are reported in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from openmaas_tui.core.money import format_usd
from openmaas_tui.core.pricing import Price, cost_usd
from openmaas_tui.core.types import (
    Completion,
    CompletionBuilder,
    Finish,
    StreamEvent,
    UsageReport,
)


@dataclass(slots=True)
class StreamMeter:
    """Measures one stream from the moment the request is sent.

    Attributes:
        model: the model id, for the completion.
        clock: seconds, monotonic (``time.perf_counter`` unless a test injects one).
        events: events seen so far.
    """

    model: str
    clock: Callable[[], float] = time.perf_counter
    builder: CompletionBuilder = field(init=False)
    started_at: float = field(init=False)
    first_token_at: float | None = field(default=None, init=False)
    finished_at: float | None = field(default=None, init=False)
    events: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.builder = CompletionBuilder(self.model)
        self.started_at = self.clock()

    def add(self, event: StreamEvent) -> None:
        """Record one event; the first content event (text, reasoning or tool call) sets TTFT."""
        self.events += 1
        if self.first_token_at is None and not isinstance(event, UsageReport | Finish):
            self.first_token_at = self.clock()
        self.builder.add(event)

    def finish(self) -> None:
        """Mark the end of the stream (call it on success, failure or cancellation)."""
        if self.finished_at is None:
            self.finished_at = self.clock()

    @property
    def ttft_ms(self) -> float | None:
        """Milliseconds from sending the request to the first token, or None before it."""
        if self.first_token_at is None:
            return None
        return (self.first_token_at - self.started_at) * 1000

    @property
    def duration_ms(self) -> float:
        """Milliseconds from sending the request to the end (or to now while streaming)."""
        end = self.finished_at if self.finished_at is not None else self.clock()
        return (end - self.started_at) * 1000

    def tokens_per_s(self, output_tokens: int | None = None) -> float | None:
        """Output tokens per second of generation (after the first token).

        Args:
            output_tokens: the count to use; default the provider's reported output tokens.

        Returns:
            None when no count is known or less than a millisecond has passed.
        """
        count = output_tokens if output_tokens is not None else self.builder.usage.output_tokens
        if count is None or self.first_token_at is None:
            return None
        end = self.finished_at if self.finished_at is not None else self.clock()
        seconds = end - self.first_token_at
        return count / seconds if seconds >= 0.001 else None

    def completion(self) -> Completion:
        """The answer as received so far."""
        return self.builder.build()


def counters_line(
    label: str, meter: StreamMeter, price: Price | None, *, stopped: bool = False
) -> str:
    """One line of counters for an answer, the same in the app and the CLI:
    ``gpt-4o-mini · TTFT 312 ms · 48.1 tok/s · 17 in / 10 out · $0.0002``.

    Counts and cost appear once the provider reported usage; an unknown price reads
    ``price unknown``, never $0.
    """
    parts = [label]
    if (ttft := meter.ttft_ms) is not None:
        parts.append(f"TTFT {ttft:.0f} ms")
    if (rate := meter.tokens_per_s()) is not None:
        parts.append(f"{rate:.1f} tok/s")
    usage = meter.builder.usage
    if usage.input_tokens is not None or usage.output_tokens is not None:
        parts.append(f"{usage.input_tokens or 0} in / {usage.output_tokens or 0} out")
        parts.append(format_usd(cost_usd(price, usage)))
    if stopped:
        parts.append("stopped")
    return " · ".join(parts)
