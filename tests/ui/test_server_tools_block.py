"""Tools a provider ran itself in the playground, through the Pilot: Claude's recorded code
execution shows as a small read-only block in its answer (the command and its output), not as
a tool call to answer, and the next message does not send it back."""

from __future__ import annotations

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.server_tools import MARK, ServerToolsBlock, server_tool_lines
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import region_text, replay_playground, settle, submit

SIZE = (160, 50)
CODE = "anthropic/stream_code_execution_server_tool.sse"


async def test_code_execution_shows_in_a_block_of_the_answer(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path(CODE))
    app = replay_playground(server, "anthropic", "claude-sonnet-4-6")
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "what is 65465-6544 * 65464-6+1.02255")
        await settle(pilot)
        view = app.query_one(AnswerView)
        block = view.query_one(ServerToolsBlock)
        (use,) = block.calls
        assert use.name == "bash_code_execution" and use.result == "-428330955.97745\n"
        shown = region_text(app, block)
        assert f'{MARK} bash_code_execution "echo' in shown and "→ -428330955.97745" in shown
        assert block.can_focus is False
        assert view.meter.completion().tool_calls == ()
        await submit(pilot, "thanks")
        await settle(pilot)
        assert server.last is not None
        _, answer, _ = server.last.json()["messages"]
        kinds = [part["type"] for part in answer["content"]]
        assert "server_tool_use" not in kinds and "tool_use" not in kinds
        assert expected(CODE)["text"] in "".join(p.get("text", "") for p in answer["content"])


def test_lines_show_status_and_the_first_line_of_a_result_inert() -> None:
    calls = (
        ServerToolCall("a", "web_search", '{"query": "tides"}', "Tides <https://t>\nmore", "ok"),
        ServerToolCall("b", "code_execution", '{"code": "x"}', "\x1b[31mred\x1b[0m"),
    )
    lines = server_tool_lines(calls)
    assert lines[:2] == [f'{MARK} web_search "tides" · ok', "  → Tides <https://t>"]
    assert lines[2] == f'{MARK} code_execution "x"' and "\x1b" not in lines[3]
