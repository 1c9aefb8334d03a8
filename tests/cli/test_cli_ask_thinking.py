"""``openmaas ask --thinking-budget N``: Anthropic's ``thinking.budget_tokens``, Gemini 2.5's
``thinkingConfig.thinkingBudget``, an effort for models that take one (OpenAI reasoning models
through Chat Completions and Responses), and INVALID_REQUEST with the range when out of it.

References: https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking,
https://ai.google.dev/gemini-api/docs/thinking#set-budget and, for the budget-effort
equivalence, https://ai.google.dev/gemini-api/docs/openai#thinking.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import AsyncIterator

import pytest

from openmaas_tui.cli.ask import main
from openmaas_tui.cli.main import build_parser
from openmaas_tui.core.models.thinking_budget import effort_for
from openmaas_tui.services import Services, open_services
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply


@pytest.fixture
async def services(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("GEMINI_API_KEY", "test-gemini-key")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def _ask(
    services: Services, server: ReplayServer, provider: str, model: str, *more: str
) -> int:
    argv = ["ask", "--provider", provider, "--base-url", server.url, "-m", model, "--no-log"]
    return await main(services, build_parser().parse_args([*argv, *more, "hello"]))


async def test_anthropic_takes_the_budget_as_budget_tokens(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path("anthropic/stream_thinking_small.sse")))
    assert (
        await _ask(services, server, "anthropic", "claude-sonnet-4-5", "--thinking-budget", "2048")
        == 0
    )
    body = server.last.json()
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] > 2048


@pytest.mark.parametrize(
    ("budget", "more", "shown"),
    [("1000", (), "1,024 … "), ("4096", ("--max-tokens", "4096"), "1,024 … 4,095")],
)
async def test_anthropic_out_of_range_names_the_range(
    server: ReplayServer,
    services: Services,
    capsys: pytest.CaptureFixture[str],
    budget: str,
    more: tuple[str, ...],
    shown: str,
) -> None:
    code = await _ask(
        services, server, "anthropic", "claude-sonnet-4-5", "--thinking-budget", budget, *more
    )
    assert code == 1 and server.requests == []  # nothing was sent
    err = capsys.readouterr().err
    assert "error INVALID_REQUEST" in err and shown in err


async def test_gemini_takes_thinking_budget_and_zero_turns_flash_off(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path("gemini/sse_text.sse")))
    assert await _ask(services, server, "gemini", "gemini-2.5-flash", "--thinking-budget", "0") == 0
    config = server.last.json()["generationConfig"]
    assert config["thinkingConfig"]["thinkingBudget"] == 0


async def test_gemini_pro_cannot_go_below_128(
    server: ReplayServer, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await _ask(
        services, server, "gemini", "gemini-2.5-pro", "--thinking-budget", "64", "--json"
    )
    assert code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["error"]["code"] == "INVALID_REQUEST"
    assert "128 … 32,768" in result["error"]["message"]


async def test_openai_chat_reasoning_model_gets_an_effort(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path("openai/chat_json_o3_mini.json")))
    code = await _ask(
        services, server, "openai", "o3", "--thinking-budget", "5000", "--api", "chat"
    )
    assert code == 0
    body = server.last.json()
    assert body["reasoning_effort"] == "medium" and "thinking" not in body


async def test_openai_responses_reasoning_model_gets_an_effort(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path("openai_responses/stream_basic.sse")))
    code = await _ask(
        services, server, "openai", "gpt-5", "--thinking-budget", "0", "--api", "responses"
    )
    assert code == 0
    assert server.last.json()["reasoning"]["effort"] == "minimal"


def test_budgets_map_to_efforts_by_the_documented_points() -> None:
    assert [effort_for(n) for n in (0, 1, 1024, 1025, 8192, 8193, 100_000)] == [
        "minimal",
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    o_series = ("low", "medium", "high")
    assert effort_for(0, o_series) == "low"  # no minimal: the nearest offered
    assert effort_for(500, ("high",)) == "high"
    assert effort_for(30_000, ("low", "high")) == "high"
    assert effort_for(5_000, ("low", "high")) == "high"  # medium: a tie goes up
