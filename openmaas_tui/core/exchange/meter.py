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
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import cost_usd
from openmaas_tui.core.tokens.estimate import CountKind, format_count
from openmaas_tui.core.types import (
    Completion,
    CompletionBuilder,
    Finish,
    FinishReason,
    StreamEvent,
    Usage,
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


def usage_in_force(meter: StreamMeter, estimate: Usage | None = None) -> tuple[Usage | None, bool]:
    """The counts to show and bill for an answer, and whether they are local estimates.

    The provider's reported usage once the stream has ended with an output count (or whenever
    there is no ``estimate``); else the ``estimate`` (tiktoken counts while streaming, or after a
    stop that came before the provider reported usage); else nothing.

    Returns:
        ``(usage, estimated)``; ``usage`` is None when nothing is known yet.
    """
    reported = meter.builder.usage
    if reported.output_tokens is not None and (meter.finished_at is not None or estimate is None):
        return reported, False
    if estimate is not None and (estimate.input_tokens or estimate.output_tokens):
        return estimate, True
    if reported.input_tokens is not None:
        return reported, False
    return None, False


_FINISH_NOTES = {
    FinishReason.LENGTH: "cut at max_tokens",
    FinishReason.CONTENT_FILTER: "stopped by the content filter",
}


def finish_note(reason: FinishReason | None) -> str | None:
    """What a counters line says about how generation ended: ``cut at max_tokens``, ``stopped
    by the content filter``, or None when there is nothing to say."""
    return _FINISH_NOTES.get(reason) if reason is not None else None


def counters_line(
    label: str,
    meter: StreamMeter,
    price: Price | None,
    *,
    stopped: bool = False,
    estimate: Usage | None = None,
    billed: bool = True,
) -> str:
    """One line of counters for an answer, the same in the app and the CLI:
    ``gpt-4o-mini · TTFT 312 ms · 48.1 tok/s · 17 in / 10 out · $0.0002``.

    Counts are those of :func:`usage_in_force`, written by
    :func:`~openmaas_tui.core.tokens.estimate.format_count`: exact ones plain, local estimates
    marked ``≈`` (the cost too). An unknown price reads ``price unknown``, never $0; an answer that
    ended without anything billed (``billed`` False: see
    :func:`~openmaas_tui.core.exchange.record.received_anything`) costs $0. The line ends with
    ``stopped``, ``cut at max_tokens`` or ``stopped by the content filter`` when that is how it
    ended, and says ``waiting…`` until the first token.
    """
    parts = [label]
    if (ttft := meter.ttft_ms) is not None:
        parts.append(f"TTFT {ttft:.0f} ms")
    usage, estimated = usage_in_force(meter, estimate)
    mark = "≈" if estimated else ""
    if usage is not None:
        out = usage.output_tokens
        if out is not None and (rate := meter.tokens_per_s(out)) is not None:
            parts.append(f"{rate:.1f} tok/s")
        kind = CountKind.LOCAL if estimated else CountKind.EXACT
        shown_in = "?" if usage.input_tokens is None else format_count(usage.input_tokens, kind)
        parts.append(f"{shown_in} in / {format_count(usage.output_tokens or 0, kind)} out")
        if not billed:
            parts.append(format_usd(0.0))
        else:
            cost = cost_usd(price, usage) if usage.input_tokens is not None else None
            parts.append(f"{mark if cost is not None else ''}{format_usd(cost)}")
    elif meter.finished_at is None and meter.ttft_ms is None:
        parts.append("waiting…")
    if stopped:
        parts.append("stopped")
    elif meter.builder.finish is not None and (note := finish_note(meter.builder.finish.reason)):
        parts.append(note)
    return " · ".join(parts)
