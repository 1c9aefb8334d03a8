"""AnswerView streaming recorded answers from the replay server, in a tiny host app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Static

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.services import Services, open_services
from openmaas_tui.ui.widgets.answer import AnswerView
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import region_text, wait_until

OPENAI_TEXT = "openrouter/stream_text_after_tool_result.sse"
ANTHROPIC_THINKING = "anthropic/stream_thinking.sse"
ANTHROPIC_THINKING_SMALL = "anthropic/stream_thinking_small.sse"
PRICE = Price(input=1.0, output=2.0)


class Host(App[None]):
    """Shows one AnswerView and records the Finished messages."""

    def __init__(self, view: AnswerView) -> None:
        super().__init__()
        self.view = view
        self.finished: list[AnswerView] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.view

    def on_answer_view_finished(self, message: AnswerView.Finished) -> None:
        self.finished.append(message.view)


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def _view(
    services: Services, url: str, provider: str = "openai", price: Price | None = PRICE
) -> AnswerView:
    model = {"openai": "gpt-4o-mini", "anthropic": "claude-sonnet-4-5"}[provider]
    target = await services.providers.target(model, provider=provider, base_url=url)
    request = ChatRequest(model=model, messages=(Message.user("Name two pelicans."),))
    return AnswerView(target, target.prepare(request)[0], price)


async def test_a_recorded_answer_is_rendered_with_the_reported_usage(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path(OPENAI_TEXT))
    want = expected(OPENAI_TEXT)
    view = await _view(services, server.url)
    app = Host(view)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: bool(app.finished))
        await pilot.pause()
        assert view.done
        assert view.completion().text == want["text"] == view.answer.source
        assert view.error is None and not view.stopped
        assert app.finished == [view]
        usage = want["usage"]
        assert f"{usage['input_tokens']} in / {usage['output_tokens']} out" in view.counters
        assert "≈" not in view.counters and "openai/gpt-4o-mini" in view.counters
        assert "TTFT" in view.counters  # tok/s only once a millisecond has passed
        assert "The current version of llm is 0.fixed-version." in region_text(app, view)
        assert not view.query(Collapsible)


async def test_an_unknown_price_reads_price_unknown(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path(OPENAI_TEXT))
    view = await _view(services, server.url, price=None)
    async with Host(view).run_test() as pilot:
        await wait_until(pilot, lambda: view.done)
        assert view.counters.endswith("price unknown")
        assert "$0" not in view.counters


async def test_reasoning_streams_in_a_collapsible_block_above_the_answer(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path(ANTHROPIC_THINKING_SMALL))
    want = expected(ANTHROPIC_THINKING_SMALL)
    view = await _view(services, server.url, provider="anthropic")
    async with Host(view).run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: view.done)
        block = view.query_one(Collapsible)
        assert block.title == "Reasoning"
        assert block.collapsed  # the answer started, so the reasoning folded away
        assert view.reasoning is not None and view.reasoning.source == want["reasoning"]
        assert view.answer.source == want["text"]
        assert list(view.children).index(block) < list(view.children).index(view.answer)


async def test_the_estimate_is_shown_while_streaming_then_the_reported_usage(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path(ANTHROPIC_THINKING), chunk_delay_s=0.01)
    usage = expected(ANTHROPIC_THINKING)["usage"]
    view = await _view(services, server.url, provider="anthropic")
    seen: list[str] = []
    async with Host(view).run_test() as pilot:

        def estimating() -> bool:
            seen.append(view.counters)
            return "≈" in view.counters and "out" in view.counters

        await wait_until(pilot, estimating)
        assert not view.done
        assert "≈$" in view.counters  # the cost is an estimate too
        await wait_until(pilot, lambda: view.done)
        assert "≈" not in view.counters
        assert f"{usage['input_tokens']} in / {usage['output_tokens']} out" in view.counters


async def test_stop_keeps_the_partial_answer_marked_as_stopped(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path(ANTHROPIC_THINKING), chunk_delay_s=0.02)
    full = expected(ANTHROPIC_THINKING)["text"]
    view = await _view(services, server.url, provider="anthropic")
    app = Host(view)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: len(view.completion().text) > 20)
        view.stop()
        await wait_until(pilot, lambda: bool(app.finished))
        partial = view.completion().text
        assert view.stopped and view.error is None
        assert full.startswith(partial) and 20 < len(partial) < len(full)
        assert view.answer.source == partial
        assert view.counters.endswith("stopped")
        assert app.finished == [view]


async def test_an_error_is_shown_inline_with_code_and_hint(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path("openai/error_401_invalid_key.json"))
    view = await _view(services, server.url)
    app = Host(view)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: bool(app.finished))
        assert view.error is not None and view.error.code == ErrorCode.AUTH_FAILED
        shown = str(view.query_one(".error", Static).render())
        first, hint = shown.split("\n")
        assert first.startswith("AUTH_FAILED: ") and "Incorrect API key" in first
        assert hint == f"→ {view.error.hint}"
        assert "Traceback" not in region_text(app, view)
        assert app.finished == [view]


async def test_a_stream_that_fails_midway_keeps_its_partial_text(
    server: ReplayServer, services: Services
) -> None:
    name = "anthropic/stream_midstream_error.sse"
    server.default = fixture_reply(fixture_path(name))
    view = await _view(services, server.url, provider="anthropic")
    async with Host(view).run_test() as pilot:
        await wait_until(pilot, lambda: view.done)
        assert view.error is not None and view.error.code == ErrorCode.PROVIDER_UNAVAILABLE
        assert view.answer.source == expected(name)["text"]
        assert "Overloaded" in str(view.query_one(".error", Static).render())
