"""How fast the real app opens a long session, and what it costs.

Seeds a history database (with :class:`~openmaas_tui.core.history.store.Store`, in a fresh
``OPENMAAS_HOME``) with sessions of 100, 1,000 and 10,000 messages (a user question, then a
Markdown answer of about 300 tokens with a heading, paragraphs, lists, a code fence and a table,
with its model, usage and cost), starts the app built by ``openmaas_tui.cli.main.build_app`` on it,
driven through the Pilot at 160x50, and opens each session from the sidebar's list (its messages
read from the store on the store's worker thread). Each size runs in its own process and its own
history (so its peak RSS is its own). Printed per size:

- open -> shown: from asking the app to open the stored session to the first frame painted
  after the last message's lines were drawn (the end of the conversation on screen), reading
  the messages from the database included; the median and the worst of ``BENCH_REPEATS`` (5)
  sessions of that size opened one after another;
- widgets: message widgets mounted to show it (the rest are mounted as the person goes up);
- one step back: mounting the batch of messages before the first one shown (scrolling to the
  top or selecting upwards), until painted;
- search: the sidebar's search (the store's full-text index, then the list redrawn) over the
  whole history of ``BENCH_REPEATS`` sessions, for a word in every message (``nested``) and for
  a word in one message (``zebra``): the median of 5 runs each;
- peak RSS (``ru_maxrss``) and the RSS added by the open sessions, per session.

Aim: open -> shown < 300 ms.
Run: ``python bench/sessions.py`` (``BENCH_SESSIONS=1000`` runs one size).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = (160, 50)
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SESSIONS", "100,1000,10000").split(","))
"""Messages per session."""
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
"""Sessions of each size opened one after another in the same app (the median and the worst are
printed)."""
ROOT = Path(__file__).resolve().parent.parent


def answer(i: int) -> str:
    """A realistic Markdown answer of about 300 tokens; ``i`` keeps answers distinct."""
    return f"""## Part {i}: what to know

