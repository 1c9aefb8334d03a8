"""Driving the playground through the Pilot, one copy for every UI test: building the app (on a
replay server or the offline demo), typing and sending a prompt, waiting for answers, workers and
the estimate to settle, reading what widgets show, and recording the app's message trail.

Every wait here waits for a condition and gives up after :data:`WAIT_S` with an
``AssertionError`` that says what never happened; none sleeps a fixed time.

Nothing here imports pytest or the conftest: a child process (``python -c``) may use it too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.cost_screen import CostScreen
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.estimate_line import EstimateLine
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.session_rows import row_text
from openmaas_tui.ui.widgets.status_line import StatusLine
from tests.support.replay import ReplayServer

WAIT_S = 30.0
"""The longest any wait here lasts, in seconds: far beyond what a busy machine needs."""

FAST_DEMO = "demo_tokens_per_s = 100000\n"
"""A ``config.toml`` line that makes the demo model answer at once."""

# -- building the app -------------------------------------------------------------------------


def playground(argv: list[str]) -> PlaygroundApp:
    """The app ``openmaas ARGV…`` opens, keeping keys in memory (``--no-keyring``)."""
    app = build_app([*argv, "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    return app


def replay_playground(
    server: ReplayServer, provider: str = "openai", model: str = "gpt-4o-mini"
) -> PlaygroundApp:
    """The playground asking ``provider``'s ``model`` at ``server`` (``--base-url``)."""
    return playground(["--provider", provider, "--base-url", server.url, "-m", model])


def use_fast_demo(home: Path, config: str = "") -> None:
    """Write ``home/config.toml``: the demo model answering at once, then ``config``."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(FAST_DEMO + config, encoding="utf-8")


def demo_playground(home: Path) -> PlaygroundApp:
    """The playground on the fast demo model, with ``home`` as OPENMAAS_HOME."""
    use_fast_demo(home)
    return playground(["--demo"])


# -- waiting ----------------------------------------------------------------------------------


async def wait_until(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    *,
    what: str = "the condition",
    step_s: float = 0.01,
    timeout_s: float = WAIT_S,
    repaint: bool = True,
) -> None:
    """Let the app run until ``condition()`` is true, checking every ``step_s`` seconds.

    Args:
        pilot: the running app's pilot.
        condition: checked before each step; may assert on what it sees.
        what: what is awaited, for the failure message.
        step_s: seconds between checks.
        timeout_s: seconds before giving up.
        repaint: step with ``pilot.pause`` (which also refreshes the screen); False lets time
            pass only, so what the screen shows is what the app drew on its own.

    Raises:
        AssertionError: naming ``what`` when it is still false after ``timeout_s`` seconds.
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s:g} s")
        if repaint:
            await pilot.pause(step_s)
        else:
            await asyncio.sleep(step_s)


async def workers_done(app: App[Any], *, timeout_s: float = WAIT_S) -> None:
    """Wait for the app's workers that exist now (all nodes' workers) to end."""
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                try:
                    await app.workers.wait_for_complete()
                    break
                except WorkerCancelled:  # one was cancelled (a newer one replaced it): wait on
                    continue
    except TimeoutError:
        running = ", ".join(repr(w) for w in app.workers)
        raise AssertionError(f"workers still running after {timeout_s:g} s: {running}") from None


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and no answer streams (workers that end may start others),
    then let the screen catch up with what they did."""
    app = pilot.app
    deadline = time.monotonic() + WAIT_S
    while True:
        await workers_done(app)
        await pilot.pause()
        if not app.workers and not any(not v.done for v in app.query(AnswerView)):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"the app never settled: {list(app.workers)}")
    await pilot.pause()


async def submit(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into the focused prompt and press enter; nothing is awaited after."""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def ask(pilot: Pilot[Any], text: str) -> AnswerView:
    """Type ``text`` into the focused prompt (``""`` sends what it holds), press enter and
    wait until the answer has ended and the app has settled.

    Returns:
        The answer's view (the one not there before).
    """
    before = list(pilot.app.query(AnswerView))
    await submit(pilot, text)
    await wait_until(pilot, lambda: new_answers(pilot.app, before), what=f"an answer to {text!r}")
    await settle(pilot)
    return new_answers(pilot.app, before)[-1]


