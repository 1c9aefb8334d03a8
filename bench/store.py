"""How fast the history store serves the app: open, list, page, load, search.

Builds one history file holding sessions of 100, 1,000 and 10,000 messages (alternating
questions and ~600-character answers of varied words) plus 200 small sessions, then measures
with the real :class:`~openmaas_tui.core.history.store.Store` (median of ``--repeat`` runs, ms):

- open: opening the file (read-only health check, WAL, migrations, recovery);
- list: ``list_sessions()`` with totals over the whole history;
- first page / last page: 50 messages from the start / the end of the session (what a lazy
  view shows first), with ``count_messages``;
- all: every message of the session;
- search: ``search()`` over the whole history for a common word, a rare word and a prefix;
- peak MB: Python memory allocated while loading all messages (tracemalloc peak).

Usage: ``python bench/store.py [--repeat 5] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openmaas_tui.core.exchange.record import MessageState  # noqa: E402
from openmaas_tui.core.history.records import StoredMessage, StoredSession  # noqa: E402
from openmaas_tui.core.history.store import Store  # noqa: E402
from openmaas_tui.core.types import Role  # noqa: E402

SIZES = (100, 1_000, 10_000)
PAGE = 50
WORDS = (
    "async stream token model provider latency cache context window prompt answer "
    "cost budget python rust sqlite index query vector table markdown render widget "
    "terminal keyboard session export import history search benchmark memory"
).split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _messages(rng: random.Random, count: int, marker: str) -> list[StoredMessage]:
    out = []
    for i in range(count):
        user = i % 2 == 0
        content = _text(rng, 15 if user else 90)
        if i == count // 2:
            content += f" {marker}"
        out.append(
            StoredMessage(
                id=0,
                session_id="",
                position=i,
                role=Role.USER if user else Role.ASSISTANT,
                content=content,
                provider=None if user else "openai",
                model=None if user else "gpt-4o-mini",
                created_at=1_767_268_800.0 + i,
                input_tokens=None if user else 120 + i,
                output_tokens=None if user else 140,
                cost_usd=None if user else 0.0001,
                state=MessageState.COMPLETE,
            )
        )
    return out


def build(path: Path) -> dict[int, str]:
    """Write the history; returns the session id of each size."""
    rng = random.Random(5)
    store = Store(path)
    ids = {}
    for size in SIZES:
        head = StoredSession("", f"session of {size}", True, 1.7e9, 1.7e9 + size, "openai", "m")
        ids[size] = store.import_session(head, _messages(rng, size, f"needle{size}"))
    for i in range(200):
        head = StoredSession("", _text(rng, 5), False, 1.6e9 + i, 1.6e9 + i, "openai", "m")
        store.import_session(head, _messages(rng, 6, "small"))
    store.close()
    return ids


def _ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak / 1e6


def main() -> None:
    """Build the history and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the history in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="openmaas-bench-"))
    path = folder / "history.db"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    ids = build(path)
    size_mb = path.stat().st_size / 1e6
    print(f"history: {sum(SIZES) + 1200:,} messages, {size_mb:.1f} MB, built in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"open: {_ms(lambda: Store(path).close(), args.repeat):.1f} ms")
    store = Store(path)
    print(f"list_sessions ({len(store.list_sessions())} sessions): "
          f"{_ms(store.list_sessions, args.repeat):.1f} ms")  # fmt: skip
    header = f"{'messages':>9} {'first page':>11} {'last page':>10} {'all':>9} {'peak MB':>8}"
    print(header)
    for size, sid in ids.items():

        def first(sid: str = sid) -> object:
            store.count_messages(sid)
            return store.messages(sid, limit=PAGE)

        def last(sid: str = sid) -> object:
            count = store.count_messages(sid)
            return store.messages(sid, offset=max(0, count - PAGE), limit=PAGE)

        def every(sid: str = sid) -> object:
            return store.messages(sid)

        print(
            f"{size:>9,} {_ms(first, args.repeat):>8.2f} ms {_ms(last, args.repeat):>7.2f} ms "
            f"{_ms(every, args.repeat):>6.1f} ms {_peak_mb(every):>8.1f}"
        )
    print(f"{'search':>22} {'sessions':>9} {'with snippets':>14} {'without':>9}")
    for query in ("latency", "needle10000", "bench", "sqlite vector"):
        hits = len(store.search(query))
        full = _ms(functools.partial(store.search, query), args.repeat)
        bare = _ms(functools.partial(store.search, query, snippets=False), args.repeat)
        print(f"{query!r:>22} {hits:>9} {full:>11.1f} ms {bare:>6.1f} ms")
    store.close()


if __name__ == "__main__":
    main()
