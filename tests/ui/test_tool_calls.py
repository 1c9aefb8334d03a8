"""Tool calls in the playground, through the Pilot against replayed recordings: a streamed
call shows as a block with its name and arguments pretty-printed; parallel calls each get a
block; the person types a result per call and sends, and the second request carries the
calls and results in OpenAI's form
(https://platform.openai.com/docs/api-reference/chat/create: the assistant message with
``tool_calls``, then one ``role: tool`` message per call quoting its ``tool_call_id``); a chat
reopened after a restart draws the calls and the results again; compare columns show the calls
their models made, read-only."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.message_view import ToolAnswer
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.tool_calls import ToolCallBlock, ToolResultView
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import replay_playground, settle, submit, wait_until, workers_done

SIZE = (160, 50)
SPLIT = "openai/chat_stream_tool_call_args_split.sse"
PARALLEL = "openai/chat_stream_parallel_tool_calls_usage.sse"
AFTER = "openai/chat_json_text_after_tools.json"


def _static_text(block: ToolCallBlock) -> str:
    return str(block.query_one(".arguments").render())


async def test_a_streamed_call_shows_its_name_and_arguments_pretty_printed(
    server: ReplayServer,
) -> None:
    server.default = fixture_reply(fixture_path(SPLIT))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "Weather in Mexico City?")
        await settle(pilot)
        [block] = app.query(ToolCallBlock)
        assert block.call.name == "get_weather"
        assert _static_text(block) == '{\n  "city": "Mexico City"\n}'
        assert "get_weather" in str(block.query_one("CollapsibleTitle").render())
        assert not block.collapsed
        block.query_one("CollapsibleTitle").focus()
        await pilot.press("enter")
        assert block.collapsed


async def test_parallel_calls_answered_continue_the_conversation(
    server: ReplayServer,
) -> None:
    server.queue(fixture_reply(fixture_path(PARALLEL)))
    server.queue(fixture_reply(fixture_path(AFTER)))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "Tell me the country and the product")
        await settle(pilot)
        blocks = list(app.query(ToolCallBlock))
        assert [b.call.name for b in blocks] == ["get_country", "get_product_name"]
        first, second = (b.result for b in blocks)
        assert first is not None and second is not None and first.has_focus
        await pilot.press(*"France", "enter")  # the second call has no result yet
        await pilot.pause()
        assert len(server.requests) == 1 and second.has_focus and first.value == "France"
        await pilot.press(*"Pelican Pro", "ctrl+e", "enter")
        await wait_until(pilot, lambda: len(server.requests) == 2, what="the second request")
        await settle(pilot)
        _, assistant, *results = server.last.json()["messages"]
        ids = [c["id"] for c in assistant["tool_calls"]]
        assert [c["function"]["name"] for c in assistant["tool_calls"]] == [
            "get_country",
            "get_product_name",
        ]
        assert results == [
            {"role": "tool", "tool_call_id": ids[0], "content": "France"},
            {"role": "tool", "tool_call_id": ids[1], "content": "Pelican Pro"},
        ]
        shown = [str(v.render()) for v in app.query(ToolResultView)]
        assert "France" in shown[0] and "failed" in shown[1]
        assert not app.query(Input).filter(".tool-result-input")
        final = list(app.query(AnswerView))[-1]
        assert final.answer.source == expected(AFTER)["text"]


async def _reopen_last(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("ctrl+s", "down", "enter")
    await settle(pilot)


async def test_a_reopened_chat_draws_its_calls_and_takes_their_results(
    server: ReplayServer,
) -> None:
    server.queue(fixture_reply(fixture_path(SPLIT)))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "Weather in Mexico City?")
        await settle(pilot)

    server.queue(fixture_reply(fixture_path(AFTER)))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _reopen_last(pilot)
        [answer] = app.playground.pane().query(ToolAnswer)
        [block] = answer.query(ToolCallBlock)
        assert _static_text(block) == '{\n  "city": "Mexico City"\n}'
        assert block.result is not None  # not answered yet: it takes a result
        block.result.focus()
        await pilot.press(*"21 C", "enter")
        await wait_until(pilot, lambda: len(server.requests) == 2, what="the second request")
        await settle(pilot)
        assert server.last.json()["messages"][-1]["content"] == "21 C"

    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _reopen_last(pilot)
        pane = app.playground.pane()
        [answer] = pane.query(ToolAnswer)
        assert answer.query_one(ToolCallBlock).result is None  # answered: read-only
        [result] = pane.query(ToolResultView)
        assert str(result.render()).endswith("\n21 C")
        assert len(pane.message_widgets()) == 4


async def test_compare_columns_show_their_calls_read_only(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path(PARALLEL))
    targets = [
        CompareTarget("gpt-4o", provider="openai", base_url=server.url + "/v1"),
        CompareTarget("gpt-4o-mini", provider="openai", base_url=server.url + "/v1"),
    ]
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press(*"Country and product?", "enter")
        await wait_until(
            pilot,
            lambda: screen.run is not None and screen.run.finished,
            what="the end of the run",
            repaint=False,
        )
        await workers_done(app)
        await wait_until(
            pilot, lambda: all(c.settled for c in screen.columns), what="settled columns"
        )
        for column in screen.columns:
            blocks = list(column.query(ToolCallBlock))
            assert [b.call.name for b in blocks] == ["get_country", "get_product_name"]
            assert all(b.result is None for b in blocks)
            await column.restart()
            assert not column.query(ToolCallBlock)


async def test_results_stay_typed_when_they_cannot_be_sent(server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path(SPLIT)))
    server.queue(fixture_reply(fixture_path(AFTER)))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "Weather in Mexico City?")
        await settle(pilot)
        temperature = app.query_one("#temperature", Input)
        temperature.value = "9"  # no request may carry it
        [block] = app.query(ToolCallBlock)
        assert block.result is not None
        block.result.focus()
        await pilot.press(*"21 C", "enter")
        await settle(pilot)
        assert len(server.requests) == 1 and app.query(ErrorView)
        assert block.result is not None and block.result.value == "21 C"
        temperature.value = ""
        block.result.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(server.requests) == 2, what="the second request")
        await settle(pilot)
        assert server.last.json()["messages"][-1]["content"] == "21 C"


async def test_a_new_message_waits_for_the_results_and_keeps_its_text(
    server: ReplayServer,
) -> None:
    server.default = fixture_reply(fixture_path(SPLIT))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "Weather in Mexico City?")
        await settle(pilot)
        prompt = app.query_one(PromptArea)
        prompt.focus()
        await submit(pilot, "never mind")
        await settle(pilot)
        assert len(server.requests) == 1 and prompt.text == "never mind"
        [error] = app.query(ErrorView)
        assert error.error.code == "INVALID_REQUEST" and "no results yet" in error.error.message
