"""The playground's message trail: the app's own messages, in order, for a send, a stop mid-answer
and a regenerate. A change in how the playground reacts to a person shows up here as a diff.

Only message classes defined in ``openmaas_tui`` are kept, each once however far it bubbles, so
the trail says what happened and not which node handled it.
"""

from __future__ import annotations

from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.prompt import PromptArea
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    MessageTrail,
    ask,
    new_answers,
    replay_playground,
    settle,
    submit,
    wait_until,
)

SIZE = (160, 50)
SLOW = [f"word{i} " for i in range(400)]
"""An answer of 400 pieces, 10 ms apart: four seconds, long enough to stop it midway."""


def _finished(trail: MessageTrail) -> AnswerView:
    """The view of the last ``AnswerView.Finished`` in the trail."""
    message = trail.messages[-1]
    assert isinstance(message, AnswerView.Finished)
    return message.view


async def test_send_stop_and_regenerate_leave_their_trail(server: ReplayServer) -> None:
    server.default = openai_stream_reply(["Hello", " there."])
    app = replay_playground(server)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        await settle(pilot)
        assert trail.take() == []  # starting up posts none of the app's own messages

        await ask(pilot, "hi")
        assert trail.names() == ["PromptArea.Submitted", "AnswerView.Finished"]
        submitted = trail.messages[0]
        assert isinstance(submitted, PromptArea.Submitted) and submitted.text == "hi"
        answer = _finished(trail)
        assert answer.completion().text == "Hello there." and not answer.stopped
        trail.take()

        # escape mid-answer: the stop is an action, the answer still ends with Finished
        server.queue(openai_stream_reply(SLOW, chunk_delay_s=0.01))
        before = list(app.query(AnswerView))
        await submit(pilot, "count slowly")
        await wait_until(pilot, lambda: new_answers(app, before), what="the slow answer")
        (slow,) = new_answers(app, before)
        await wait_until(pilot, lambda: "word3 " in slow.completion().text, what="word3")
        await pilot.press("escape")
        await settle(pilot)
        assert trail.names() == ["PromptArea.Submitted", "AnswerView.Finished"]
        assert _finished(trail) is slow and slow.stopped
        assert len(slow.completion().text) < len("".join(SLOW))
        trail.take()

        # ctrl+r asks again at once; `r` on the selected messages goes through the pane
        server.queue(openai_stream_reply(["Counted."]))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert trail.names() == ["AnswerView.Finished"]
        assert _finished(trail).completion().text == "Counted."
        trail.take()
        server.queue(openai_stream_reply(["Counted again."]))
        await pilot.press("ctrl+t", "r")
        await settle(pilot)
        assert trail.names() == ["ChatPane.RegenerateRequested", "AnswerView.Finished"]
        again = _finished(trail)
        assert again.completion().text == "Counted again." and not again.stopped
        assert [m.text for m in app.playground.current.messages] == [
            "hi",
            "Hello there.",
            "count slowly",
            "Counted again.",
        ]
