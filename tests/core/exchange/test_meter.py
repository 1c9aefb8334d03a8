"""StreamMeter: TTFT from the first content event, tokens/s after it, and the counters line."""

from __future__ import annotations

import pytest

from openmaas_tui.core.exchange.meter import StreamMeter, counters_line, finish_note
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.types import Finish, FinishReason, TextDelta, Usage, UsageReport


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_ttft_duration_and_rate_come_from_the_clock() -> None:
    clock = Clock()
    meter = StreamMeter("m", clock=clock)
    clock.now += 0.25
    meter.add(UsageReport(Usage(10, None)))  # usage is not a token: TTFT not set yet
    assert meter.ttft_ms is None
    clock.now += 0.05
    meter.add(TextDelta("Hi"))
    clock.now += 2.0
    meter.add(UsageReport(Usage(10, 41)))
    meter.add(Finish(FinishReason.STOP, "stop"))
    meter.finish()
    clock.now += 5  # after finish, nothing moves
    assert meter.ttft_ms == pytest.approx(300.0)
    assert meter.duration_ms == pytest.approx(2300.0)
    assert meter.tokens_per_s() == pytest.approx(20.5)
    assert meter.completion().text == "Hi"


def test_counters_line_shows_cost_once_usage_is_known() -> None:
    clock = Clock()
    meter = StreamMeter("gpt-4o-mini", clock=clock)
    clock.now += 0.312
    meter.add(TextDelta("x"))
    assert counters_line("openai/gpt-4o-mini", meter, None) == "openai/gpt-4o-mini · TTFT 312 ms"
    clock.now += 1.0
    meter.add(UsageReport(Usage(1000, 100)))
    meter.finish()
    price = Price(input=0.15, output=0.60)
    line = counters_line("openai/gpt-4o-mini", meter, price, stopped=True)
    assert line == (
        "openai/gpt-4o-mini · TTFT 312 ms · 100.0 tok/s · 1,000 in / 100 out · $0.00021 · stopped"
    )
    assert counters_line("x", meter, None).endswith("1,000 in / 100 out · price unknown")


def test_an_answer_that_billed_nothing_costs_zero_and_finish_notes_are_named_once() -> None:
    clock = Clock()
    meter = StreamMeter("gpt-4o-mini", clock=clock)
    meter.finish()
    price = Price(input=0.15, output=0.60)
    line = counters_line("x", meter, price, estimate=Usage(1000, 0), billed=False)
    assert line == "x · ≈1,000 in / ≈0 out · $0"
    assert finish_note(FinishReason.LENGTH) == "cut at max_tokens"
    assert finish_note(FinishReason.STOP) is None and finish_note(None) is None
