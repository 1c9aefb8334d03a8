"""The compare runner on loopback replay servers: every lane ends with the recorded counts, a
failing or slow lane leaves the others alone, TTFT is real timing, stop and rerun act on one
lane, and the summary ranks only the lanes that finished."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from openmaas_tui.core.compare.lane import CompareTarget, Lane, LaneStatus
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.compare.summary import beyond_noise
from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.models.catalog import ModelInfo, route
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent, TextDelta
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services, open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply

TEXT = "anthropic/stream_text.sse"
GEMINI = "gemini/sse_text.sse"
RATE_LIMITED = "openai/error_429_rate_limit.json"


@asynccontextmanager
async def servers(*replies: Any) -> AsyncIterator[list[ReplayServer]]:
    started = [ReplayServer(reply) for reply in replies]
    for s in started:
        await s.start()
    try:
        yield started
    finally:
        for s in started:
            await s.stop()


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


def _status(lane: Lane) -> LaneStatus:
    """The lane's status, read afresh (the runner changes it between awaits)."""
    return lane.status


def _usage(name: str, provider: str) -> tuple[int, int]:
    u = expected(name)["usage"]
    out = u["output_tokens"] + (u["reasoning_tokens"] or 0 if provider == "gemini" else 0)
    return u["input_tokens"], out


async def test_three_targets_one_rate_limited_one_slow(services: Services) -> None:
    async with servers(
        fixture_reply(fixture_path(TEXT)),
        fixture_reply(fixture_path(RATE_LIMITED)),
        fixture_reply(fixture_path(GEMINI), chunk_delay_s=0.05),
    ) as (fast, limited, slow):
        run = CompareRun(
            services.providers,
            services.prices,
            [
                CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=fast.url),
                CompareTarget("gpt-4o-mini", provider="openai", base_url=limited.url),
                CompareTarget("gemini-2.5-flash", provider="gemini", base_url=slow.url),
            ],
            "Two names for a pet pelican",
        )
        run.start()
        await run.wait()
    a, b, c = run.lanes
    assert (a.status, b.status, c.status) == (LaneStatus.DONE, LaneStatus.ERROR, LaneStatus.DONE)
    assert b.error is not None and b.error.code == ErrorCode.RATE_LIMITED
    assert b.cost_usd() == 0.0  # a refused request is not billed, whatever was estimated
    assert a.text == expected(TEXT)["text"] and c.text == expected(GEMINI)["text"]
    for lane, name, provider in ((a, TEXT, "anthropic"), (c, GEMINI, "gemini")):
        usage, estimated = lane.usage()
        assert not estimated and usage is not None
        assert (usage.input_tokens, usage.output_tokens) == _usage(name, provider)
        assert lane.cost_usd() is not None and lane.cost_usd() > 0  # type: ignore[operator]
    summary = run.summary()
    assert [r.index for r in summary.sorted_by("total")] == [0, 2, 1]
    assert summary.rows[1].error_code == "RATE_LIMITED"
    # The fastest first token of the two that answered, unless its lead is within measurement
    # noise (on loopback both take a few milliseconds), when nobody wins.
    first, third = summary.rows[0].ttft_ms, summary.rows[2].ttft_ms
    assert first is not None and third is not None
    tied = not beyond_noise(first, third, ms=True)
    assert summary.fastest_ttft == (None if tied else (0 if first < third else 2))
    assert summary.cheapest in (0, 2)
    assert run.finished and not run.running


async def test_ttft_is_at_least_the_servers_first_byte_delay(services: Services) -> None:
    delay_s = 0.3
    async with servers(
        fixture_reply(fixture_path(TEXT), first_byte_delay_s=delay_s, chunk_delay_s=0.01),
        fixture_reply(fixture_path(TEXT)),
    ) as (late, prompt):
        run = CompareRun(
            services.providers,
            services.prices,
            [
                CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=late.url),
                CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=prompt.url),
            ],
            "hi",
        )
        run.start()
        await run.wait()
    late_lane, prompt_lane = run.lanes
    assert late_lane.meter.ttft_ms is not None and late_lane.meter.ttft_ms >= delay_s * 1000
    assert late_lane.meter.duration_ms >= late_lane.meter.ttft_ms
    assert prompt_lane.status == LaneStatus.DONE
    assert run.summary().fastest_ttft == 1
    rate = late_lane.tokens_per_s()
    assert rate is not None and rate > 0


class _Breaks:
    """An adapter whose stream yields some text, then raises something no adapter should."""

    provider = "openai"

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        yield TextDelta("partial ")
        await asyncio.sleep(0)
        raise RuntimeError("a bug")

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        raise NotImplementedError

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        return []


class _Mixed:
    """Providers whose ``broken`` model has a failing adapter; others go to the real ones."""

    def __init__(self, real: Any) -> None:
        self.real = real

    async def target(self, spec: str, **kwargs: Any) -> Target:
        if spec == "broken":
            r = route("openai/broken")
            return Target(r, ModelInfo(provider="openai", id="broken"), "http://x", _Breaks())
        return await self.real.target(spec, **kwargs)  # type: ignore[no-any-return]


