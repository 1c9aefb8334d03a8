"""How the compare screen holds up with 8 targets streaming at once.

Drives the app built by ``openmaas_tui.cli.main.build_app`` through the Pilot at 160x50: the compare
screen with 8 targets (8 model names on one loopback server in another process, OpenAI
``chat.completion.chunk`` events, one token per event) each streaming a 2,000-token Markdown
answer at 200 tokens/s, paced by the clock. Printed:

- event-loop lag p50 / p99 / max: a 10 ms timer in the app's loop measuring its own lateness,
  from enter to the last token shown;
- CPU seconds of the app's process over that span (``time.process_time``);
- peak RSS (``ru_maxrss``);
- last byte -> shown: from the server writing the last byte of the last stream to the first
  frame after every column's lines last changed;
- frames rendered and the columns' final counters.

Aims (issue 7): loop p99 under 50 ms, last byte -> shown under 100 ms.
Run: ``python bench/compare.py`` (``BENCH_TARGETS``, ``BENCH_TOKENS``, ``BENCH_RATE`` override).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support
from stream import LoopLag, answer_tokens  # noqa: E402  (bench/stream.py)

SIZE = (160, 50)
TARGETS = int(os.environ.get("BENCH_TARGETS", "8"))
TOKENS = int(os.environ.get("BENCH_TOKENS", "2000"))
RATE = float(os.environ.get("BENCH_RATE", "200"))
"""Tokens per second per stream."""
ROOT = Path(__file__).resolve().parent.parent


async def serve(targets: int, tokens: int, rate: float) -> None:
    """Serve ``targets`` paced streams (one per request) from this process; print the URL,
    then ``last_byte <perf_counter>`` as each stream writes its last byte."""
    from tests.support.server import LoopbackServer, Reply, Request
    from tests.support.synth import openai_chunks

    chunks = openai_chunks(answer_tokens(tokens), model="bench", input_tokens=9)
    done = asyncio.Event()
    finished = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal finished
        start = time.perf_counter()
        for i, chunk in enumerate(chunks):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            yield chunk
        print(f"last_byte {time.perf_counter()}", flush=True)
        finished += 1
        if finished == targets:
            done.set()

    def answer(request: Request) -> Reply:
        return Reply(content_type="text/event-stream", stream=body())

    server = LoopbackServer(answer)
    await server.start()
    print(server.url, flush=True)
    await done.wait()
    await asyncio.sleep(0.5)
    await server.stop()


async def run_app(targets: int, tokens: int, rate: float) -> dict[str, Any]:
    """Race ``targets`` streams in the real compare screen; the figures as a dict."""
    from openmaas_tui.cli.main import build_app
    from openmaas_tui.core.compare.lane import CompareTarget
    from openmaas_tui.ui.markdown.column import ColumnMarkdown
    from openmaas_tui.ui.screens.compare_screen import CompareScreen
    from openmaas_tui.ui.widgets.summary_table import CompareSummary

    server = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--serve",
        str(targets),
        str(tokens),
        str(rate),
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    assert server.stdout is not None
    url = (await server.stdout.readline()).decode().strip()
    app = build_app(["--provider", "openai", "--base-url", url, "-m", "bench-1", "--no-keyring"])
    frames: list[float] = []
    display = app._display

    def counted(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = counted  # type: ignore[method-assign]
    drawn: list[float] = []
    redraw = ColumnMarkdown._redraw

    def timed_redraw(self: ColumnMarkdown) -> None:
        redraw(self)
        drawn.append(time.perf_counter())

    ColumnMarkdown._redraw = timed_redraw  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = CompareScreen(
                app.services,  # type: ignore[attr-defined]
                targets=[
                    CompareTarget(f"bench-{i + 1}", provider="openai", base_url=url)
                    for i in range(targets)
                ],
            )
            await app.push_screen(screen)
            await pilot.press(*"Write a long answer")
            await pilot.pause()
            await app.workers.wait_for_complete()
            lag = LoopLag()
            cpu0, t0 = time.process_time(), time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            assert screen.run is not None
            while not screen.run.finished:
                await asyncio.sleep(0.005)
            await app.workers.wait_for_complete()  # the columns' final renders
            final_draw = drawn[-1]
            while not frames or frames[-1] < final_draw:
                await asyncio.sleep(0.002)
            shown = next(f for f in frames if f >= final_draw)
            cpu = time.process_time() - cpu0
            lag.stop()
            summary = screen.query_one(CompareSummary)
            for _ in range(200):  # the counters' last update comes with the summary
                if summary.has_class("-shown"):
                    break
                await asyncio.sleep(0.005)
            last_bytes = [
                float((await server.stdout.readline()).decode().split()[1]) for _ in range(targets)
            ]
            want = "".join(answer_tokens(tokens))
            for column in screen.columns:
                assert column.answer.source == want, "an answer arrived incomplete"
            return {
                "targets": targets,
                "tokens": tokens,
                "rate": rate,
                "submit_to_shown_s": shown - t0,
                "last_byte_to_shown_ms": (shown - max(last_bytes)) * 1000,
                "cpu_s": cpu,
                "loop_lag": lag.summary(),
                "frames": sum(1 for f in frames if t0 <= f <= shown),
                "counters": [str(c.counters.content).replace("\n", " | ") for c in screen.columns],
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
    finally:
        ColumnMarkdown._redraw = redraw  # type: ignore[method-assign]
        await server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", nargs=3, metavar=("TARGETS", "TOKENS", "RATE"))
    parser.add_argument("--one", action="store_true", help="measure in this process")
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(int(args.serve[0]), int(args.serve[1]), float(args.serve[2])))
        return
    if args.one:
        print(json.dumps(asyncio.run(run_app(TARGETS, TOKENS, RATE))))
        return
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(
        f"openMaaS compare benchmark, {SIZE[0]}x{SIZE[1]}: {r['targets']} targets x "
        f"{r['tokens']:,} tokens at {r['rate']:.0f} tok/s each"
    )
    print(f"loop lag {r['loop_lag']} · CPU {r['cpu_s']:.2f} s · peak RSS {r['peak_rss_mb']:.0f} MB")
    print(
        f"submit->all shown {r['submit_to_shown_s']:.2f} s · last byte->shown "
        f"{r['last_byte_to_shown_ms']:.0f} ms · frames {r['frames']}"
    )
    for line in r["counters"][:2]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
