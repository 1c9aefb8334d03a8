"""Streaming is each chat's own: while chat A streams, chat B does not say so (the status line
counts A as another chat streaming), escape stops the chat shown and ctrl+g (or the palette's
"Stop all") stops every chat. The answers come slowly from a loopback replay server, so A is
still streaming when the person moves to B."""

from __future__ import annotations

from textual.pilot import Pilot

from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.widgets.answer import AnswerView
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    MessageTrail,
    new_answers,
    palette_hits,
    replay_playground,
    settle,
    status_text,
    submit,
    wait_until,
)

SIZE = (160, 50)
SLOW = [f"word{i} " for i in range(600)]
"""An answer of 600 pieces, 20 ms apart: twelve seconds, far longer than the steps here."""

HERE = "streaming… (esc stops)"


async def start_slow(pilot: Pilot[None], server: ReplayServer, text: str) -> AnswerView:
    """Send ``text``; return its answer once it is streaming."""
    app = pilot.app
    server.queue(openai_stream_reply(SLOW, chunk_delay_s=0.02))
    before = list(app.query(AnswerView))
    await submit(pilot, text)
    await wait_until(pilot, lambda: new_answers(app, before), what=f"the answer to {text!r}")
    (view,) = new_answers(app, before)
    await wait_until(pilot, lambda: "word3 " in view.completion().text, what="word3")
    return view


async def new_chat(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+n")
    await pilot.pause()


async def test_chat_b_does_not_stream_while_a_does_and_escape_stops_the_chat_shown(
    server: ReplayServer,
) -> None:
    app = replay_playground(server)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        assert isinstance(app, PlaygroundApp)
        a = await start_slow(pilot, server, "chat a")
        assert HERE in status_text(app)
        await new_chat(pilot)
        assert app.playground.current.title == "New chat"
        status = status_text(app)
        assert HERE not in status and "1 other chat streaming" in status
        await pilot.press("escape")  # nothing streams in B: A goes on
        await pilot.pause()
        assert not a.done and a.meter.finished_at is None
        assert "AnswerView.Finished" not in trail.names()
        await pilot.press("ctrl+s", "down", "enter")  # back to A
        await pilot.pause()
        assert app.playground.current.title == "chat a"
        assert HERE in status_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert a.stopped and "AnswerView.Finished" in trail.names()
        assert HERE not in status_text(app) and "other chat" not in status_text(app)


async def test_ctrl_g_stops_every_chat(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        a = await start_slow(pilot, server, "chat a")
        await new_chat(pilot)
        b = await start_slow(pilot, server, "chat b")
        status = status_text(app)
        assert HERE in status and "1 other chat streaming" in status
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert a.stopped and b.stopped
        assert len(a.completion().text) < len("".join(SLOW))
        assert "streaming" not in status_text(app)


async def test_the_palettes_stop_all_stops_every_chat(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        a = await start_slow(pilot, server, "chat a")
        await new_chat(pilot)
        b = await start_slow(pilot, server, "chat b")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Stop all")
        await wait_until(pilot, lambda: palette_hits(app), what="the palette's hits")
        await pilot.press("down", "enter")  # highlight the hit, run it
        await wait_until(pilot, lambda: a.done and b.done, what="both answers ended")
        assert a.stopped and b.stopped
