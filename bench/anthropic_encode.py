"""How fast the gateway writes a stream as Anthropic Messages SSE, next to the obvious way.

Encodes N one-token text deltas (plus a usage report and a finish) with
:class:`~openmaas_tui.gateway.anthropic_wire.stream.MessageStreamEncoder`, and, for comparison,
with a naive encoder that builds each event's dict and ``json.dumps`` it whole. Prints, per N:
events/s (best of ``--repeat``), microseconds per event, bytes written and bytes per event. The
two must write the same number of events; the naive one is the floor a hand-built frame has to
beat.

Usage: ``python bench/anthropic_encode.py [--tokens 2000 20000 200000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openmaas_tui.core.types import (  # noqa: E402
    Finish,
    FinishReason,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.gateway.anthropic_wire.stream import MessageStreamEncoder  # noqa: E402

WORDS = (" The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dög", ".\n")


def _events(n: int) -> list[StreamEvent]:
    events: list[StreamEvent] = [UsageReport(Usage(input_tokens=500, output_tokens=1))]
    events += [TextDelta(WORDS[i % len(WORDS)]) for i in range(n)]
    events += [UsageReport(Usage(500, n)), Finish(FinishReason.STOP, "end_turn")]
    return events


def ours(events: list[StreamEvent]) -> int:
    """Bytes written by the encoder."""
    encoder = MessageStreamEncoder("claude-sonnet-4-5")
    total = 0
    for event in events:
        total += len(encoder.encode(event))
    return total + len(encoder.finish())


def naive(events: list[StreamEvent]) -> int:
    """Bytes written by building each event's dict and dumping it whole."""
    total = 0
    for event in events:
        if isinstance(event, TextDelta):
            data = {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": event.text},
            }
            frame = f"event: content_block_delta\ndata: {json.dumps(data)}\n\n"
            total += len(frame.encode())
    return total


def _best(
    run: Callable[[list[StreamEvent]], int], events: list[StreamEvent], repeat: int
) -> tuple[float, int]:
    best = float("inf")
    written = 0
    for _ in range(repeat):
        start = time.perf_counter()
        written = run(events)
        best = min(best, time.perf_counter() - start)
    return best, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, nargs="+", default=[2000, 20000, 200000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    head = ("tokens", "encoder", "events/s", "us/event", "bytes", "B/event")
    print("{:>8}  {:<8} {:>12} {:>9} {:>11} {:>8}".format(*head))
    for n in args.tokens:
        events = _events(n)
        for label, run in (("ours", ours), ("naive", naive)):
            seconds, written = _best(run, events, args.repeat)
            print(
                f"{n:>8}  {label:<8} {n / seconds:>12,.0f} {seconds / n * 1e6:>9.2f} "
                f"{written:>11,} {written / n:>8.1f}"
            )


if __name__ == "__main__":
    main()
