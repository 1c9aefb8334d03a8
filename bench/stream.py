"""How fast the real app shows a long streamed answer, and what it costs.

Drives the app built by ``openmaas_tui.cli.main.build_app`` through the Pilot at 160x50 against a
loopback server that sends a Markdown answer (headings, paragraphs, lists, code fences, tables)
of 2,000 and of 20,000 tokens at full speed, one token per SSE event in OpenAI's
``chat.completion.chunk`` format with a final usage chunk. Each size runs in its own process
(so its peak RSS is its own). Printed per size:

- submit -> shown: from pressing enter to the first frame after the answer's lines last changed
  (the whole answer drawn);
- last byte -> shown: from the server writing its last byte to that frame;
- CPU seconds of the app's process over that span (``time.process_time``);
- event-loop lag p50 / p99 / max: a 10 ms timer in the app's loop measuring its own lateness;
- frames: screen updates the app rendered (``App._display`` calls);
- peak RSS (``ru_maxrss``).

Then the cold start: a fresh interpreter building the app and reaching its first paint.
``--bare`` adds, for comparison, the same tokens written through Textual's ``MarkdownStream``
into one ``Markdown`` widget (no network). Run: ``python bench/stream.py [--bare]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

SIZE = (160, 50)
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "2000,20000").split(","))
"""Answer lengths in tokens (``BENCH_SIZES=2000`` runs one)."""
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.support: the loopback servers


def section(i: int) -> str:
    """One varied stretch of an answer; ``i`` keeps the sections distinct."""
    return f"""## Part {i}: what to know