async def test_a_lane_raising_mid_stream_does_not_touch_the_others(services: Services) -> None:
    async with servers(fixture_reply(fixture_path(TEXT), chunk_delay_s=0.01)) as (good,):
        run = CompareRun(
            _Mixed(services.providers),  # type: ignore[arg-type]
            services.prices,
            [
                CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=good.url),
                CompareTarget("broken"),
                CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=good.url),
            ],
            "hi",
        )
        run.start()
        await run.wait()
    ok1, broken, ok2 = run.lanes
    assert broken.status == LaneStatus.ERROR and broken.text == "partial "
    assert broken.error is not None and "RuntimeError" in broken.error.message
    for lane in (ok1, ok2):
        assert lane.status == LaneStatus.DONE and lane.text == expected(TEXT)["text"]


async def test_stop_one_keeps_its_text_and_rerun_starts_it_afresh(services: Services) -> None:
    pieces = [f" w{i}" for i in range(400)]
    async with servers(openai_stream_reply(pieces, chunk_delay_s=0.005)) as (srv,):
        targets = [CompareTarget("m", provider="openai", base_url=srv.url) for _ in range(2)]
        run = CompareRun(services.providers, services.prices, targets, "hi")
        run.start()
        first = run.lanes[0]
        while len(first.text) < 20:
            await asyncio.sleep(0.005)
        run.stop(0)
        await run.wait()
        assert first.status == LaneStatus.STOPPED and 20 <= len(first.text) < len("".join(pieces))
        assert run.lanes[1].status == LaneStatus.DONE
        assert run.lanes[1].text == "".join(pieces)
        assert run.summary().rows[0].ok is False
        run.rerun(0)
        assert _status(first) == LaneStatus.WAITING and first.text == ""
        await run.wait()
    assert _status(first) == LaneStatus.DONE and first.text == "".join(pieces)
    usage, estimated = first.usage()
    assert usage is not None and usage.output_tokens == len(pieces) and not estimated
    timeline = first.timeline(10)
    assert len(timeline) == 10 and sum(timeline) == pytest.approx(len(pieces))


async def test_a_rerun_while_streaming_is_not_overwritten_by_the_old_attempt(
    services: Services,
) -> None:
    pieces = [f" w{i}" for i in range(50)]
    async with servers(openai_stream_reply(pieces, chunk_delay_s=0.01)) as (srv,):
        run = CompareRun(
            services.providers,
            services.prices,
            [CompareTarget("m", provider="openai", base_url=srv.url)],
            "hi",
        )
        run.start()
        await asyncio.sleep(0.05)
        run.rerun(0)
        await asyncio.sleep(0)
        assert _status(run.lanes[0]) == LaneStatus.WAITING
        await run.wait()
    assert _status(run.lanes[0]) == LaneStatus.DONE and run.lanes[0].text == "".join(pieces)


def test_request_takes_the_targets_overrides_over_the_runs() -> None:
    run = CompareRun(
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        [CompareTarget("a", temperature=1.5, system="own"), CompareTarget("b")],
        "hi",
        system="shared",
        defaults=CompareTarget("", temperature=0.2, max_tokens=50),
    )
    a, b = (run.request_for(lane.target) for lane in run.lanes)
    assert (a.temperature, a.system, a.max_tokens) == (1.5, "own", 50)
    assert (b.temperature, b.system, b.max_tokens) == (0.2, "shared", 50)
    assert a.messages[-1].text == "hi"
    assert run.lanes[0].label == "a · t=1.5 · own system"
    assert isinstance(run.lanes[1], Lane) and run.lanes[1].status == LaneStatus.READY


def test_more_than_eight_targets_are_refused() -> None:
    with pytest.raises(ValueError):
        CompareRun(object(), object(), [CompareTarget("a")] * 9, "hi")  # type: ignore[arg-type]


async def test_a_lane_out_of_its_providers_range_fails_alone_before_sending(
    services: Services,
) -> None:
    async with servers(fixture_reply(fixture_path(TEXT))) as (anthropic,):
        run = CompareRun(
            services.providers,
            services.prices,
            [
                CompareTarget("claude-haiku-4-5", provider="anthropic", base_url=anthropic.url),
                CompareTarget("demo"),
            ],
            "hi",
            defaults=CompareTarget("", temperature=1.5),
        )
        run.start()
        await run.wait()
        assert anthropic.requests == []
    claude, demo = run.lanes
    assert claude.status == LaneStatus.ERROR and claude.error is not None
    assert claude.error.code == ErrorCode.INVALID_REQUEST
    assert claude.error.message == (
        "temperature must be between 0 and 1 for Anthropic (anthropic/claude-haiku-4-5)"
    )
    assert demo.status == LaneStatus.DONE
