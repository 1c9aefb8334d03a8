"""``openmaas compare``: several models answer one prompt at once; who was fastest and cheapest.

``openmaas compare -m gpt-4o-mini -m claude-haiku-4-5 [--base-url URL …] [--json] PROMPT``

- The prompt is the argument, with piped stdin put before it (as ``ask`` does); ``-`` or no
  argument reads stdin alone.
- ``--provider`` and ``--base-url`` pair with ``-m`` in order: give none, one (for every
  model), or exactly one per ``-m``, where ``-`` leaves that model to its usual provider or
  endpoint (``-m llama3.2 -m gpt-4o --base-url http://127.0.0.1:8080/v1 --base-url -``).
- While the streams run, a live table of counters is drawn on stderr when it is a terminal;
  a target waiting to ask again (after a 429 or an overload) shows the wait as its status.
- ``--timeout SECONDS`` sets the read timeout for this run (default ``read_timeout_s``).
- Text mode, stdout a terminal: each answer under a rule, then the summary table. Stdout
  redirected: the run as Markdown (summary table, then each answer).
- ``--json``: one object (:func:`~openmaas_tui.core.compare.export.run_json`).
- Errors are printed per target as ``ask`` prints them (code, message, hint; keys redacted).
- The run is saved in the history (``openmaas sessions compares``) unless ``--no-log``; a
  history that cannot be written is a note on stderr, never a failure.
  Exit status: 1 only when every target failed (or nothing could be sent).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from openmaas_tui.cli.arguments import count, decimal
from openmaas_tui.cli.ask import add_timeout_argument, apply_timeout, print_error, read_prompt
from openmaas_tui.cli.ask_attach import add_attach_arguments, read_attachments
from openmaas_tui.core.compare.export import cost_text, run_json, run_markdown
from openmaas_tui.core.compare.lane import CompareTarget, Lane, LaneStatus
from openmaas_tui.core.compare.run import MAX_TARGETS, CompareRun
from openmaas_tui.core.compare.summary import DEFAULT_SORT, Summary
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.compare_runs import save_in_history
from openmaas_tui.core.history.recorder import compare_recorders
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.models.param_ranges import check_ranges, ranges_for
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.text.terminal import json_terminal_safe, terminal_safe
from openmaas_tui.services import Services

LIVE_REFRESH_PER_S = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas compare``."""
    parser.add_argument("prompt", nargs="?", help="the prompt; '-' or none reads stdin")
    parser.add_argument(
        "-m",
        "--model",
        dest="models",
        action="append",
        required=True,
        help=f"a model to race (repeat, up to {MAX_TARGETS}); the same one twice is fine",
    )
    parser.add_argument(
        "--provider",
        dest="providers",
        action="append",
        default=[],
        help="send -m verbatim to this provider (one for all, or one per -m in order)",
    )
    parser.add_argument(
        "--base-url",
        dest="base_urls",
        action="append",
        default=[],
        help="send requests to this URL (one for all, or one per -m in order; '-' for the "
        "model's own endpoint)",
    )
    parser.add_argument(
        "--api",
        dest="apis",
        action="append",
        default=[],
        help="openai and azure: chat or responses (one for all, or one per -m in order; '-' "
        "for the model's own)",
    )
    parser.add_argument("--system", help="system prompt")
    parser.add_argument(
        "--temperature", type=decimal("temperature"), help="sampling temperature, e.g. 0.7"
    )
    parser.add_argument(
        "--top-p", type=decimal("top_p"), dest="top_p", help="nucleus sampling mass, 0..1"
    )
    parser.add_argument(
        "--max-tokens",
        type=count("max_tokens"),
        dest="max_tokens",
        help="most output tokens to generate",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument(
        "--no-log", action="store_true", dest="no_log", help="do not save the run in the history"
    )
    add_attach_arguments(parser)
    add_timeout_argument(parser)


def _paired(values: list[str], count: int, option: str) -> list[str | None]:
    """``values`` spread over ``count`` models: none, one for all, or one each (``-`` for
    one model: that model's usual provider or endpoint).

    Raises:
        OpenMaaSError: INVALID_REQUEST for any other number.
    """
    if not values:
        return [None] * count
    own: list[str | None] = [None if v == "-" else v for v in values]
    if len(own) == 1:
        return own * count
    if len(own) == count:
        return own
    raise OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"{len(values)} {option} for {count} models",
        hint=f"give one {option} for every model, or one per -m in the same order",
    )


