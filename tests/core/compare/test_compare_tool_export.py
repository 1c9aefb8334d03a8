"""A compare's tool calls, the tools its providers ran and its reasoning, in its exports: the
JSON keeps them per target (``setup``), and the Markdown, live or from the saved JSON, shows
Claude's recorded code execution as a server tool above its answer, OpenAI's recorded call under
its own, and Claude's recorded thinking folded above its answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from openmaas_tui.core.compare.export import json_markdown, run_json, run_markdown
from openmaas_tui.core.compare.lane import CompareTarget, LaneStatus
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.services import Services, open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

CODE = "anthropic/stream_code_execution_server_tool.sse"
SPLIT = "openai/chat_stream_tool_call_args_split.sse"
THINKING = "anthropic/stream_thinking.sse"


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def _run(services: Services) -> CompareRun:
    code, call = (
        ReplayServer(fixture_reply(fixture_path(CODE))),
        ReplayServer(fixture_reply(fixture_path(SPLIT))),
    )
    await code.start()
    await call.start()
    try:
        run = CompareRun(
            services.providers,
            services.prices,
            [
                CompareTarget("claude-sonnet-4-6", provider="anthropic", base_url=code.url),
                CompareTarget("gpt-4o", provider="openai", base_url=call.url + "/v1"),
            ],
            "what is 65465-6544 * 65464-6+1.02255",
        )
        run.start()
        await run.wait()
    finally:
        await code.stop()
        await call.stop()
    assert [lane.status for lane in run.lanes] == [LaneStatus.DONE, LaneStatus.DONE]
    return run


def _section(markdown: str, heading: str) -> str:
    """The part of the Markdown under ``## heading`` up to the next heading."""
    start = markdown.index(f"## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


async def test_the_markdown_shows_server_tools_and_tool_calls(services: Services) -> None:
    run = await _run(services)
    data = json.loads(json.dumps(run_json(run)))  # as saved
    [use] = data["setup"][0]["server_tools"]
    assert use["name"] == "bash_code_execution" and use["result"] == "-428330955.97745\n"
    assert data["setup"][0]["tool_calls"] == []  # the provider's own tool is no call to answer
    [call] = data["setup"][1]["tool_calls"]
    assert call["name"] == "get_weather" and json.loads(call["arguments"]) == {
        "city": "Mexico City"
    }
    live, saved = run_markdown(run), json_markdown(data)
    for markdown in (live, saved):
        claude = _section(markdown, "1. claude-sonnet-4-6")
        head = "⚙ Server tool `bash_code_execution` ("
        assert head in claude and "), run by the provider" in claude
        assert "Result:\n\n```\n-428330955.97745\n```" in claude
        assert claude.index(head) < claude.index(expected(CODE)["text"].strip()[:40])
        assert "Tool call" not in claude
        gpt = _section(markdown, "2. gpt-4o")
        assert "Tool call `get_weather` (call_LwxJUB9KppVyogRRLQsamRJv):" in gpt
        assert '```json\n{"city":"Mexico City"}\n```' in gpt
        assert "_(no answer)_" not in gpt  # a call is an answer
    assert _section(live, "1. claude-sonnet-4-6") == _section(saved, "1. claude-sonnet-4-6")
    assert _section(live, "2. gpt-4o") == _section(saved, "2. gpt-4o")


async def test_the_markdown_shows_each_answers_reasoning_folded(services: Services) -> None:
    server = ReplayServer(fixture_reply(fixture_path(THINKING)))
    await server.start()
    try:
        run = CompareRun(
            services.providers,
            services.prices,
            [CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=server.url)],
            "think first",
        )
        run.start()
        await run.wait()
    finally:
        await server.stop()
    data = json.loads(json.dumps(run_json(run)))
    reasoning = expected(THINKING)["reasoning"].strip()
    assert data["setup"][0]["reasoning"].strip() == reasoning
    for markdown in (run_markdown(run), json_markdown(data)):
        claude = _section(markdown, "1. claude-sonnet-4-5")
        folded = f"<details><summary>Reasoning</summary>\n\n{reasoning}\n\n</details>"
        assert folded in claude
        assert claude.index(folded) < claude.index(expected(THINKING)["text"].strip()[:40])
