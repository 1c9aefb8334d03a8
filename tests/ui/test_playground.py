"""The playground driven through the Pilot, as a person would, against loopback servers."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher

from openmaas_tui.cli.main import build_app
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.chat_pane import ChatPane
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.welcome import Welcome
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    listed_items,
    notes,
    palette_hits,
    playground,
    replay_playground,
    settle,
    status_text,
    submit,
    use_fast_demo,
    wait_until,
)

SIZE = (160, 50)


async def test_welcome_then_the_demo_answers(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        welcome = app.query_one("#welcome", Welcome)
        assert "Welcome to openMaaS" in welcome.source
        assert any("Welcome to openMaaS" in line.text for line in welcome.lines)
        assert app.focused is app.query_one("#prompt", PromptArea)
        await submit(pilot, "show me a table")
        await settle(pilot)
        view = app.query_one(AnswerView)
        answer = view.meter.completion().text
        assert answer.startswith("*Demo model (offline)")
        assert "| Algorithm |" in answer
        assert app.query_one("#prompt", PromptArea).text == ""
        assert "demo (offline)" in status_text(app) and "$0" in status_text(app)
        assert app.playground.current.title == "show me a table"
        assert [m.text for m in app.playground.current.messages][1] == answer


PROVIDER_STREAMS = [
    ("openai", "gpt-4o-mini", "openrouter/stream_text_after_tool_result.sse"),
    ("anthropic", "claude-sonnet-4-5", "anthropic/stream_text.sse"),
    ("gemini", "gemini-2.5-flash", "gemini/sse_text.sse"),
    ("ollama", "llama3.2", "ollama/chat_stream_text.ndjson"),
]


@pytest.mark.parametrize(("provider", "model", "fixture"), PROVIDER_STREAMS)
async def test_a_recorded_stream_of_each_provider_appears_with_its_usage(
    server: ReplayServer, provider: str, model: str, fixture: str
) -> None:
    server.default = fixture_reply(fixture_path(fixture))
    want = expected(fixture)
    app = replay_playground(server, provider, model)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "hi")
        await settle(pilot)
        view = app.query_one(AnswerView)
        assert view.meter.completion().text == want["text"]
        assert not view.stopped
        totals = app.playground.current.totals
        assert totals.output_tokens == want["usage"]["output_tokens"]
        assert f"{totals.output_tokens:,} out" in status_text(app)
        assert server.last is not None and b'"hi"' in server.last.body
        sent = server.last.path if provider == "gemini" else server.last.json()["model"]
        assert model in sent and f"{provider}/" not in sent
        assert view.target.label == f"{provider}/{model}"


async def test_escape_stops_the_stream_and_keeps_the_partial(server: ReplayServer) -> None:
    pieces = [f"word{i} " for i in range(400)]
    server.default = openai_stream_reply(pieces, chunk_delay_s=0.01)
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "count")
        view = app.query_one(AnswerView)
        await wait_until(pilot, lambda: "word3 " in view.meter.completion().text, what="word3")
        await pilot.press("escape")
        await settle(pilot)
        partial = view.meter.completion().text
        assert view.stopped and view.meter.finished_at is not None
        assert partial.startswith("word0 word1 word2 word3 ")
        assert len(partial) < len("".join(pieces))
        assert app.playground.current.messages[-1].text == partial
        totals = app.playground.current.totals
        assert totals.estimated and totals.output_tokens > 0 and totals.cost_known
        assert f"≈{totals.output_tokens:,} out" in status_text(app)


async def test_a_missing_key_is_shown_inline_and_the_prompt_is_kept(
    isolated_home: Path,
) -> None:
    app = playground(["-m", "claude-sonnet-4-5"])
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "hello")
        errors = list(app.query(ErrorView))
        assert len(errors) == 1
        shown = str(errors[0].render())
        assert "MISSING_KEY" in shown and "openmaas keys set anthropic" in shown
        assert app.query_one("#prompt", PromptArea).text == "hello"
        assert app.playground.current.messages == []


async def test_a_long_answer_keeps_the_view_pinned_to_the_end(server: ReplayServer) -> None:
    pieces = [f"Line {i} of a long answer.\n\n" for i in range(300)]
    server.default = openai_stream_reply(pieces)
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "long")
        await settle(pilot)
        pane = app.playground.pane()
        assert pane.max_scroll_y > 100
        assert pane.scroll_y == pane.max_scroll_y
        last = app.query_one(AnswerView).region
        assert last.bottom <= pane.region.bottom + 1


async def test_sessions_new_switch_and_delete(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "first chat")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(app.playground.sessions) == 2 and app.playground.current.messages == []
        await submit(pilot, "second chat")
        await settle(pilot)
        assert [s.title for s in app.playground.sessions] == ["first chat", "second chat"]
        await pilot.press("ctrl+s")
        listing = app.query_one(SessionList)
        assert app.focused is listing
        assert listing.index == 0  # newest first: the current "second chat"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.playground.current.title == "first chat"
        assert (
            app.query_one("#chats", ContentSwitcher).current == f"chat-{app.playground.current.id}"
        )
        assert isinstance(app.focused, PromptArea)
        await pilot.press("ctrl+s", "d", "y")  # delete asks first
        await pilot.pause()
        assert [s.title for s in app.playground.sessions] == ["second chat"]
        assert len(app.query(ChatPane)) == 1


async def test_parameters_set_from_the_keyboard_reach_the_request(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("crusoe/stream_text.sse"))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", "tab", *"0.3", "tab", "tab", *"256")
        await pilot.press(*["tab"] * 8, *"Be terse.")  # past the other parameters and tools
        await pilot.press("escape")
        assert isinstance(app.focused, PromptArea)
        await submit(pilot, "count to five")
        await settle(pilot)
        body = server.last.json()
        assert body["temperature"] == 0.3
        assert body.get("max_tokens", body.get("max_completion_tokens")) == 256
        assert "top_p" not in body
        assert body["messages"][0] == {"role": "system", "content": "Be terse."}
        assert body["messages"][-1]["content"] == "count to five"


async def test_an_invalid_parameter_is_refused_inline_and_nothing_is_lost(
    server: ReplayServer,
) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", "tab", *"5", "escape")
        await submit(pilot, "hello there")
        shown = [str(e.render()) for e in app.query(ErrorView)]
        assert len(shown) == 1 and shown[0].startswith("INVALID_REQUEST")
        assert "temperature" in shown[0]
        assert app.query_one("#prompt", PromptArea).text == "hello there"
        assert server.requests == []


async def test_every_action_is_in_the_command_palette(isolated_home: Path) -> None:
    from textual.command import CommandPalette

    from openmaas_tui.ui.screens.keys_screen import KeysScreen

    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("New chat", "Stop", "API keys", "Model", "Parameters", "Sessions"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"API keys")
        await wait_until(pilot, lambda: palette_hits(app), what="a command matching 'API keys'")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, KeysScreen)


async def test_the_sidebar_and_status_line_add_up_the_session(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("anthropic/stream_text.sse"))
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "name two pelicans")
        await settle(pilot)
        await submit(pilot, "two more")
        await settle(pilot)
        totals = app.playground.current.totals
        assert (totals.input_tokens, totals.output_tokens) == (34, 20)
        status = status_text(app)
        assert "session: 34 in / 20 out · $0.0004" in status
        item = listed_items(app)[0]
        assert item == "name two pelicans\n$0.0004 · claude-sonnet-4-5"


async def test_an_answer_cut_by_max_tokens_says_so(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", "tab", "tab", "tab", *"5", "escape")
        await submit(pilot, "show me a table")
        await settle(pilot)
        view = app.query_one(AnswerView)
        assert view.completion().usage.output_tokens == 5
        assert view.counters.endswith("5 out · $0 · cut at max_tokens")


async def test_a_refused_request_adds_nothing_to_the_session(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("openai/error_401_invalid_key.json"))
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "hello")
        await settle(pilot)
        view = app.query_one(AnswerView)
        assert view.error is not None and view.error.code == "AUTH_FAILED"
        totals = app.playground.current.totals
        assert (totals.input_tokens, totals.output_tokens, totals.cost_known) == (0, 0, True)
        assert "session: 0 in / 0 out · $0" in status_text(app)


async def test_scrolling_up_stops_following_and_sending_follows_again(
    server: ReplayServer,
) -> None:
    pieces = [f"Line {i} of a long answer.\n\n" for i in range(400)]
    server.default = openai_stream_reply(pieces, chunk_delay_s=0.002)
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "long")
        pane = app.playground.pane()
        view = app.query_one(AnswerView)
        await wait_until(pilot, lambda: pane.max_scroll_y >= 50, what="50 lines to scroll")
        pane.focus()
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        place = pane.scroll_y
        assert place < pane.max_scroll_y
        await settle(pilot)
        assert view.done and pane.max_scroll_y > 300
        assert pane.scroll_y == place  # the person's place is kept while the answer grew
        app.query_one(PromptArea).focus()
        server.default = openai_stream_reply(["Short answer."])
        await submit(pilot, "and now?")
        await settle(pilot)
        assert pane.scroll_y == pane.max_scroll_y  # sending follows the end again


def test_a_session_title_is_shown_as_typed_not_as_markup() -> None:
    from openmaas_tui.core.sessions.conversation import Session
    from openmaas_tui.ui.widgets.session_rows import session_line

    session = Session(model="demo")
    session.add_user("[bold]not markup[/] please")
    title, below = session_line(session)
    assert (title.plain, below.plain) == ("[bold]not markup[/] please", "$0 · demo")
    assert not title.spans  # plain text: no style read out of the title


async def test_no_keyring_is_said_once_after_the_first_screen(isolated_home: Path) -> None:
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    app = build_app(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        # The keyring is looked for after the first refresh, which may come late on a busy
        # machine: wait for the notice rather than for the workers that exist now.
        await wait_until(pilot, lambda: notes(app), what="a notice about the keyring")
        await settle(pilot)
        messages = notes(app)
        assert len(messages) == 1 and "kept in memory" in messages[0]