Streaming answers mix *prose*, **emphasis**, `inline code` and [links](https://example.com/{i})
across many blocks, and a renderer must keep up with every one of them without stalling.

- First point about part {i}, long enough to wrap on a narrow terminal window.
- Second point with a nested list:
  - nested item one
  - nested item two
- Third point.

1. Install the package.
2. Run the command.
3. Read the output.

```python
def part_{i}(values: list[int]) -> int:
    total = 0
    for value in values:
        total += value * {i}
    return total
```

| Option | Default | Meaning |
|--------|---------|---------|
| alpha | {i} | how much |
| beta | off | whether |

> A quote to finish part {i}, with a second sentence for good measure.

"""


def answer_tokens(count: int) -> list[str]:
    """``count`` token-like pieces (a word with its leading space, punctuation, newlines)."""
    pieces: list[str] = []
    i = 0
    while len(pieces) < count:
        pieces += re.findall(r" ?\w+| ?[^\w\s]+|\s+?", section(i))
        i += 1
    return pieces[:count]


class LoopLag:
    """A 10 ms timer on the running loop recording how late each tick fires, in ms."""

    def __init__(self, interval_s: float = 0.01) -> None:
        self.interval_s = interval_s
        self.lags_ms: list[float] = []
        self._loop = asyncio.get_running_loop()
        self._due = self._loop.time() + interval_s
        self._handle = self._loop.call_at(self._due, self._tick)

    def _tick(self) -> None:
        now = self._loop.time()
        self.lags_ms.append((now - self._due) * 1000)
        self._due = now + self.interval_s
        self._handle = self._loop.call_at(self._due, self._tick)

    def stop(self) -> None:
        self._handle.cancel()

    def summary(self) -> str:
        lags = sorted(self.lags_ms) or [0.0]
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        return f"p50 {statistics.median(lags):.1f} / p99 {p99:.1f} / max {lags[-1]:.1f} ms"


async def serve(tokens: int) -> None:
    """Serve the answer of ``tokens`` tokens from this process (a provider is another machine;
    a server thread in the app's process would compete with it for the interpreter lock).
    Prints the URL, then ``last_byte <perf_counter>`` once the last piece is written
    (``perf_counter`` is the system-wide monotonic clock on Linux)."""
    from tests.support.replay import ReplayServer
    from tests.support.server import Reply
    from tests.support.synth import openai_chunks

    chunks = openai_chunks(answer_tokens(tokens), model="bench-model", input_tokens=9)
    done = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk
        print(f"last_byte {time.perf_counter()}", flush=True)  # resumed: the last was written
        done.set()

    server = ReplayServer()
    await server.start()
    server.default = Reply(content_type="text/event-stream", stream=body())
    print(server.url, flush=True)
    await done.wait()
    await asyncio.sleep(0.5)
    await server.stop()


async def run_app(tokens: int) -> dict[str, Any]:
    """Stream ``tokens`` tokens into the real app; the figures as a dict."""
    from openmaas_tui.cli.main import build_app
    from openmaas_tui.core.http import transport_ready
    from openmaas_tui.ui.app import PlaygroundApp
    from openmaas_tui.ui.markdown.live import LiveMarkdown
    from openmaas_tui.ui.widgets.answer import AnswerView

    pieces = answer_tokens(tokens)
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--serve",
        str(tokens),
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    assert server.stdout is not None
    url = (await server.stdout.readline()).decode().strip()
    argv = ["--provider", "openai", "--base-url", url, "-m", "bench-model", "--no-keyring"]
    app = build_app(argv)
    assert isinstance(app, PlaygroundApp)
    frames: list[float] = []
    display = app._display

    def counted(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = counted  # type: ignore[method-assign]
    # When the answer's lines last changed: "shown" is the first frame after the last change.
    drawn: list[float] = []
    redraw = LiveMarkdown._redraw

    def timed_redraw(self: LiveMarkdown) -> None:
        redraw(self)
        drawn.append(time.perf_counter())

    LiveMarkdown._redraw = timed_redraw  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"Write a long answer")
            await pilot.pause()
            # As a person would while typing: let start-up work (tokenizer warm-up, model
            # discovery, the HTTP client's transport) finish before sending.
            await app.workers.wait_for_complete()
            await transport_ready(app.services.client)
            lag = LoopLag()
            cpu0, t0 = time.process_time(), time.perf_counter()
            await pilot.press("enter")
            view: AnswerView | None = None
            while view is None or not view.done:
                await asyncio.sleep(0.005)
                found = app.query(AnswerView)
                view = found.last() if found else None
            final_draw = drawn[-1]
            while not frames or frames[-1] < final_draw:
                await asyncio.sleep(0.002)
            shown = next(f for f in frames if f >= final_draw)
            cpu = time.process_time() - cpu0
            lag.stop()
            last_byte = float((await server.stdout.readline()).decode().split()[1])
            assert view.completion().text == "".join(pieces), "the answer arrived incomplete"
            assert view.answer.source == "".join(pieces)
            frame_count = sum(1 for f in frames if t0 <= f <= shown)
            return {
                "tokens": tokens,
                "submit_to_shown_s": shown - t0,
                "last_byte_to_shown_s": shown - last_byte,
                "cpu_s": cpu,
                "loop_lag": lag.summary(),
                "frames": frame_count,
                "updates": view.answer.updates,
                "lines": len(view.answer.lines),
                "counters": view.counters,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
    finally:
        LiveMarkdown._redraw = redraw  # type: ignore[method-assign]
        await server.wait()


async def run_bare(tokens: int) -> dict[str, Any]:
    """The same tokens through Textual's MarkdownStream into one Markdown widget."""
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Markdown

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            with VerticalScroll():
                yield Markdown()

    pieces = answer_tokens(tokens)
    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(VerticalScroll).anchor()
        markdown = app.query_one(Markdown)
        lag = LoopLag()
        cpu0, t0 = time.process_time(), time.perf_counter()
        stream = Markdown.get_stream(markdown)
        for piece in pieces:
            await stream.write(piece)
        await stream.stop()
        await pilot.pause()
        lag.stop()
        return {
            "tokens": tokens,
            "submit_to_shown_s": time.perf_counter() - t0,
            "cpu_s": time.process_time() - cpu0,
            "loop_lag": lag.summary(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


COLD_START = """
import time, sys
from openmaas_tui.cli.main import build_app
app = build_app(["--provider", "openai", "--base-url", "http://127.0.0.1:9", "-m", "bench-model",
                 "--no-keyring"])
def painted():
    print(time.time(), flush=True)
    app.exit()
app.call_after_refresh(painted)
app.run(headless=True, size=(160, 50))
"""


def cold_start_s() -> float:
    """Seconds from spawning a fresh interpreter to the app's first paint (best of 3)."""
    best = float("inf")
    for _ in range(3):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", COLD_START], capture_output=True, text=True, check=True
        ).stdout
        best = min(best, float(out.split()[0]) - start)
    return best


def in_subprocess(kind: str, tokens: int) -> dict[str, Any]:
    """Run one measurement in its own process (so its peak RSS is its own)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", kind, str(tokens)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bare", action="store_true", help="also time a bare MarkdownStream")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "TOKENS"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, metavar="TOKENS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    if args.one:
        kind, tokens = args.one[0], int(args.one[1])
        runner = run_app if kind == "app" else run_bare
        print(json.dumps(asyncio.run(runner(tokens))))
        return
    print(f"openMaaS streaming benchmark, {SIZE[0]}x{SIZE[1]}, one token per SSE event")
    for tokens in SIZES:
        r = in_subprocess("app", tokens)
        print(
            f"{tokens:>6,} tokens: submit->shown {r['submit_to_shown_s']:.2f} s · "
            f"last byte->shown {r['last_byte_to_shown_s'] * 1000:.0f} ms · "
            f"CPU {r['cpu_s']:.2f} s · loop lag {r['loop_lag']} · frames {r['frames']} · "
            f"renders {r['updates']} · lines {r['lines']:,} · peak RSS {r['peak_rss_mb']:.0f} MB"
        )
        print(f"        counters: {r['counters']}")
    print(f"cold start to first screen: {cold_start_s():.2f} s")
    if args.bare:
        for tokens in SIZES:
            r = in_subprocess("bare", tokens)
            print(
                f"bare MarkdownStream {tokens:>6,} tokens: {r['submit_to_shown_s']:.2f} s · "
                f"CPU {r['cpu_s']:.2f} s · loop lag {r['loop_lag']} · "
                f"peak RSS {r['peak_rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
