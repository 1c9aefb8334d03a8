"""The pre-send estimate under the prompt, driven through the Pilot: it follows what is typed,
shows the window fill and the price date, refuses what cannot fit before sending, warns before a
session's spending limit is crossed, and shows the provider's own count when asked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.models import catalog
from openmaas_tui.core.models.provider_specs import SPECS, TokenCounting
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.tokens.count import count_messages
from openmaas_tui.core.types import Message
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.estimate_line import EstimateLine, LimitScreen, _counting_providers
from openmaas_tui.ui.widgets.prompt import PromptArea
from tests.support.replay import ReplayServer
from tests.support.server import Reply
from tests.support.ui import ask, notes, playground, settled_estimate, use_fast_demo

SIZE = (160, 50)


def _config(home: Path, text: str = "", pricing: str = "") -> None:
    use_fast_demo(home, text)
    if pricing:
        (home / "pricing.toml").write_text(pricing, encoding="utf-8")


async def test_the_estimate_follows_the_typing(isolated_home: Path) -> None:
    _config(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"hi")
        first = await settled_estimate(pilot)
        assert first.startswith("≈") and " in · $0 · " in first and "/ 32.8k" in first
        tokens = app.query_one(EstimateLine).latest
        assert tokens is not None
        await pilot.press(*" and a few more words to count")
        second = await settled_estimate(pilot)
        latest = app.query_one(EstimateLine).latest
        assert latest is not None and latest[1].input_tokens > tokens[1].input_tokens
        assert second != first
        assert "prices as of" not in second  # the demo is free: no price to go stale


async def test_a_priced_model_shows_its_input_cost_window_and_price_date(
    isolated_home: Path,
) -> None:
    _config(isolated_home)
    app = playground(["-m", "gpt-4o-mini"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Say hello in French")
        text = await settled_estimate(pilot)
        estimate = app.query_one(EstimateLine).latest
        assert estimate is not None
        tokens = estimate[1].input_tokens
        # "Say hello in French" is 4 tokens; + 3 per message + 1 for the role + 3 priming
        assert (
            tokens
            == 11
            == count_messages([Message.user("Say hello in French")], None, "openai", "gpt-4o-mini")
        )
        assert text.startswith(f"≈11 in · ≈{format_usd(11 * 0.15 / 1e6)} · 11 / 128k")
        assert "prices as of 2026-10-14" in text


async def test_an_unpriced_model_says_price_unknown_never_zero(
    isolated_home: Path, server: ReplayServer
) -> None:
    _config(isolated_home, f'[endpoints.lab]\nbase_url = "{server.url}/v1"\n')
    app = playground(["-m", "lab/qwen2.5-7b"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"hello")
        text = await settled_estimate(pilot)
        assert "price unknown" in text and "$0" not in text
        assert " / " not in text  # no window known: the count alone
        assert "prices as of" not in text


@pytest.fixture
def tiny_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo model with a 40-token context window."""
    tiny = tuple(
        dataclasses.replace(m, context_window=40) if m.provider == "demo" else m
        for m in catalog.CATALOG
    )
    monkeypatch.setattr(catalog, "CATALOG", tiny)


@pytest.mark.usefixtures("tiny_demo")
async def test_context_too_long_before_sending_and_the_prompt_stays(
    isolated_home: Path,
) -> None:
    _config(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        long_text = "word " * 60
        await pilot.press(*long_text)
        text = await settled_estimate(pilot)
        assert "/ 40" in text
        assert app.query_one(EstimateLine).has_class("over")
        await pilot.press("enter")
        await pilot.pause()
        (error,) = app.query(ErrorView)
        shown = str(error.render())
        assert "CONTEXT_TOO_LONG" in shown and "40" in shown
        assert app.query_one("#prompt", PromptArea).text == long_text
        assert not app.query(AnswerView)
        assert app.playground.current.messages == []
        # short enough: it goes
        app.query_one("#prompt", PromptArea).clear()
        await ask(pilot, "hi")
        assert len(app.query(AnswerView)) == 1


DEAR_DEMO = """\
[models.demo]
provider = "demo"
input = 10000.0
output = 10000.0
source = "test: a very expensive demo"
as_of = 2026-01-02
"""


async def test_spending_limit_warns_before_and_when_crossed(isolated_home: Path) -> None:
    _config(isolated_home, pricing=DEAR_DEMO)  # $0.01 per token
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        line = app.query_one(EstimateLine)
        line.ask_limit()
        await pilot.pause()
        assert isinstance(app.screen, LimitScreen)
        await pilot.press(*"0.50", "enter")
        await pilot.pause()
        assert line.limits == {app.playground.current.id: 0.5}
        await pilot.press(*"tell me a story about " + "dragons " * 40)
        text = await settled_estimate(pilot)
        assert "limit $0.50 ($0 spent)" in text and "prices as of 2026-01-02" in text
        await pilot.press("enter")
        await pilot.pause()
        assert not app.query(AnswerView)
        assert any("over its limit $0.50" in n and "enter again" in n for n in notes(app))
        assert app.query_one("#prompt", PromptArea).text.startswith("tell me a story")
        await ask(pilot, "")  # sends anyway
        await settled_estimate(pilot)
        assert len(app.query(AnswerView)) == 1
        assert app.playground.current.totals.cost_usd > 0.5
        assert any("past its limit $0.50" in n for n in notes(app))


async def test_the_limit_dialog_refuses_a_bad_amount(isolated_home: Path) -> None:
    _config(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        line = app.query_one(EstimateLine)
        line.ask_limit()
        await pilot.pause()
        await pilot.press(*"-3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LimitScreen)
        assert line.limits == {}


async def test_provider_count_is_shown_marked_as_such(
    isolated_home: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(isolated_home)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    server.queue(
        Reply(status=200, body=b'{"input_tokens":17}', content_type="application/json"),
        path="/v1/messages/count_tokens",
    )
    app = playground(["-m", "claude-haiku-4-5", "--base-url", server.url])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"How many tokens is this?")
        await settled_estimate(pilot)
        app.query_one(EstimateLine).ask_provider_count()
        text = await settled_estimate(pilot)
        assert text.startswith("17 in (provider count) · ≈")
        assert server.last is not None and server.last.path == "/v1/messages/count_tokens"
        assert server.last.json()["messages"][-1]["content"] == "How many tokens is this?"
        assert any("17 input tokens (provider count)" in n for n in notes(app))


async def test_provider_count_for_a_model_without_one_says_so(isolated_home: Path) -> None:
    _config(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"hi")
        await settled_estimate(pilot)
        app.query_one(EstimateLine).ask_provider_count()
        await settled_estimate(pilot)
        assert any("no token-counting endpoint" in n for n in notes(app))


async def test_the_palette_offers_limit_and_provider_count(isolated_home: Path) -> None:
    _config(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Spending limit" in titles and "Count tokens with the provider" in titles


def test_error_code_is_the_documented_one() -> None:
    assert ErrorCode.CONTEXT_TOO_LONG.value == "CONTEXT_TOO_LONG"


def test_the_provider_count_command_names_the_providers_that_count() -> None:
    """The palette's "Count tokens with the provider" names exactly the providers whose specs
    say they count tokens themselves."""
    names = _counting_providers()
    assert names
    for spec in SPECS.values():
        assert (spec.label in names) == (spec.token_count is TokenCounting.PROVIDER), spec.id
