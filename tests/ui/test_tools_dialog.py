"""The chat's tool definitions, through the Pilot: the parameter panel's line opens the dialog;
a bad definition is said there with its code and message and the text stays; good ones are
saved with the chat's choice, sent with the next request in OpenAI's form, and shown again
when the chat is reopened after a restart."""

from __future__ import annotations

import json

from textual.widgets import Select, Static, TextArea

from openmaas_tui.ui.screens.tools_dialog import ToolsDialog
from openmaas_tui.ui.widgets.tools_entry import ToolsEntry
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import replay_playground, settle, submit

SIZE = (160, 50)
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
BAD = '[{"type": "function", "function": {"name": "get weather"}}]'


async def test_definitions_are_checked_saved_sent_and_restored(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("openai/chat_stream_tool_call_usage.sse"))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        entry = app.query_one(ToolsEntry)
        assert str(entry.render()).startswith("Tools: none")
        entry.focus()
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ToolsDialog)
        area = dialog.query_one("#tools-json", TextArea)
        area.text = BAD
        await pilot.press("ctrl+s")
        await pilot.pause()
        problem = str(dialog.query_one("#tools-problem", Static).render())
        assert problem.startswith("INVALID_REQUEST: the tools: tool 1: name 'get weather'")
        assert app.screen is dialog and area.text == BAD
        area.text = "{"  # not JSON at all
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not JSON" in str(dialog.query_one("#tools-problem", Static).render())
        area.text = json.dumps([WEATHER])
        await pilot.pause()
        dialog.query_one("#tool-choice", Select).value = "get_weather"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog
        assert str(entry.render()) == "Tools: 1 · get_weather"
        app.playground.query_one("#prompt").focus()
        await submit(pilot, "Capital of the UK?")
        await settle(pilot)
        sent = server.last.json()
        assert sent["tools"] == [WEATHER]
        assert sent["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}

    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        entry = app.query_one(ToolsEntry)
        assert str(entry.render()).startswith("Tools: none")  # a new chat has none
        await pilot.press("ctrl+s", "down", "enter")
        await settle(pilot)
        assert str(entry.render()) == "Tools: 1 · get_weather"
        assert app.playground.current.params.tools[0].name == "get_weather"


async def test_escape_keeps_the_tools_as_they_were(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        entry = app.query_one(ToolsEntry)
        entry.focus()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#tools-json", TextArea).text = json.dumps([WEATHER])
        await pilot.press("escape")
        await pilot.pause()
        assert entry.tools == () and str(entry.render()).startswith("Tools: none")
