"""``openmaas ask`` and the tools a provider ran itself: a short dim line each on stderr when
it is a terminal (``⚙ bash_code_execution "…"``), nothing on a pipe, a ``server_tools`` list in
``--json`` (never in ``tool_calls``), and kept with the answer in the history."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import AsyncIterator

import pytest

from openmaas_tui.cli.ask import main, run_ask
from openmaas_tui.cli.ask_server_tools import MARK, ServerToolEcho
from openmaas_tui.cli.main import build_parser
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.services import Services, open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

CODE = "anthropic/stream_code_execution_server_tool.sse"


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
async def services(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


def _args(server: ReplayServer, *more: str) -> argparse.Namespace:
    return build_parser().parse_args(
        ["ask", "--provider", "anthropic", "--base-url", server.url, "-m", "claude-sonnet-4-6"]
        + [*more, "what is 65465-6544 * 65464-6+1.02255"]
    )


async def test_a_terminal_shows_one_line_per_server_tool(
    server: ReplayServer, services: Services
) -> None:
    server.queue(fixture_reply(fixture_path(CODE)))
    out, err = io.StringIO(), Terminal()
    await run_ask(services, _args(server), "x", out, err)
    lines = [line for line in err.getvalue().splitlines() if MARK in line]
    assert len(lines) == 1
    assert f'{MARK} bash_code_execution "echo ' in lines[0]
    assert MARK not in out.getvalue()
    assert out.getvalue().startswith("I'll calculate that expression for you right away!")


async def test_a_pipe_shows_none(server: ReplayServer, services: Services) -> None:
    server.queue(fixture_reply(fixture_path(CODE)))
    out, err = io.StringIO(), io.StringIO()
    await run_ask(services, _args(server), "x", out, err)
    assert MARK not in err.getvalue() and MARK not in out.getvalue()


async def test_json_lists_server_tools_apart_from_tool_calls(
    server: ReplayServer,
    services: Services,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    server.queue(fixture_reply(fixture_path(CODE)))
    assert await main(services, _args(server, "--json")) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tool_calls"] == [] == expected(CODE)["tool_calls"]
    assert result["text"] == expected(CODE)["text"]
    (tool,) = result["server_tools"]
    assert tool["name"] == "bash_code_execution" and tool["status"] == "completed"
    assert tool["result"] == "-428330955.97745\n"
    assert json.loads(tool["input"]) == {"command": 'echo "65465-6544 * 65464-6+1.02255" | bc -l'}
    history = await services.history()
    session = result["session"]
    stored = [m for m in await history.call(Store.messages, session) if m.server_tools]
    assert [t.as_dict() for t in stored[0].server_tools] == [tool]


def test_the_echo_starts_its_own_line_and_names_a_use_without_input() -> None:
    err = Terminal()
    echo = ServerToolEcho(err, shown=True)
    echo.feed(ServerToolCall("ws_1", "web_search", status="in_progress"), mid_line=True)
    assert err.getvalue() == ""  # its query may still come
    echo.feed(ServerToolCall("ws_1", "", '{"query": "tides"}'), mid_line=True)
    echo.feed(ServerToolCall("ws_2", "file_search"))
    echo.end()
    echo.end()
    assert err.getvalue() == (
        f'\n\x1b[2m{MARK} web_search "tides"\x1b[0m\n\x1b[2m{MARK} file_search\x1b[0m\n'
    )
