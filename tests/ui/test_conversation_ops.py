"""Operations on a conversation from the keyboard: regenerate, edit and resend, copy, delete a
message, clear; and a long stored session opened lazily."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.core.types import FinishReason, Role, Usage
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.chat_pane import HISTORY_BATCH, EarlierMessages, record_of
from openmaas_tui.ui.widgets.message_view import FinishedAnswer, UserMessage, record_line
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.support.ui import ask, replay_playground, settle, status_text

SIZE = (160, 50)


def _chats(server: ReplayServer) -> list[dict[str, Any]]:
    """The bodies of the chat requests the server received, oldest first."""
    return [r.json() for r in server.requests if r.path.endswith("/chat/completions")]


def _sent(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in body["messages"]]


async def _ask(pilot: Pilot[None], server: ReplayServer, text: str, answer: str) -> None:
    server.queue(openai_stream_reply([answer]))
    await ask(pilot, text)


async def _two_exchanges(app: PlaygroundApp, pilot: Pilot[None], server: ReplayServer) -> None:
    await _ask(pilot, server, "first question", "First answer.")
    await _ask(pilot, server, "second question", "Second answer.")
    assert [m.text for m in app.playground.current.messages] == [
        "first question",
        "First answer.",
        "second question",
        "Second answer.",
    ]


async def test_regenerate_sends_the_same_context_and_replaces_the_answer(
    server: ReplayServer,
) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        server.queue(openai_stream_reply(["Another second answer."]))
        await pilot.press("ctrl+r")
        await settle(pilot)
        first, second = _chats(server)[-2:]
        assert _sent(second) == _sent(first)
        assert _sent(second)[-1] == ("user", "second question")
        assert [m.text for m in app.playground.current.messages][2:] == [
            "second question",
            "Another second answer.",
        ]
        views = app.playground.pane().query(AnswerView)
        assert [v.completion().text for v in views] == ["First answer.", "Another second answer."]
        assert views.last().record is app.playground.current.messages[-1]
        # `r` on the selected messages does the same.
        server.queue(openai_stream_reply(["Third take."]))
        await pilot.press("ctrl+t", "r")
        await settle(pilot)
        assert app.playground.current.messages[-1].text == "Third take."
        assert len(app.playground.current.messages) == 4
        assert isinstance(app.focused, PromptArea)


async def test_edit_and_resend_drops_the_later_messages(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        await pilot.press("ctrl+t", "up", "up", "up")  # the first question
        pane = app.playground.pane()
        assert pane.selected_record is app.playground.current.messages[0]
        await pilot.press("e")
        prompt = app.query_one(PromptArea)
        assert app.focused is prompt and prompt.text == "first question"
        assert app.playground.conversation.editing is app.playground.current.messages[0]
        await pilot.press("ctrl+u", *"the edited question")
        server.queue(openai_stream_reply(["Edited answer."]))
        await pilot.press("enter")
        await pilot.pause()
        await settle(pilot)
        body = _chats(server)[-1]
        assert _sent(body) == [("user", "the edited question")]
        assert "second question" not in str(body)
        assert [m.text for m in app.playground.current.messages] == [
            "the edited question",
            "Edited answer.",
        ]
        shown = [type(w).__name__ for w in pane.message_widgets()]
        assert shown == ["UserMessage", "AnswerView"]
        assert app.playground.conversation.editing is None and prompt.border_title in (None, "")


async def test_escape_cancels_an_edit_and_gives_the_draft_back(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        await pilot.press(*"a draft")
        await pilot.press("ctrl+t", "up", "e")
        prompt = app.query_one(PromptArea)
        assert prompt.text == "second question"
        await pilot.press("escape")
        assert prompt.text == "a draft" and app.playground.conversation.editing is None
        assert len(app.playground.current.messages) == 4


async def test_copy_a_message(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        await pilot.press("ctrl+t", "c")
        assert app.clipboard == "Second answer."
        await pilot.press("up", "c")
        assert app.clipboard == "second question"


async def test_delete_a_message(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        pane = app.playground.pane()
        await pilot.press("ctrl+t", "up", "up", "d")  # "First answer."
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # asks first: nothing deleted yet
        assert len(app.playground.current.messages) == 4
        await pilot.press("y")
        await pilot.pause()
        assert [m.text for m in app.playground.current.messages] == [
            "first question",
            "second question",
            "Second answer.",
        ]
        assert [record_of(w) for w in pane.message_widgets()] == app.playground.current.messages
        assert pane.selected_record is app.playground.current.messages[1]  # its neighbour
        server.queue(openai_stream_reply(["ok"]))
        await pilot.press("escape", *"next", "enter")
        await pilot.pause()
        await settle(pilot)
        assert _sent(_chats(server)[-1]) == [
            ("user", "first question"),
            ("user", "second question"),
            ("assistant", "Second answer."),
            ("user", "next"),
        ]


async def test_clear_asks_first(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        title = app.playground.current.title
        await pilot.press("ctrl+t", "x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert len(app.playground.current.messages) == 4
        await pilot.press("x", "y")
        await pilot.pause()
        assert app.playground.current.messages == [] and app.playground.current.title == title
        assert app.playground.pane().message_widgets() == []
        assert app.playground.current.totals.output_tokens == 0


def _stored_session(messages: int) -> Session:
    session = Session(model="gpt-4o-mini")
    for i in range(messages // 2):
        session.messages.append(SessionMessage(Role.USER, f"Question {i}?"))
        session.messages.append(
            SessionMessage(
                Role.ASSISTANT,
                f"## Answer {i}\n\nSome *text* and a list:\n\n- one\n- two\n",
                provider="openai",
                model="gpt-4o-mini",
                usage=Usage(10, 20),
                cost_usd=0.0001,
                billed=True,
                ttft_ms=300,
                duration_ms=1300,
                finish_reason=FinishReason.STOP,
            )
        )
    session.rename("A long one")
    return session


async def test_a_thousand_messages_open_lazily_with_the_last_one_shown(
    server: ReplayServer,
) -> None:
    app = replay_playground(server)
    session = _stored_session(1000)
    async with app.run_test(size=SIZE) as pilot:
        await app.playground.session_ops.open(session)
        await pilot.pause()
        await pilot.pause()
        pane = app.playground.pane()
        assert app.playground.current is session and pane.session is session
        widgets = pane.message_widgets()
        shown = len(widgets)
        assert 2 <= shown <= HISTORY_BATCH < 100 and pane.hidden == 1000 - shown
        assert len(pane.query(FinishedAnswer)) + len(pane.query(UserMessage)) == shown
        last = widgets[-1]
        assert record_of(last) is session.messages[-1]
        assert pane.scroll_y == pane.max_scroll_y
        assert pane.region.contains_region(last.region)
        assert isinstance(last, FinishedAnswer)
        assert any("Answer 499" in strip.text for strip in last.lines)
        assert record_line(session.messages[-1]) in [strip.text.strip() for strip in last.lines]
        assert app.query_one(EarlierMessages).visible
        assert "$0.05" in status_text(app)  # 500 answers' cost
        # Going up past the first message shown mounts the batch before it.
        await pilot.press("ctrl+t", *["up"] * shown)
        await pilot.pause()
        more = len(pane.message_widgets())
        assert shown < more <= 2 * HISTORY_BATCH and pane.hidden == 1000 - more
        assert pane.selected_record is session.messages[1000 - shown - 1]
        # Scrolling to the top mounts more and keeps the person's place.
        first = pane.message_widgets()[0]
        pane.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert len(pane.message_widgets()) > more
        assert pane.scroll_y > 0 and first.region.y >= pane.region.y
        # A new exchange goes on at the end.
        server.queue(openai_stream_reply(["Fresh answer."]))
        await pilot.press("escape", *"one more", "enter")
        await pilot.pause()
        await settle(pilot)
        assert _sent(_chats(server)[-1])[-3:] == [
            ("user", "Question 499?"),
            ("assistant", session.messages[999].text),
            ("user", "one more"),
        ]
        assert session.messages[-1].text == "Fresh answer."


async def test_a_stored_session_can_be_opened_from_the_sidebar(
    server: ReplayServer, isolated_home: Path
) -> None:
    app = replay_playground(server)
    session = _stored_session(40)
    session.updated_at = 0.0  # last active long ago: listed under the new chat
    async with app.run_test(size=SIZE) as pilot:
        await app.playground.book.add(session)
        await app.playground.session_ops.open(app.playground.sessions[0])
        assert app.query_one(SessionList).rows.held_sessions()[1] is session
        await pilot.press("ctrl+s", "down", "enter")
        await pilot.pause()
        assert app.playground.current is session
        assert 0 < len(app.playground.pane().message_widgets()) <= HISTORY_BATCH


async def test_selecting_an_answer_does_not_draw_it_again(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        view = app.playground.pane().query(AnswerView).last()
        drawn = view.answer.drawn_blocks
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert view.has_class("-selected")
        await pilot.press("up", "escape")
        await pilot.pause()
        assert not view.has_class("-selected") and isinstance(app.focused, PromptArea)
        assert view.answer.drawn_blocks == drawn


async def test_a_stored_failed_or_stopped_answer_says_so(server: ReplayServer) -> None:
    app = replay_playground(server)
    session = Session(model="gpt-4o-mini")
    session.add_user("hello")
    session.add(
        SessionMessage(
            Role.ASSISTANT,
            "",
            provider="openai",
            model="gpt-4o-mini",
            error_code="AUTH_FAILED",
            error_message="Incorrect API key provided",
        )
    )
    session.add_user("again")
    session.add(
        SessionMessage(
            Role.ASSISTANT,
            "Hel",
            provider="demo",
            model="demo",
            usage=Usage(5, 1),
            cost_usd=0.0,
            billed=True,
            estimated=True,
            stopped=True,
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.playground.session_ops.open(session)
        await pilot.pause()
        failed, stopped = (
            [s.text.strip() for s in w.lines] for w in app.playground.pane().query(FinishedAnswer)
        )
        assert failed == ["AUTH_FAILED: Incorrect API key provided", "", "openai/gpt-4o-mini"]
        assert stopped[0] == "Hel"
        assert stopped[-1] == "demo (offline) · ≈5 in / ≈1 out · ≈$0 · stopped"


async def test_the_operations_are_in_the_command_palette(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await _two_exchanges(app, pilot, server)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in ("Messages", "Regenerate", "Clear chat", "Rename chat", "Search chats"):
            assert title in commands
        commands["Copy last answer"].callback()
        assert app.clipboard == "Second answer."
        commands["Edit last message"].callback()
        assert app.query_one(PromptArea).text == "second question"
        assert app.playground.conversation.editing is app.playground.current.messages[2]


async def test_regenerate_in_a_stored_session_with_a_long_last_answer(
    server: ReplayServer,
) -> None:
    app = replay_playground(server)
    session = _stored_session(100)
    long_answer = session.messages[-1]
    long_answer.content = "\n\n".join(f"Paragraph {i}." for i in range(200))
    async with app.run_test(size=SIZE) as pilot:
        await app.playground.session_ops.open(session)
        await pilot.pause()
        pane = app.playground.pane()
        shown = [record_of(w) for w in pane.message_widgets()]
        assert shown == session.messages[-2:]  # the question is shown with its long answer
        server.queue(openai_stream_reply(["A short one this time."]))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert _sent(_chats(server)[-1])[-1] == ("user", "Question 49?")
        assert session.messages[-1].text == "A short one this time."
        assert len(session.messages) == 100
        widgets = pane.message_widgets()
        assert [type(w) for w in widgets[-2:]] == [UserMessage, AnswerView]
        assert all(record_of(w) is not long_answer for w in widgets)
        # The pane no longer overflows: earlier messages were mounted to fill it.
        assert [record_of(w) for w in widgets[:-1]] == session.messages[-len(widgets) : -1]
