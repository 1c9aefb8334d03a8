"""Tool calls and server tools in compare columns, through the Pilot against replayed
recordings: a tool call shows in its column while it streams (the playground's block, its
arguments growing as they arrive, read-only), and Claude's recorded code execution shows as
the playground's server-tool block above the column's answer, never as a call to answer; a
column's call carried on as a chat takes its result there and the conversation goes on."""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.widgets.server_tools import MARK, ServerToolsBlock
from openmaas_tui.ui.widgets.tool_calls import ToolCallBlock
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import (
    playground,
    region_text,
    settle,
    use_fast_demo,
    wait_until,
    workers_done,
)

SIZE = (160, 50)
SPLIT = "openai/chat_stream_tool_call_args_split.sse"
CODE = "anthropic/stream_code_execution_server_tool.sse"
AFTER = "openai/chat_json_text_after_tools.json"
ARGUMENTS = '{"city":"Mexico City"}'
"""The recording's arguments, in six pieces."""


def _arguments(column: CompareColumn) -> str | None:
    """The arguments the column's block shows, or None before it has one."""
    blocks = list(column.query(ToolCallBlock))
    return str(blocks[0].query_one(".arguments").render()) if blocks else None


async def _compare(pilot: Pilot[None], targets: list[CompareTarget], prompt: str) -> CompareScreen:
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    screen = CompareScreen(app.services, targets=targets)
    await app.push_screen(screen)
    await pilot.pause()
    await pilot.press(*prompt, "enter")
    return screen


async def _settled(pilot: Pilot[None], screen: CompareScreen) -> None:
    await wait_until(
        pilot, lambda: screen.run is not None and screen.run.finished, what="the end of the run"
    )
    await workers_done(pilot.app)
    await wait_until(pilot, lambda: all(c.settled for c in screen.columns), what="the ends")


async def test_a_tool_call_shows_in_its_column_as_it_streams() -> None:
    slow = ReplayServer(fixture_reply(fixture_path(SPLIT), chunk_delay_s=0.25))
    await slow.start()
    try:
        targets = [
            CompareTarget("gpt-4o", provider="openai", base_url=slow.url + "/v1"),
            CompareTarget("demo"),
        ]
        app = build_app(["--demo", "--no-keyring"])
        async with app.run_test(size=SIZE) as pilot:
            screen = await _compare(pilot, targets, "Weather in Mexico City?")
            column = screen.columns[0]
            await wait_until(pilot, lambda: screen.run is not None, what="the run")
            run = screen.run
            assert run is not None
            lane = run.lanes[0]
            seen: list[str] = []  # what the block showed while the lane streamed
            while not lane.ended:
                shown = _arguments(column)
                if shown is not None and not lane.ended and shown not in seen:
                    seen.append(shown)
                await pilot.pause(0.05)
            await _settled(pilot, screen)
            partial = [s for s in seen if s != "{}" and ARGUMENTS.startswith(s) and s != ARGUMENTS]
            assert partial, f"no arguments shown while they streamed: {seen}"
            [block] = column.query(ToolCallBlock)
            assert block.call.name == "get_weather"
            assert _arguments(column) == json.dumps(json.loads(ARGUMENTS), indent=2)
            assert block.result is None  # read-only: a chat carried on from it answers
            assert not screen.columns[1].query(ToolCallBlock)  # the demo made no call
    finally:
        await slow.stop()


async def test_code_execution_shows_in_its_column_as_a_server_tool(
    server: ReplayServer,
) -> None:
    server.default = fixture_reply(fixture_path(CODE))
    targets = [
        CompareTarget("claude-sonnet-4-6", provider="anthropic", base_url=server.url),
        CompareTarget("demo"),
    ]
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _compare(pilot, targets, "what is 65465-6544 * 65464-6+1.02255")
        await _settled(pilot, screen)
        column = screen.columns[0]
        block = column.query_one(ServerToolsBlock)
        (use,) = block.calls
        assert use.name == "bash_code_execution" and use.result == "-428330955.97745\n"
        shown = region_text(app, block)
        assert f'{MARK} bash_code_execution "echo' in shown and "→ -428330955.97745" in shown
        assert block.region.y < column.answer.region.y  # above the answer, as in a chat
        assert not column.query(ToolCallBlock)  # nothing to answer
        await column.restart()
        assert not column.query(ServerToolsBlock) and column.server_tools is None


async def test_a_call_carried_on_as_a_chat_takes_its_result_there(
    server: ReplayServer, isolated_home: Path
) -> None:
    chat = "/v1/chat/completions"  # the endpoint's model list is asked too
    server.queue(fixture_reply(fixture_path(SPLIT)), path=chat)  # the compare column's answer
    server.queue(fixture_reply(fixture_path(AFTER)), path=chat)  # the chat's, after the result
    use_fast_demo(isolated_home, f'[endpoints.lab]\nbase_url = "{server.url}/v1"\n')
    app = playground(["--demo"])
    targets = [CompareTarget("lab/gpt-4o"), CompareTarget("demo")]
    async with app.run_test(size=SIZE) as pilot:
        screen = await _compare(pilot, targets, "Weather in Mexico City?")
        await _settled(pilot, screen)
        assert screen.run is not None and screen.run.lanes[0].text == ""  # a call, no text
        screen.columns[0].focus()
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is app.playground
        *_, answer = app.playground.current.messages
        assert [c.name for c in answer.tool_calls] == ["get_weather"]
        [block] = app.playground.query(ToolCallBlock)
        assert block.result is not None  # the chat takes its result
        block.result.focus()
        await pilot.press(*"21 C", "enter")
        await wait_until(
            pilot, lambda: sum(r.path == chat for r in server.requests) == 2, what="the result sent"
        )
        await settle(pilot)
        *_, last = [r for r in server.requests if r.path == chat]
        _, assistant, result = last.json()["messages"]
        assert assistant["tool_calls"][0]["function"]["name"] == "get_weather"
        assert result["role"] == "tool" and result["content"] == "21 C"
