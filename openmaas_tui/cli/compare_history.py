"""``openmaas sessions compares`` and ``openmaas sessions compare-export``: saved compare runs.

- ``compares [--json] [-n N]``: the runs, newest first, with each target's status, TTFT,
  tokens/s and cost (``--json``: an array of
  :meth:`~openmaas_tui.core.history.compare_runs.RunRecord.as_dict`).
- ``compare-export ID --format md|json [-o FILE]``: one run (by id or a unique prefix of it) as
  the JSON it was saved as, or as Markdown
  (:func:`~openmaas_tui.core.compare.export.json_markdown`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openmaas_tui.cli.arguments import whole
from openmaas_tui.core.compare.export import json_markdown
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.compare_runs import (
    RunRecord,
    TargetRecord,
    get_run,
    list_runs,
    resolve_run_id,
)
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.text.local_time import local_text
from openmaas_tui.core.text.terminal import json_terminal_safe, terminal_safe

SHORT_ID = 8
"""How many characters of a run id ``compares`` shows."""
PROMPT_WIDTH = 40
"""How many characters of the prompt ``compares`` shows."""


def add_arguments(sub: Any) -> None:
    """Add ``compares`` and ``compare-export`` to the ``sessions`` subparsers ``sub``."""
    p_list = sub.add_parser("compares", help="saved compare runs, newest first")
    p_list.add_argument("--json", action="store_true", help="print a JSON array")
    p_list.add_argument("-n", "--limit", type=whole("limit"), help="show at most this many runs")
    p_export = sub.add_parser("compare-export", help="write a compare run as Markdown or JSON")
    p_export.add_argument("id", help="run id or a unique prefix of it")
    p_export.add_argument("--format", choices=("md", "json"), default="md")
    p_export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")


def _target_line(t: TargetRecord) -> str:
    figures = [t.error_code or t.status]
    if t.ttft_ms is not None:
        figures.append(f"{t.ttft_ms:,.0f} ms")
    if t.tokens_per_s is not None:
        figures.append(f"{t.tokens_per_s:.1f} tok/s")
    if t.cost_usd is not None:
        figures.append(format_usd(t.cost_usd))
    return f"{t.label}: {', '.join(figures)}"


def _table(records: list[RunRecord]) -> Table:
    table = Table(title="compare runs")
    for column in ("id", "when", "prompt", "targets", "ok", "cost"):
        table.add_column(column, justify="right" if column in ("ok", "cost") else "left")
    for r in records:
        prompt = " ".join(r.prompt.split())
        if len(prompt) > PROMPT_WIDTH:
            prompt = prompt[: PROMPT_WIDTH - 1] + "…"
        table.add_row(
            r.id[:SHORT_ID],
            local_text(r.created_at),
            escape(terminal_safe(prompt)),
            escape(terminal_safe("\n".join(_target_line(t) for t in r.targets))),
            f"{r.succeeded}/{r.target_count}",
            format_usd(r.total_cost_usd),
        )
    return table


def list_main(store: Store, args: argparse.Namespace, console: Console) -> int:
    """``sessions compares``: print the saved runs; returns the exit status."""
    records = list_runs(store, args.limit)
    if args.json:
        listed = json.dumps([r.as_dict() for r in records], ensure_ascii=False, allow_nan=False)
        sys.stdout.write(json_terminal_safe(listed) + "\n")
    elif not records:
        console.print("no compare runs yet")
    else:
        console.print(_table(records))
    return 0


def export_text(store: Store, prefix: str, fmt: str) -> str:
    """The run whose id starts with ``prefix`` as ``json`` (as saved) or ``md``.

    Raises:
        OpenMaaSError: INVALID_REQUEST for an unknown or ambiguous id.
    """
    run_id = resolve_run_id(store, prefix)
    data = get_run(store, run_id)
    if data is None:  # deleted meanwhile
        raise OpenMaaSError(ErrorCode.INVALID_REQUEST, f"no compare run {run_id}")
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return json_markdown(data)
