"""``openmaas sessions costs [--json] [--days N]``: what the history cost, from the shell.

The same report as the app's cost screen (:mod:`openmaas_tui.core.history.cost_report`): totals for
today, the last 7 and 30 days and all time, one row per local day of the last N days (days
without answers left out) and one per provider and model over all time, costliest first.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openmaas_tui.cli.arguments import MOST_DAYS, whole
from openmaas_tui.core.history.cost_report import DEFAULT_DAYS, CostReport, cost_report
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.text.terminal import json_terminal_safe, terminal_safe
from openmaas_tui.core.totals import Totals


def today() -> date:
    """The local day the report ends on (tests fix it)."""
    return date.today()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas sessions costs``."""
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument(
        "--days",
        type=whole("days", 1, MOST_DAYS),
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"days of the per-day table, ending today (default {DEFAULT_DAYS})",
    )


def totals_json(t: Totals) -> dict[str, Any]:
    """``t`` for ``--json``: ``cost_usd`` is the sum of the known costs (USD);
    ``unknown_price_answers`` the answers it leaves out because their price is unknown."""
    return {
        "answers": t.answers,
        "input_tokens": t.input_tokens,
        "output_tokens": t.output_tokens,
        "cached_input_tokens": t.cached_input_tokens,
        "reasoning_tokens": t.reasoning_tokens,
        "cost_usd": t.cost_usd,
        "cost_estimated": t.estimated,
        "unknown_price_answers": t.unknown,
    }


def report_json(report: CostReport) -> dict[str, Any]:
    """The whole report for ``--json`` (days are local calendar days, ``YYYY-MM-DD``)."""
    return {
        "today": report.today.isoformat(),
        "days_are": "local",
        "periods": {label: totals_json(t) for label, t in report.periods},
        "days": [{"day": d.day.isoformat(), **totals_json(d.totals)} for d in report.days],
        "models": [
            {"provider": m.provider, "model": m.model, **totals_json(m.totals)}
            for m in report.models
        ],
        "sources": [
            {"source": s.source, "client": s.client, **totals_json(s.totals)}
            for s in report.sources
        ],
    }


CAPTION = "unpriced: answers with an unknown price, left out of the cost · ≈: some estimated"

WIDE = 110
"""From this console width on, the tables add the cached and reasoning token columns."""


def _columns(wide: bool) -> tuple[str, ...]:
    if wide:
        return ("cost", "unpriced", "answers", "in", "cached", "out", "reasoning")
    return ("cost", "unpriced", "answers", "in", "out")


def _cells(t: Totals, wide: bool) -> list[str]:
    counts = {
        "unpriced": t.unknown,
        "answers": t.answers,
        "in": t.input_tokens,
        "cached": t.cached_input_tokens,
        "out": t.output_tokens,
        "reasoning": t.reasoning_tokens,
    }
    return [t.known_cost_text] + [f"{counts[c]:,}" for c in _columns(wide)[1:]]


def _table(title: str, first: tuple[str, ...], wide: bool) -> Table:
    """Name columns (folded when long), the known cost, then the counts (kept whole)."""
    table = Table(title=title)
    for column in first:
        table.add_column(column, overflow="fold")
    for column in _columns(wide):
        table.add_column(column, justify="right", no_wrap=True)
    return table


def print_report(report: CostReport, console: Console) -> None:
    """Print ``report`` as four Rich tables: periods, days with answers, models, and sources
    (the face that ran the answers; for the gateway, each client apart). The cost
    column holds the known costs; ``unpriced`` counts the answers whose price is unknown
    (the app shows both in one text: ``$1.23 + 4 answers with unknown price``). Cached and
    reasoning tokens have columns on a console at least :data:`WIDE` cells wide."""
    wide = console.width >= WIDE
    periods = _table("totals", ("period",), wide)
    for label, t in report.periods:
        periods.add_row(label, *_cells(t, wide))
    console.print(periods)
    days = _table(f"per day, last {len(report.days)} days (local time)", ("day",), wide)
    for d in reversed(report.days):
        if d.totals.answers:
            days.add_row(d.day.isoformat(), *_cells(d.totals, wide))
    console.print(days)
    models = _table("per model, all time", ("provider", "model"), wide)
    for m in report.models:
        provider, model = terminal_safe(m.provider or "–"), terminal_safe(m.model or "–")
        models.add_row(escape(provider), escape(model), *_cells(m.totals, wide))
    console.print(models)
    sources = _table("per source, all time", ("source", "client"), wide)
    for s in report.sources:
        source, client = terminal_safe(s.source), terminal_safe(s.client or "–")
        sources.add_row(escape(source), escape(client), *_cells(s.totals, wide))
    console.print(sources)
    console.print(CAPTION, style="dim")


def main(store: Store, args: argparse.Namespace, console: Console) -> int:
    """Print the cost report of ``store``; returns the exit status."""
    report = cost_report(store, today=today(), days=max(1, args.days))
    if args.json:
        shown = json.dumps(report_json(report), ensure_ascii=False, allow_nan=False)
        sys.stdout.write(json_terminal_safe(shown) + "\n")
        return 0
    if report.empty:
        console.print("no answers in the history yet: chat in the playground or run `openmaas ask`")
        return 0
    print_report(report, console)
    return 0
