"""The conversation from the keyboard: the selected message clearly highlighted (in dark and
light themes), ``d`` asking before a message is deleted, and ``t`` opening and closing the
reasoning above an answer, streamed in this run or read from the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.widgets import Collapsible, Static
from textual.widgets._collapsible import CollapsibleTitle

from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.core.types import FinishReason, Role, Usage
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.chat_pane import ChatPane, record_of
from openmaas_tui.ui.widgets.message_view import FinishedAnswer, UserMessage
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import (
    MessageTrail,
    ask,
    demo_playground,
    region_text,
    replay_playground,
    screen_text,
    settle,
    submit,
)

SIZE = (80, 24)
THINKING = "anthropic/stream_thinking_small.sse"
REASONING = "First I weigh the options. Then I pick the shorter name."


def _accent(app: object) -> Color:
    return Color.parse(app.theme_variables["accent"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_selected_message_is_highlighted_in_the_accent(
    isolated_home: Path, theme: str
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await ask(pilot, "hello")
        await pilot.press("ctrl+t")
        await pilot.pause()
        pane = app.playground.pane()
        answer = pane.query_one(AnswerView)
        assert pane.selected is answer and answer.has_class("-selected")
        meta = answer.query_one(".meta", Static)
        accent = _accent(app)
        assert meta.styles.background.rgb == accent.rgb and meta.styles.background.a > 0
        assert answer.styles.outline_left == ("thick", accent)
        assert answer.answer.styles.outline_left == ("thick", accent)
        await pilot.press("up")
        await pilot.pause()
        user = pane.query_one(UserMessage)
        assert pane.selected is pane.message_widgets()[0] is user
        assert not answer.has_class("-selected")
        assert user.styles.background.rgb == accent.rgb
        assert meta.styles.background.a == 0  # the tint went with the selection
        await pilot.press("escape")  # back to the prompt: the bar stays, dimmer, no tint
        await pilot.pause()
        assert user.styles.background.rgb != accent.rgb  # its own $boost again
        kind, colour = user.styles.outline_left
        assert kind == "thick" and colour.rgb == accent.rgb and colour.a < 1


async def test_d_asks_before_a_message_is_deleted(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        await ask(pilot, "hello")
        session = app.playground.current
        pane = app.playground.pane()
        trail.take()
        await pilot.press("ctrl+t", "up", "d")  # the question selected
        await pilot.pause()
        assert trail.take() == ["ChatPane.DeleteRequested"]
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Delete your message: “hello”?" in screen_text(app)
        assert "y: delete · n or escape keeps it" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is app.playground and len(session.messages) == 2
        assert pane.selected_record is session.messages[0]  # still selected
        await pilot.press("d", "escape")
        await pilot.pause()
        assert len(session.messages) == 2
        await pilot.press("down", "d")
        await pilot.pause()
        assert "Delete this answer: “" in screen_text(app)
        assert "Demo model (offline)" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert [m.text for m in session.messages] == ["hello"]
        assert [record_of(w) for w in pane.message_widgets()] == session.messages
        assert trail.take() == ["ChatPane.DeleteRequested", "ChatPane.DeleteRequested"]


async def test_t_opens_and_closes_a_streamed_answers_reasoning(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path(THINKING))
    want = expected(THINKING)["reasoning"]
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=(160, 50)) as pilot:
        await submit(pilot, "Two names for a pet pelican")
        await settle(pilot)
        view = app.query_one(AnswerView)
        block = view.query_one(Collapsible)
        assert block.collapsed  # closed once the answer came
        title = block.query_one(CollapsibleTitle)
        assert title in app.screen.focus_chain  # tab reaches it; enter toggles it there too
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.playground.pane().selected is view
        assert "t Reasoning" in screen_text(app)  # offered in the footer
        await pilot.press("t")
        await pilot.pause()
        assert not block.collapsed
        first = want.split("\n")[0][:30]
        assert first in region_text(app, app.playground.pane())
        await pilot.press("t")
        await pilot.pause()
        assert block.collapsed


def _reasoned_session() -> Session:
    session = Session(model="gpt-4o-mini")
    session.messages.append(SessionMessage(Role.USER, "Name a pelican"))
    session.messages.append(
        SessionMessage(
            Role.ASSISTANT,
            "Percy.",
            reasoning=REASONING,
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
    session.messages.append(SessionMessage(Role.USER, "And another?"))
    session.messages.append(
        SessionMessage(Role.ASSISTANT, "Gus.", provider="openai", model="gpt-4o-mini")
    )
    return session


async def test_t_opens_and_closes_the_reasoning_of_an_answer_from_the_history(
    server: ReplayServer,
) -> None:
    app = replay_playground(server)
    session = _reasoned_session()
    async with app.run_test(size=SIZE) as pilot:
        await app.playground.session_ops.open(session)
        await pilot.pause()
        pane = app.playground.pane()
        reasoned = pane.query(FinishedAnswer).first()
        assert "▸ Reasoning · 11 words · t opens" in region_text(app, reasoned)
        assert REASONING not in region_text(app, reasoned)
        await pilot.press("ctrl+t")  # the last answer, which has none: t is not offered
        await pilot.pause()
        assert pane.check_action("toggle_reasoning", ()) is False
        assert "t Reasoning" not in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert not reasoned.reasoning_open
        await pilot.press("up", "up", "t")
        await pilot.pause()
        assert pane.selected is reasoned and reasoned.reasoning_open
        shown = region_text(app, reasoned)
        assert "▾ Reasoning · 11 words · t closes" in shown
        assert "First I weigh the options." in shown and "Percy." in shown
        await pilot.press("t")
        await pilot.pause()
        assert not reasoned.reasoning_open
        assert "First I weigh" not in region_text(app, reasoned)
        assert isinstance(app.focused, ChatPane)