def targets_from(args: argparse.Namespace) -> list[CompareTarget]:
    """The targets named on the command line, in order.

    Raises:
        OpenMaaSError: INVALID_REQUEST for too many models or mismatched --provider,
            --base-url or --api.
    """
    models: list[str] = args.models
    if len(models) > MAX_TARGETS:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"{len(models)} models: a compare takes at most {MAX_TARGETS}",
        )
    providers = _paired(args.providers, len(models), "--provider")
    urls = _paired(args.base_urls, len(models), "--base-url")
    apis = _paired(args.apis, len(models), "--api")
    return [
        CompareTarget(m, provider=p, base_url=u, api=a)
        for m, p, u, a in zip(models, providers, urls, apis, strict=True)
    ]


def _prompt(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.prompt == "-":
        args.prompt = None
    try:
        return read_prompt(args, stdin)
    except OpenMaaSError as exc:
        if exc.code is not ErrorCode.EMPTY_MESSAGE:
            raise
        raise OpenMaaSError(
            exc.code,
            exc.message,
            hint='give a prompt: openmaas compare -m A -m B "…" or echo "…" | openmaas compare …',
        ) from None


_STATUS_STYLE = {
    LaneStatus.DONE: "green",
    LaneStatus.STREAMING: "cyan",
    LaneStatus.WAITING: "dim",
    LaneStatus.STOPPED: "yellow",
    LaneStatus.ERROR: "bold red",
}


def _status(lane: Lane, status: str) -> str:
    """The status cell: the lane's wait before asking again while there is one."""
    wait = lane.retry_wait
    return wait.text if wait is not None and not lane.ended else status


def counters_table(run: CompareRun, summary: Summary | None = None) -> Table:
    """The counters of every target: live while streaming; with ``summary``, in its order
    with the winners marked."""
    table = Table(title="compare", title_justify="left", expand=False, pad_edge=False)
    for name, justify in (
        ("#", "right"),
        ("target", "left"),
        ("status", "left"),
        ("TTFT", "right"),
        ("total", "right"),
        ("in", "right"),
        ("out", "right"),
        ("tok/s", "right"),
        ("cost", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    if summary is not None:
        table.add_column("", style="bold")
    rows = summary.sorted_by(DEFAULT_SORT) if summary else run.summary().rows
    for r in rows:
        lane = run.lanes[r.index]
        mark = "≈" if r.estimated else ""
        cells: list[str | Text] = [
            str(r.index + 1),
            Text(terminal_safe(r.label)),
            Text(_status(lane, r.error_code or r.status), style=_STATUS_STYLE.get(lane.status, "")),
            "" if r.ttft_ms is None else f"{r.ttft_ms:,.0f} ms",
            f"{r.duration_ms / 1000:.2f} s",
            "" if r.input_tokens is None else f"{mark}{r.input_tokens:,}",
            "" if r.output_tokens is None else f"{mark}{r.output_tokens:,}",
            "" if r.tokens_per_s is None else f"{r.tokens_per_s:.1f}",
            cost_text(r),
        ]
        if summary is not None:
            cells.append(", ".join(summary.marks(r.index)))
        table.add_row(*cells)
    return table


def check_target_ranges(
    services: Services, targets: list[CompareTarget], defaults: CompareTarget
) -> None:
    """Refuse the run before anything is sent when a parameter lies outside the range of a
    target's provider (:mod:`~openmaas_tui.core.models.param_ranges`); a target whose
    provider cannot be told is left to fail in its own lane.

    Raises:
        OpenMaaSError: INVALID_REQUEST naming the parameter, its range and the model.
    """
    endpoints = services.providers.settings.endpoints
    for target in targets:
        try:
            routed = route(target.spec, target.provider, endpoints=endpoints)
            protocol = services.providers.spec(routed.provider).protocol
        except OpenMaaSError:
            continue
        own = RequestParams(
            temperature=target.temperature
            if target.temperature is not None
            else defaults.temperature,
            top_p=target.top_p if target.top_p is not None else defaults.top_p,
        )
        check_ranges(own, ranges_for(routed.provider, protocol), model=routed.ref)


async def run_compare(
    services: Services, args: argparse.Namespace, prompt: str, err: TextIO
) -> CompareRun:
    """Race the targets of ``args`` on ``prompt``, drawing live counters on ``err`` when it is
    a terminal; returns the finished run (failures are in each lane).

    Raises:
        OpenMaaSError: INVALID_REQUEST before anything is sent, for a parameter outside a
            target's provider's range (:func:`check_target_ranges`) or bad targets.
    """
    targets = targets_from(args)
    defaults = CompareTarget(
        "", temperature=args.temperature, top_p=args.top_p, max_tokens=args.max_tokens
    )
    check_target_ranges(services, targets, defaults)
    run = CompareRun(
        services.providers,
        services.prices,
        targets,
        prompt,
        system=args.system,
        images=read_attachments(args),
        defaults=defaults,
        recorders=None if getattr(args, "no_log", False) else compare_recorders(services.history),
    )
    run.start()
    if err.isatty():
        console = Console(file=err, stderr=True)
        with Live(
            get_renderable=lambda: counters_table(run),
            console=console,
            refresh_per_second=LIVE_REFRESH_PER_S,
            transient=True,
        ):
            await run.wait()
    else:
        await run.wait()
    return run


def print_run(run: CompareRun, out: TextIO, err: TextIO) -> None:
    """Text mode: errors on ``err``; the answers and the summary on ``out`` (as Markdown when
    ``out`` is not a terminal)."""
    for lane in run.lanes:
        if lane.error is not None:
            err.write(terminal_safe(f"[{lane.index + 1}] {lane.label}: "))
            print_error(lane.error, err)
        for note in lane.notes:
            err.write(terminal_safe(f"[{lane.index + 1}] {lane.label}: note: {note}\n"))
    if not out.isatty():
        out.write(terminal_safe(run_markdown(run)))
        return
    console = Console(file=out)
    for lane in run.lanes:
        label = terminal_safe(f"{lane.index + 1}. {lane.label}")
        console.rule(Text(label, style="bold"), align="left")
        console.print(Text(terminal_safe(lane.text.rstrip()) or "(no answer)"))
    console.print()
    console.print(counters_table(run, run.summary()))


async def save_run_in_history(
    services: Services, data: dict[str, Any], run_id: str, err: TextIO
) -> None:
    """Save the finished run in the history; a storage problem is a note on ``err``."""
    store = await services.history()
    if store.problem is not None:
        err.write(terminal_safe(f"note: not saved in the history: {store.problem.message}\n"))
        return
    try:
        await save_in_history(services.history, data, run_id)
    except OpenMaaSError as exc:
        err.write(terminal_safe(f"note: not saved in the history: {exc.message}\n"))


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run ``openmaas compare``; returns the exit status (1 only when every target failed)."""
    out, err = sys.stdout, sys.stderr
    apply_timeout(services, args)
    try:
        prompt = _prompt(args, sys.stdin)
        run = await run_compare(services, args, prompt, err)
    except OpenMaaSError as exc:
        if args.json:
            failed: dict[str, Any] = {"targets": [], "summary": None, "error": exc.as_dict()}
            out.write(json_terminal_safe(json.dumps(failed)) + "\n")
        print_error(exc, err)
        return 1
    data = run_json(run)
    if not getattr(args, "no_log", False):
        await save_run_in_history(services, data, run.id, err)
    if args.json:
        out.write(json_terminal_safe(json.dumps(data, ensure_ascii=False, allow_nan=False)) + "\n")
        for lane in run.lanes:
            if lane.error is not None:
                err.write(terminal_safe(f"[{lane.index + 1}] {lane.label}: "))
                print_error(lane.error, err)
    else:
        print_run(run, out, err)
    return 1 if all(lane.error is not None for lane in run.lanes) else 0
