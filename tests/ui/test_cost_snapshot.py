"""A snapshot of the cost screen over a seeded history (fixed day, fixed zone, fixed costs).
Update with ``python -m pytest tests/ui/test_cost_snapshot.py --snapshot-update`` and look at
the SVG before committing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.ui.screens import cost_screen
from tests.support.cost_history import TODAY, fixed_zone, seed
from tests.support.ui import open_costs

SIZE = (120, 40)


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cost_screen, "today", lambda: TODAY)
    with fixed_zone("UTC0"):
        seed(resolve_paths().history_db).close()
        yield


def test_cost_screen(snap_compare: Any, seeded: None) -> None:
    """The cost screen (f4) on 2026-03-14: four boxes (Today ≈$0.75 + 1 answer with unknown
    price, 4 answers; Last 7 days ≈$1.75 …; Last 30 days ≈$3.75 …; All time ≈$7.75 …), the
    chart of the last 30 days with `$2.00` at the top of its axis, bars on Mar 4 (full height),
    Mar 11 and today (in the accent colour), 3 cells per day, a `?` on the axis under today
    and `? answers with unknown price` under the chart, dates every 7 days ending on Mar 14;
    the model table focused, costliest first, cost right after the model: openai gpt-4o
    $5.50, anthropic claude-sonnet-4-5 ≈$2.25, mylab llama-70b `price unknown (1 answer)` in
    yellow; under it the source table, one row: playground – ≈$7.75 + 1 answer with unknown
    price, 7 answers; the footer with o Order, i Invert, esc Back, r Reload."""
    app = build_app(["--demo", "--no-keyring"])
    assert snap_compare(app, terminal_size=SIZE, run_before=open_costs)
