"""``openmaas ask`` and reasoning: shown dim on stderr when stderr is a terminal (inert, ended
by a new line before the answer), never on a pipe, a ``reasoning`` field and reasoning tokens
in ``--json``, and a thinking tool call continued with ``--session`` sends its signed block
back."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.cli.ask import result_json, run_ask
from openmaas_tui.cli.ask_reasoning import DIM, RESET, ReasoningEcho
from openmaas_tui.cli.main import build_parser
from openmaas_tui.core.history.store import Store
from openmaas_tui.services import Services, open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

THINKING = "anthropic/stream_thinking_small.sse"


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
async def services(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-deepseek-test")
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


def _args(server: ReplayServer, *more: str, provider: str = "anthropic") -> argparse.Namespace:
    model = "claude-sonnet-4-5" if provider == "anthropic" else "deepseek-reasoner"
    return build_parser().parse_args(
        ["ask", "--provider", provider, "--base-url", server.url, "-m", model, *more, "x"]
    )


def _plain(shown: str) -> str:
    return shown.replace(DIM, "").replace(RESET, "")


async def test_reasoning_shows_dim_on_a_terminal_above_the_answer(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path(THINKING)))
    out, err = io.StringIO(), Terminal()
    await run_ask(services, _args(server), "Two names for a pet pelican", out, err)
    want = expected(THINKING)
    assert out.getvalue() == want["text"] + ("" if want["text"].endswith("\n") else "\n")
    shown = err.getvalue()
    assert shown.startswith(DIM)
    assert _plain(shown).startswith(want["reasoning"] + "\n")  # ended before the answer
    assert want["text"] not in shown


async def test_reasoning_stays_off_a_pipe(server: ReplayServer, services: Services) -> None:
    server.queue(fixture_reply(fixture_path(THINKING)))
    out, err = io.StringIO(), io.StringIO()
    await run_ask(services, _args(server), "Two names", out, err)
    assert expected(THINKING)["reasoning"][:40] not in err.getvalue()
    assert DIM not in err.getvalue()


async def test_json_has_the_reasoning_and_its_tokens(
    server: ReplayServer, services: Services
) -> None:
    name = "deepseek/json_reasoning.json"
    server.queue(fixture_reply(fixture_path(name)))
    out, err = io.StringIO(), Terminal()
    args = _args(server, "--json", provider="deepseek")
    exchange = await run_ask(services, args, "How do I cross the street?", out, err)
    assert exchange.record is not None
    result = result_json(exchange.record)
    want = expected(name)
    assert result["reasoning"] == want["reasoning"] and result["text"] == want["text"]
    assert result["usage"]["reasoning_tokens"] == want["usage"]["reasoning_tokens"] == 415
    assert result["usage"]["output_tokens"] == want["usage"]["output_tokens"]  # reasoning in it
    assert out.getvalue() == "" and DIM not in err.getvalue()  # --json prints nothing early


def test_hostile_reasoning_is_inert_and_ended() -> None:
    err = Terminal()
    echo = ReasoningEcho(err)
    echo.feed("think \x1b]52;c;SGVsbG8=\x07 then \x1b[2J")
    echo.feed("done\r")
    echo.end()
    echo.end()  # once only
    shown = _plain(err.getvalue())
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown == "think ␛]52;c;SGVsbG8=␇ then ␛[2Jdone␍\n"


async def test_a_redacted_block_shows_as_such_on_the_terminal(
    server: ReplayServer, services: Services
) -> None:
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": _start()},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "redacted_thinking", "data": "RXRrRUNr"},
        },
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 9},
        },
        {"type": "message_stop"},
    ]
    body = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    server.queue(Reply(body=body, content_type="text/event-stream"))
    out, err = io.StringIO(), Terminal()
    await run_ask(services, _args(server), "hi", out, err)
    assert _plain(err.getvalue()).startswith("[redacted thinking]\n\n")
    assert out.getvalue() == "Hi\n"


def _start() -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "claude-sonnet-4-5",
        "usage": {"input_tokens": 5, "output_tokens": 1},
    }


async def test_a_thinking_tool_call_continued_sends_its_signed_block_back(
    server: ReplayServer, services: Services, tmp_path: Path
) -> None:
    name = "anthropic/json_thinking_tool_use.json"
    recorded = json.loads(fixture_path(name).read_bytes())
    thinking = recorded["content"][0]
    tools = tmp_path / "tools.json"
    function = {"name": "get_user_country", "parameters": {"type": "object", "properties": {}}}
    tools.write_text(json.dumps([{"type": "function", "function": function}]))
    server.queue(fixture_reply(fixture_path(name)))
    out, err = io.StringIO(), io.StringIO()
    first = await run_ask(services, _args(server, "--tools", str(tools)), "Largest city?", out, err)
    assert first.record is not None
    [call] = first.record.tool_calls
    store = await services.history()
    [session] = await store.call(Store.list_sessions)

    server.queue(fixture_reply(fixture_path("anthropic/stream_after_tool_result.sse")))
    more = ("--session", session.id[:8], "--tool-result", f"{call.id}=Mexico")
    await run_ask(services, _args(server, *more), "", io.StringIO(), io.StringIO())
    assistant = server.last.json()["messages"][1]
    assert assistant["content"][0] == {
        "type": "thinking",
        "thinking": thinking["thinking"],
        "signature": thinking["signature"],
    }
    assert [b["type"] for b in assistant["content"]] == ["thinking", "text", "tool_use"]
