"""``openmaas ask --tools`` and its continuation: a tool call printed and recorded, answered
with ``--session ID --tool-result CALL_ID=TEXT``, and bad tool files as coded errors."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openmaas_tui.cli.ask import result_json, run_ask
from openmaas_tui.cli.ask_tools import load_tools
from openmaas_tui.cli.main import build_parser
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role
from openmaas_tui.services import Services, open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "pelican_name_generator",
            "description": "Names for a pelican.",
            "parameters": {"type": "object", "properties": {}},
        },
    }
]


@pytest.fixture
async def services(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def test_a_tool_call_is_shown_recorded_and_answered(
    server: ReplayServer, services: Services, tmp_path: Path
) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps({"tools": TOOLS}))
    base = ["ask", "--provider", "anthropic", "--base-url", server.url]
    server.queue(fixture_reply(fixture_path("anthropic/stream_tool_use.sse")))
    args = build_parser().parse_args(
        [*base, "-m", "claude-sonnet-4-5", "--tools", str(tools), "--tool-choice", "required", "x"]
    )
    out, err = io.StringIO(), io.StringIO()
    first = await run_ask(services, args, "Name my pelican", out, err)
    assert first.record is not None
    [call] = first.record.tool_calls
    assert out.getvalue() == f"tool call {call.id}: pelican_name_generator\n  {{}}\n"
    sent = server.last.json()
    assert sent["tool_choice"] == {"type": "any"}
    assert sent["tools"][0]["name"] == "pelican_name_generator"
    store = await services.history()
    [session] = await store.call(Store.list_sessions)
    # the note gives the whole command, the server it was asked at included
    assert f"--session {session.id[:8]} --base-url {server.url} --tool-result" in err.getvalue()
    assert result_json(first.record, session.id)["tool_calls"] == [
        {"id": call.id, "name": "pelican_name_generator", "arguments": "{}"}
    ]

    server.queue(fixture_reply(fixture_path("anthropic/stream_after_tool_result.sse")))
    args = build_parser().parse_args(
        [*base, "--session", session.id[:8], "--tool-result", f"{call.id}=Charles, Sammy"]
    )
    out = io.StringIO()
    second = await run_ask(services, args, "", out, io.StringIO())
    assert second.error is None
    assert out.getvalue() == expected("anthropic/stream_after_tool_result.sse")["text"] + "\n"
    body = server.last.json()
    assert body["model"] == "claude-sonnet-4-5"  # from the session
    assert body["tools"][0]["name"] == "pelican_name_generator"  # kept with the session
    assert body["tool_choice"] == {"type": "any"}
    assert body["messages"][-1] == {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "Charles, Sammy"}],
    }
    roles = [m.role for m in await store.call(Store.messages, session.id)]
    assert roles == [Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT]


async def test_a_result_for_an_unknown_call_or_a_missing_one_is_refused(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path("anthropic/stream_tool_use.sse")))
    base = ["ask", "--provider", "anthropic", "--base-url", server.url]
    args = build_parser().parse_args([*base, "-m", "claude-sonnet-4-5", "x"])
    first = await run_ask(services, args, "Name my pelican", io.StringIO(), io.StringIO())
    store = await services.history()
    [session] = await store.call(Store.list_sessions)
    args = build_parser().parse_args([*base, "--session", session.id, "--tool-result", "nope=1"])
    with pytest.raises(OpenMaaSError) as caught:
        await run_ask(services, args, "", io.StringIO(), io.StringIO())
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert first.record is not None
    call_id = first.record.tool_calls[0].id
    assert call_id is not None and call_id in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "not JSON"),
        ('{"tools": 3}', 'expected a JSON list of tools or an object with "tools"'),
        ('[{"type": "web_search"}]', "tool 1 has type 'web_search'; only function tools"),
        ('[{"type": "function", "function": {"name": "a b"}}]', "name 'a b' is not"),
        ('[{"function": {"name": "a", "parameters": []}}]', "a: parameters is not"),
        ('[{"function": {"name": "a"}}, {"function": {"name": "a"}}]', "'a' is defined twice"),
    ],
)
def test_a_bad_tools_file_is_a_coded_error_naming_it(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "tools.json"
    path.write_text(content)
    with pytest.raises(OpenMaaSError) as caught:
        load_tools(str(path))
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.message.startswith(f"{path}: ")
    assert problem in caught.value.message


async def test_a_session_asked_through_responses_continues_through_it(
    server: ReplayServer, services: Services
) -> None:
    """The API chosen with ``--api`` is kept with the session: the result goes back as a
    Responses ``function_call_output`` item, not as a Chat Completions ``tool`` message."""
    base = ["ask", "--provider", "openai", "--base-url", server.url]
    server.queue(fixture_reply(fixture_path("openai_responses/stream_function_call.sse")))
    args = build_parser().parse_args([*base, "-m", "gpt-4o-mini", "--api", "responses", "x"])
    first = await run_ask(services, args, "Multiply", io.StringIO(), io.StringIO())
    assert first.record is not None and server.last.path == "/responses"
    [call] = first.record.tool_calls
    store = await services.history()
    [session] = await store.call(Store.list_sessions)
    assert session.params["api"] == "responses"

    server.queue(fixture_reply(fixture_path("openai_responses/stream_basic.sse")))
    args = build_parser().parse_args(
        [*base, "--session", session.id, "--tool-result", f"{call.id}=42"]
    )
    second = await run_ask(services, args, "", io.StringIO(), io.StringIO())
    assert second.error is None and server.last.path == "/responses"
    assert server.last.json()["input"][-1] == {
        "type": "function_call_output",
        "call_id": call.id,
        "output": "42",
    }