Answers mix *prose*, **emphasis**, `inline code` and [links](https://example.com/{i}) across
several blocks, and the history must show every one of them quickly.

- First point about part {i}, long enough to wrap on a narrow terminal window.
- Second point with a nested list:
  - nested item one
  - nested item two

```python
def part_{i}(values: list[int]) -> int:
    return sum(value * {i} for value in values)
```

| Option | Default | Meaning |
|--------|---------|---------|
| alpha | {i} | how much |
| beta | off | whether |

> A quote to finish part {i}.
"""


def build_session(messages: int) -> Any:
    """A session of ``messages`` messages: questions and answers, oldest first."""
    from openmaas_tui.core.sessions.conversation import Session, SessionMessage
    from openmaas_tui.core.types import FinishReason, Role, Usage

    session = Session(model="gpt-4o-mini")
    for i in range(messages // 2):
        session.messages.append(SessionMessage(Role.USER, f"Tell me about part {i}, please."))
        session.messages.append(
            SessionMessage(
                Role.ASSISTANT,
                answer(i),
                provider="openai",
                model="gpt-4o-mini",
                usage=Usage(input_tokens=120 + i, output_tokens=300),
                cost_usd=0.0002,
                billed=True,
                ttft_ms=310.0,
                duration_ms=4200.0,
                finish_reason=FinishReason.STOP,
            )
        )
    session.rename(f"A session of {messages:,} messages")
    return session


def seed(messages: int, sessions: int) -> None:
    """Write ``sessions`` sessions of ``messages`` messages to the history in force; the last
    message of the last one holds the word ``zebra``."""
    from openmaas_tui.core.config.paths import resolve_paths
    from openmaas_tui.core.history.records import StoredSession
    from openmaas_tui.core.history.store import Store
    from openmaas_tui.core.sessions.store_map import stored_message

    store = Store(resolve_paths().history_db)
    try:
        for n in range(sessions):
            session = build_session(messages)
            if n == sessions - 1:
                session.messages[-1].content = f"{session.messages[-1].text}\nA zebra.\n"
            head = StoredSession("", session.title, True, n, n, "openai", "gpt-4o-mini")
            rows = [stored_message(m, "", i) for i, m in enumerate(session.messages)]
            store.import_session(head, rows)
    finally:
        store.close()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def run_app(messages: int) -> dict[str, Any]:
    """Open a session of ``messages`` messages in the real app; the figures as a dict."""
    from openmaas_tui.cli.main import build_app
    from openmaas_tui.ui.app import PlaygroundApp
    from openmaas_tui.ui.widgets.chat_pane import ChatPane
    from openmaas_tui.ui.widgets.message_view import FinishedAnswer

    argv = ["--provider", "openai", "--base-url", "http://127.0.0.1:9", "-m", "gpt-4o-mini"]
    app = build_app([*argv, "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    frames: list[float] = []
    display = app._display

    def counted(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = counted  # type: ignore[method-assign]

    async def painted_after(check: Any) -> float:
        """The first frame after ``check()`` became true."""
        while not check():
            await asyncio.sleep(0.001)
        drawn = time.perf_counter()
        while not frames or frames[-1] < drawn:
            await asyncio.sleep(0.001)
        return next(f for f in frames if f >= drawn)

    seed(messages, REPEATS)
    opens: list[float] = []
    steps: list[float] = []
    searches: dict[str, list[float]] = {"nested": [], "zebra": []}
    widgets = 0
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        sessions = [s for s in app.playground.book.ordered() if s.store_id is not None]
        assert len(sessions) == REPEATS and not any(s.loaded for s in sessions)
        rss_before = _rss_mb()
        for session in sessions:
            await pilot.pause(0.05)
            t0 = time.perf_counter()
            await app.playground.session_ops.open(session)
            pane = app.playground.pane(session)

            def last_drawn(pane: ChatPane = pane) -> bool:
                widgets = pane.message_widgets()
                last = widgets[-1] if widgets else None
                return isinstance(last, FinishedAnswer) and bool(last.lines) and pane.scroll_y > 0

            opens.append((await painted_after(last_drawn)) - t0)
            widgets = len(pane.message_widgets())
            assert pane.scroll_y == pane.max_scroll_y, "the end is not shown"
            await pilot.pause(0.05)
            t1 = time.perf_counter()
            await pane.show_earlier()
            more = await painted_after(lambda p=pane, n=widgets: len(p.message_widgets()) > n)
            steps.append(more - t1)
        rss_session = (_rss_mb() - rss_before) / REPEATS
        for word, times in searches.items():
            for _ in range(5):
                t2 = time.perf_counter()
                app.playground.sidebar.search_query = word
                await app.playground.refresh_sessions()
                times.append(time.perf_counter() - t2)
                listed = app.playground.sidebar.rows.held_sessions()
                found = [s for s in listed if s in app.playground.book]
                assert len(found) == (REPEATS if word == "nested" else 1), word
                app.playground.sidebar.search_query = ""
                await app.playground.refresh_sessions()
        return {
            "messages": messages,
            "open_ms": sorted(o * 1000 for o in opens),
            "widgets": widgets,
            "step_back_ms": sorted(s * 1000 for s in steps),
            "search_ms": {w: statistics.median(t) * 1000 for w, t in searches.items()},
            "session_rss_mb": rss_session,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def in_subprocess(messages: int) -> dict[str, Any]:
    """Run one measurement in its own process (so its peak RSS is its own)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(messages)]
    with tempfile.TemporaryDirectory(prefix="openmaas-bench-") as home:
        env = {**os.environ, "OPENMAAS_HOME": home}
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--one", type=int, metavar="MESSAGES", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(run_app(args.one))))
        return
    print(f"openMaaS sessions benchmark, {SIZE[0]}x{SIZE[1]}, answers of about 300 tokens")
    for messages in SIZES:
        r = in_subprocess(messages)
        opens, steps = r["open_ms"], r["step_back_ms"]
        print(
            f"{messages:>6,} messages: open->shown median {statistics.median(opens):.0f} ms "
            f"(worst {opens[-1]:.0f}) · {r['widgets']} widgets mounted · one step back median "
            f"{statistics.median(steps):.0f} ms (worst {steps[-1]:.0f}) · search "
            f"{REPEATS * messages:,} messages: 'nested' {r['search_ms']['nested']:.0f} ms, "
            f"'zebra' {r['search_ms']['zebra']:.0f} ms · session in memory "
            f"{r['session_rss_mb']:.1f} MB · peak RSS {r['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
