"""How the playground copes with a long history: start-up and the sidebar's steps.

Seeds a history of 0 (the empty baseline), 100, 10,000 and 100,000 sessions (two questions
and two answers each, written with ``executemany`` in one transaction into a temporary
``OPENMAAS_HOME``), then prints for each:

- cold start: a fresh interpreter building the app (``openmaas --demo``) headless at 160x50
  until the first screen is ready: the history attached and its newest session's title
  painted in the sidebar (best of ``--repeat``), with that process's peak RSS;
- in another process driving the app through the Pilot (ms from the key to the condition
  seen on screen): open the newest session from the list (``ctrl+s down enter``), ``ctrl+n``,
  the list to its end (``end``: the oldest session's title painted), and a search that finds
  one session by a word of its answer;
- that process's peak RSS.

``--code DIR`` runs the app from another checkout (``--code ../other-clone``) to compare. Run:
``python bench/history.py [--sizes 0,100,10000,100000] [--repeat 3] [--code DIR]``.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (160, 50)
MESSAGES = 4
"""Messages per session: two questions and two answers."""


def title(i: int) -> str:
    """The title of session ``i`` (0 the oldest)."""
    return f"chat {i:06d}"


def seed(home: Path, count: int) -> None:
    """Write ``count`` sessions into ``home``'s history in one transaction."""
    from openmaas_tui.core.config.paths import resolve_paths
    from openmaas_tui.core.history.records import StoredSession
    from openmaas_tui.core.history.rows import (
        INSERT_MESSAGE,
        INSERT_SESSION,
        NEW_MESSAGE,
        session_row,
    )
    from openmaas_tui.core.history.store import Store

    os.environ["OPENMAAS_HOME"] = str(home)
    (home / "config.toml").write_text("demo_tokens_per_s = 100000\n", encoding="utf-8")
    store = Store(resolve_paths().history_db)
    start = time.time() - 60 * count - 3600

    def fill(conn: Any) -> None:
        sessions, messages = [], []
        for i in range(count):
            sid, at = f"{i:032x}", start + 60 * i
            head = StoredSession(sid, title(i), True, at, at, "demo", "demo")
            sessions.append(session_row(head, sid))
            for p in range(MESSAGES):
                role = "user" if p % 2 == 0 else "assistant"
                text = f"question {i} part {p}" if p % 2 == 0 else f"answer{i} about tables {p}"
                messages.append(
                    NEW_MESSAGE
                    | dict(session_id=sid, position=p, role=role, content=text)
                    | dict(attachments="[]", params="{}", created_at=at, state="complete")
                    | ({"cost_usd": 0.001, "output_tokens": 20} if role == "assistant" else {})
                )
        conn.executemany(INSERT_SESSION, sessions)
        conn.executemany(INSERT_MESSAGE, messages)

    store.write(fill)
    store.close()


def peak_rss_mb() -> float:
    """This process's peak RSS in MB: ``VmHWM``, its own (``ru_maxrss`` keeps the peak of a
    parent that forked it across ``exec``, here the seeding's)."""
    import resource

    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


COLD_START = (
    inspect.getsource(peak_rss_mb)
    + r"""
import json, sys, time
t0, newest = float(sys.argv[1]), sys.argv[2]
from openmaas_tui.cli.main import build_app
app = build_app(["--demo", "--no-keyring"])
def ready():
    if app.playground.book.store is None:
        return
    if newest and newest not in "\n".join(s.text for s in app.screen._compositor.render_strips()):
        return
    rss = peak_rss_mb()
    print(json.dumps({"ready_s": time.time() - t0, "rss_mb": rss}), flush=True)
    app.exit()
app.call_after_refresh(lambda: app.set_interval(0.005, ready))
app.run(headless=True, size=(160, 50))
"""
)


def cold_start(env: dict[str, str], newest: str, repeat: int) -> dict[str, float]:
    """The best of ``repeat`` cold starts to the first screen, and that run's peak RSS."""
    best: dict[str, float] = {"ready_s": float("inf"), "rss_mb": 0.0}
    for _ in range(repeat):
        cmd = [sys.executable, "-c", COLD_START, repr(time.time()), newest]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
        result = json.loads(out.strip().splitlines()[-1])
        if result["ready_s"] < best["ready_s"]:
            best = result
    return best


async def actions(count: int) -> dict[str, Any]:
    """Drive the app through the Pilot; ms per step (see the module docstring)."""
    from openmaas_tui.cli.main import build_app
    from openmaas_tui.ui.widgets.session_list import SessionList, SessionSearch

    app: Any = build_app(["--demo", "--no-keyring"])
    out: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        listing = app.query_one(SessionList)

        def sidebar() -> str:
            region = app.query_one("#sidebar").region
            lines = [s.text for s in app.screen._compositor.render_strips()]
            return "\n".join(
                line[region.x : region.right] for line in lines[region.y : region.bottom]
            )

        async def timed(name: str, condition: Any, *keys: str) -> None:
            t0 = time.perf_counter()
            if keys:
                await pilot.press(*keys)
            while not condition():
                await pilot.pause(0.001)
            out[name] = (time.perf_counter() - t0) * 1000

        while app.playground.book.store is None or title(count - 1) not in sidebar():
            await pilot.pause(0.01)
        await timed(
            "open_ms",
            lambda: (
                app.playground.current.title == title(count - 1) and app.playground.current.messages
            ),
            "ctrl+s",
            "down",
            "enter",
        )
        opened = app.playground.current
        await timed(
            "new_ms",
            lambda: (
                app.playground.current is not opened
                and sidebar().splitlines()[3].strip(" │") == "New chat"
            ),
            "ctrl+n",
        )
        await pilot.press("ctrl+s")
        t0 = time.perf_counter()
        if hasattr(listing, "action_last"):
            await pilot.press("end")
        else:  # a ListView: one item per session
            listing.index = len(listing.children) - 1
        while title(0) not in sidebar():
            await pilot.pause(0.001)
        out["end_ms"] = (time.perf_counter() - t0) * 1000
        target = count // 3
        search = app.query_one(SessionSearch)
        t0 = time.perf_counter()
        search.value = f"answer{target}"
        while title(target) not in sidebar() or title(count - 1) in sidebar():
            await pilot.pause(0.001)
        out["search_ms"] = (time.perf_counter() - t0) * 1000
    out["rss_mb"] = peak_rss_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,100,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--actions", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.actions is not None:
        print(json.dumps(asyncio.run(actions(args.actions))))
        return
    code = str(args.code.resolve())
    sys.path.insert(0, code)
    print(f"openMaaS history benchmark, {SIZE[0]}x{SIZE[1]}, code from {code}")
    for count in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as home:
            t0 = time.perf_counter()
            seed(Path(home), count)
            seeded = time.perf_counter() - t0
            env = os.environ | {"OPENMAAS_HOME": home, "PYTHONPATH": code}
            cold = cold_start(env, title(count - 1) if count else "", args.repeat)
            line = (
                f"{count:>7,} sessions (seeded in {seeded:.1f} s): first screen "
                f"{cold['ready_s']:.2f} s, peak RSS {cold['rss_mb']:.0f} MB"
            )
            if count:
                cmd = [sys.executable, str(Path(__file__).resolve()), "--actions", str(count)]
                run = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
                r = json.loads(run.stdout.strip().splitlines()[-1])
                line += (
                    f" · open {r['open_ms']:.0f} ms · ctrl+n {r['new_ms']:.0f} ms · "
                    f"end {r['end_ms']:.0f} ms · search {r['search_ms']:.0f} ms · "
                    f"Pilot peak RSS {r['rss_mb']:.0f} MB"
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