def new_answers(app: App[Any], before: list[AnswerView]) -> list[AnswerView]:
    """The answer views mounted in the app that are not in ``before``."""
    return [v for v in app.query(AnswerView) if not any(v is old for old in before)]


async def settled_estimate(pilot: Pilot[Any]) -> str:
    """The estimate line once it shows the count of what would be sent now (its debounce
    runs on a timer, the count in a thread), after every worker has ended."""
    line = pilot.app.query_one(EstimateLine)

    def counted() -> bool:
        draft = line.draft()
        return draft is not None and line.latest is not None and line.latest[0] == draft.key

    deadline = time.monotonic() + WAIT_S
    while True:  # the workers first: a count asked of the provider is one
        await pilot.pause(0.05)
        await workers_done(pilot.app)
        if counted():
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"the estimate never counted the draft: {line.render()}")
    await pilot.pause()
    return str(line.render())


async def open_costs(pilot: Pilot[Any]) -> CostScreen:
    """Press f4 and wait for the cost screen's report."""
    await pilot.press("f4")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CostScreen)
    await workers_done(pilot.app)
    await pilot.pause()
    return screen


# -- reading what is shown --------------------------------------------------------------------


def status_text(app: App[Any]) -> str:
    """The status line, as text."""
    return str(app.query_one(StatusLine).render())


def notes(app: App[Any]) -> list[str]:
    """The notifications shown so far, oldest first."""
    return [n.message for n in app._notifications]


def listed_sessions(app: App[Any]) -> list[Session]:
    """The sessions the sidebar holds (all of a short list), top first."""
    return app.query_one(SessionList).rows.held_sessions()


def listed_titles(app: App[Any]) -> list[str]:
    """The titles of the sessions the sidebar holds (all of a short list), top first."""
    return [session.title for session in app.query_one(SessionList).rows.held_sessions()]


def listed_items(app: App[Any]) -> list[str]:
    """The sidebar's entries as shown (title, then cost and model), top first."""
    return [row_text(s) for s in app.query_one(SessionList).rows.held_sessions()]


def screen_lines(app: App[Any]) -> list[str]:
    """What the terminal shows, line by line (the compositor's lines: what a frame paints)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as one text (see :func:`screen_lines`)."""
    return "\n".join(screen_lines(app))


def region_text(app: App[Any], widget: Widget) -> str:
    """The lines of the screen ``widget`` covers, right-trimmed, as text."""
    lines = screen_lines(app)[widget.region.y : widget.region.bottom]
    return "\n".join(line.rstrip() for line in lines)


def palette_hits(app: App[Any]) -> bool:
    """Whether the command palette lists a command for what is typed in it (it searches in
    the background)."""
    lists = app.screen.query("CommandList")
    return bool(lists) and lists.first().option_count > 0  # type: ignore[attr-defined]


# -- the message trail ------------------------------------------------------------------------


class MessageTrail:
    """A ``message_hook`` for :meth:`App.run_test` keeping the app's own messages (classes
    defined in ``openmaas_tui``) in the order they were first dispatched, each once however
    far it bubbles, so the trail does not depend on which node handles them."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._seen: dict[int, Message] = {}  # every message recorded, kept alive: ids stay unique

    def __call__(self, message: Message) -> None:
        if not type(message).__module__.startswith("openmaas_tui."):
            return
        if id(message) not in self._seen:
            self._seen[id(message)] = message
            self.messages.append(message)

    def names(self) -> list[str]:
        """The messages' class names with their widget (``PromptArea.Submitted``)."""
        return [type(m).__qualname__ for m in self.messages]

    def take(self) -> list[str]:
        """The names so far; the trail starts afresh."""
        names = self.names()
        self.messages.clear()  # still seen: one bubbling on is not recorded again
        return names
