"""Nothing a model, a provider or an imported file says reaches the terminal raw from the app:
escape sequences show as ``␛…`` in answers (streaming and finished), reasoning, errors,
notifications and the sessions sidebar; whatever a widget shows that we do not pass through
(an input's value) has them dropped; the history keeps the raw text."""

from __future__ import annotations

import json
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Collapsible, Input

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.message_view import FinishedAnswer, UserMessage
from openmaas_tui.ui.widgets.session_list import SessionList
from tests.support.replay import ReplayServer
from tests.support.server import Reply
from tests.support.synth import openai_chunks
from tests.support.ui import ask, listed_items, notes, replay_playground, screen_text, settle

SIZE = (160, 50)
CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"
CLEAR = "\x1b[2J"
PIECES = ["Hello ", CLIPBOARD, " and ", CLEAR, " then \x9b6n\u202e!"]
RAW = "".join(PIECES)
THOUGHT = f"thinking {CLEAR}about it"
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e")


def _inert(text: str) -> bool:
    return not any(char in text for char in UNSAFE)


def _strips_text(lines: list[Any]) -> str:
    return "\n".join(line.text for line in lines)


def _hostile_reply() -> Reply:
    """An OpenAI-compatible stream: reasoning, then an answer, both with escape sequences."""
    chunks = openai_chunks(PIECES)
    head = {"id": "chatcmpl-x", "object": "chat.completion.chunk", "model": "m"}
    thought = {**head, "choices": [{"index": 0, "delta": {"reasoning_content": THOUGHT}}]}
    chunks.insert(1, b"data: " + json.dumps(thought).encode() + b"\n\n")
    return Reply(content_type="text/event-stream", chunks=chunks)


async def test_an_answer_and_its_reasoning_are_shown_inert_and_stored_raw(
    server: ReplayServer,
) -> None:
    server.default = _hostile_reply()
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        view = await ask(pilot, "hi")
        assert view.answer.source == RAW  # what arrived is kept as it came
        drawn = _strips_text(view.answer.lines)
        assert "␛]52;c;SGVsbG8=␇" in drawn and "␛[2J" in drawn and "\\u009b6n\\u202e" in drawn
        assert _inert(drawn)
        assert view.reasoning is not None
        view.query_one(Collapsible).collapsed = False  # folded once the answer began
        await pilot.pause()
        thought = _strips_text(view.reasoning.lines)
        assert "thinking ␛[2Jabout it" in thought and _inert(thought)
        assert _inert(screen_text(app))
    store = Store(resolve_paths().history_db)
    try:
        [session] = store.list_sessions()
        answer = store.messages(session.id)[-1]
        assert (answer.content, answer.reasoning) == (RAW, THOUGHT)
    finally:
        store.close()


async def test_a_provider_error_is_shown_inert(server: ReplayServer) -> None:
    said = f"bad request {CLEAR}\x1b]0;owned\x07"
    server.default = Reply.json_body({"error": {"message": said, "type": "invalid"}}, 400)
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "hi")
        shown = str(app.query_one(ErrorView).render())
        assert "␛[2J␛]0;owned␇" in shown and _inert(shown)
        assert _inert(screen_text(app))


def _seed_hostile_session() -> None:
    """A session as an imported export could bring it: escapes in its title, model, prompt,
    answer and error."""
    store = Store(resolve_paths().history_db)
    try:
        session = store.create_session(provider="openai", model="m")
        store.add_message(session.id, Role.USER, f"question {CLEAR}")
        store.add_message(session.id, Role.ASSISTANT, RAW, provider="openai", model=f"m{CLEAR}")
        store.rename_session(session.id, f"Pwn {CLIPBOARD}")
    finally:
        store.close()


async def _open_first(app: PlaygroundApp, pilot: Pilot[None]) -> None:
    held = app.query_one(SessionList).rows.held_sessions()
    session = next(s for s in held if s.title.startswith("Pwn"))
    await app.playground.session_ops.open(session)
    await settle(pilot)


async def test_a_stored_session_is_listed_and_shown_inert(server: ReplayServer) -> None:
    _seed_hostile_session()
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [item] = [i for i in listed_items(app) if i.startswith("Pwn")]
        assert item.startswith("Pwn ␛]52;c;SGVsbG8=␇") and _inert(item)
        await _open_first(app, pilot)
        user = str(app.query_one(UserMessage).render())
        assert user == "question ␛[2J"
        finished = _strips_text(app.query_one(FinishedAnswer).lines)
        assert "␛[2J" in finished and "m␛[2J" in finished and _inert(finished)
        assert _inert(screen_text(app))


async def test_notifications_are_shown_inert(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        app.notify(f"said {CLEAR}", title=f"title {CLIPBOARD}", timeout=60)
        await pilot.pause()
        assert notes(app)[-1] == "said ␛[2J"
        assert list(app._notifications)[-1].title == "title ␛]52;c;SGVsbG8=␇"
        assert _inert(screen_text(app))


async def test_what_a_widget_shows_unfiltered_still_reaches_no_terminal(
    server: ReplayServer,
) -> None:
    """An input's value is not passed through the sanitizer; the app's line filter drops the
    control characters from what is drawn."""
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        field = Input(value=f"typed {CLEAR}{CLIPBOARD} end", id="probe")
        await app.screen.mount(field)
        await pilot.pause()
        shown = screen_text(app)
        assert "typed [2J]52;c;SGVsbG8= end" in shown and _inert(shown)
