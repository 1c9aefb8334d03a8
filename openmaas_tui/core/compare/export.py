"""A compare run as JSON (for machines, and for the history store) and as Markdown (for people).

JSON (:func:`run_json`), schema :data:`SCHEMA_VERSION`::

    {"schema": "openmaas.compare", "schema_version": 1, "created_at": "2025-…Z",
     "prompt": …, "system": …, "context_messages": N,
     "attachments": [{type, sha256, media_type, name, size_bytes, width, height}, …],
     "targets": [{model, provider, text, finish_reason, usage, ttft_ms, duration_ms,
                  tokens_per_s, cost_usd, error: {code, message} | null}, …],
     "setup": [{label, spec, base_url, status, temperature, top_p, max_tokens, system,
                estimated, reasoning, tool_calls, server_tools}, …],
     "summary": {order, cheapest, fastest_ttft, highest_tokens_per_s, total_cost_usd}}

``attachments`` are the images sent with the prompt to every target, as the history refers to
them (:func:`~openmaas_tui.core.history.blobs.image_attachment` without the bytes: the name,
the SHA-256 of the bytes and the sizes). ``targets`` and ``setup`` are parallel lists in the
order the targets were given; ``summary`` names lanes by that index. ``base_url`` is where a
target was asked when not at its provider's own endpoint (None otherwise), without the parts
of a URL that can carry a credential (:func:`~openmaas_tui.core.sessions.endpoint.storable_url`).
Times are milliseconds, costs USD, rates tokens per second. Keys never appear: error messages
are already redacted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openmaas_tui.core.compare.lane import Lane
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.compare.summary import DEFAULT_SORT, Row, Summary
from openmaas_tui.core.history.blobs import DATA, image_attachment
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.endpoint import storable_url
from openmaas_tui.core.sessions.export import attachment_label
from openmaas_tui.core.text.tool_markdown import server_tool_markdown, tool_call_markdown
from openmaas_tui.core.tools import ToolCall
from openmaas_tui.core.types import ImagePart

SCHEMA = "openmaas.compare"
SCHEMA_VERSION = 1


def _round(value: float | None, digits: int = 1) -> float | None:
    return round(value, digits) if value is not None else None


def target_json(lane: Lane, row: Row) -> dict[str, Any]:
    """One target's object: exactly the fields ``openmaas compare --json`` promises."""
    completion = lane.meter.completion()
    usage, _ = lane.usage()
    finish = completion.finish_reason
    return {
        "model": lane.model,
        "provider": lane.provider or None,
        "text": completion.text,
        "finish_reason": str(finish) if finish else None,
        "usage": (usage or completion.usage).as_dict(),
        "ttft_ms": _round(row.ttft_ms),
        "duration_ms": _round(row.duration_ms) if lane.status != "ready" else None,
        "tokens_per_s": _round(row.tokens_per_s),
        "cost_usd": row.cost_usd,
        "error": lane.error.as_dict() if lane.error else None,
        "retry_after_s": lane.error.retry_after if lane.error else None,
    }


def setup_json(lane: Lane, row: Row) -> dict[str, Any]:
    """How one target was asked and how it ended (labels, overrides, status), with what its
    answer held besides the text (reasoning, tool calls, the tools the provider ran)."""
    t = lane.target
    completion = lane.meter.completion()
    return {
        "label": lane.label,
        "spec": t.spec,
        "base_url": storable_url(t.base_url),
        "status": str(lane.status),
        "temperature": t.temperature,
        "top_p": t.top_p,
        "max_tokens": t.max_tokens,
        "system": t.system,
        "estimated": row.estimated,
        "reasoning": completion.reasoning,
        "tool_calls": [call.as_dict() for call in completion.tool_calls],
        "server_tools": [tool.as_dict() for tool in completion.server_tools],
    }


def attachments_json(images: Sequence[ImagePart]) -> list[dict[str, Any]]:
    """The run's ``attachments``: per image, in order, its reference without the bytes."""
    return [{k: v for k, v in image_attachment(image).items() if k != DATA} for image in images]


def summary_json(summary: Summary) -> dict[str, Any]:
    """The winners (lane indexes, or null) and the rows' order by total time."""
    totals = summary.totals
    return {
        "order": [r.index for r in summary.sorted_by(DEFAULT_SORT)],
        "cheapest": summary.cheapest,
        "fastest_ttft": summary.fastest_ttft,
        "highest_tokens_per_s": summary.highest_rate,
        "total_cost_usd": totals.cost_usd if totals.cost_known else None,
        "succeeded": sum(1 for r in summary.rows if r.ok),
        "failed": sum(1 for r in summary.rows if r.error_code is not None),
    }


def run_json(run: CompareRun) -> dict[str, Any]:
    """The whole run as one JSON-ready object (see the module docstring)."""
    summary = run.summary()
    lanes = list(zip(run.lanes, summary.rows, strict=True))
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.fromtimestamp(run.created_at, UTC).isoformat(),
        "prompt": run.prompt,
        "system": run.system,
        "context_messages": len(run.context),
        "attachments": attachments_json(run.images),
        "targets": [target_json(lane, row) for lane, row in lanes],
        "setup": [setup_json(lane, row) for lane, row in lanes],
        "summary": summary_json(summary),
    }


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _count(value: int | None, estimated: bool) -> str:
    return "–" if value is None else f"{'≈' if estimated else ''}{value:,}"


def cost_text(row: Row) -> str:
    """A row's cost as shown: ``$0.0012``, ``≈$0.0012`` for estimates, ``–`` for a target that
    failed before any text (nothing was billed), else ``price unknown`` when unknown."""
    if row.cost_usd is None and row.error_code is not None and not row.output_tokens:
        return "–"
    return ("≈" if row.estimated and row.cost_usd is not None else "") + format_usd(row.cost_usd)


@dataclass(frozen=True, slots=True)
class _Answer:
    """One target's part of the Markdown: its heading, error line, reasoning (folded, as a
    chat's export shows it), text, the tools its provider ran (shown above the text) and its
    tool calls (under it)."""

    heading: str
    error: str
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    server_tools: tuple[ServerToolCall, ...] = ()
    reasoning: str = ""

    def lines(self) -> list[str]:
        lines = ["", f"## {self.heading}", ""]
        if self.error:
            lines += [self.error, ""]
        if self.reasoning.strip():
            lines += ["<details><summary>Reasoning</summary>", "", self.reasoning.strip(), ""]
            lines += ["</details>", ""]
        for tool in self.server_tools:
            lines += server_tool_markdown(tool)
        if self.text.strip():
            lines += [self.text.rstrip(), ""]
        for call in self.tool_calls:
            lines += tool_call_markdown(call)
        if not (self.text.strip() or self.tool_calls or self.server_tools):
            lines.append("_(no answer)_")
        while lines[-1] == "":
            lines.pop()
        return lines


def _markdown(
    prompt: str,
    system: str | None,
    summary: Summary,
    answers: list[_Answer],
    attachments: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The Markdown of a run: ``answers`` holds each target's part; ``attachments`` the
    references of the images sent with the prompt."""
    lines = ["# Compare", "", "## Prompt", "", prompt.strip(), ""]
    for attachment in attachments:
        lines += [f"*attached: {attachment_label(dict(attachment))}*", ""]
    if system:
        lines += ["System prompt:", "", f"> {system.strip()}", ""]
    lines += [
        "## Summary",
        "",
        "| # | target | status | TTFT | total | in | out | tok/s | cost | |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in summary.sorted_by(DEFAULT_SORT):
        status = r.error_code or r.status
        rate = "–" if r.tokens_per_s is None else f"{r.tokens_per_s:.1f}"
        cost = cost_text(r)
        lines.append(
            f"| {r.index + 1} | {r.label} | {status} | {_ms(r.ttft_ms)} | {_ms(r.duration_ms)} | "
            f"{_count(r.input_tokens, r.estimated)} | {_count(r.output_tokens, r.estimated)} | "
            f"{rate} | {cost} | {', '.join(summary.marks(r.index))} |"
        )
    for answer in answers:
        lines += answer.lines()
    return "\n".join(lines) + "\n"


def run_markdown(run: CompareRun) -> str:
    """The run for people: the prompt and its images, a summary table with the winners
    marked, then each target's answer under its own heading (with its reasoning, the tools
    its provider ran and the tool calls its model made)."""
    answers = []
    for lane in run.lanes:
        completion = lane.meter.completion()
        error = lane.error
        answers.append(
            _Answer(
                f"{lane.index + 1}. {lane.label}",
                f"**{error.code}**: {error.message}" if error is not None else "",
                completion.text,
                completion.tool_calls,
                completion.server_tools,
                completion.reasoning or "",
            )
        )
    return _markdown(run.prompt, run.system, run.summary(), answers, attachments_json(run.images))


def summary_of_json(data: Mapping[str, Any]) -> Summary:
    """The :class:`Summary` a run's JSON (:func:`run_json`) records."""
    rows = []
    setups = data.get("setup") or []
    for i, t in enumerate(data.get("targets") or []):
        setup = setups[i] if i < len(setups) else {}
        usage, error = t.get("usage") or {}, t.get("error") or {}
        rows.append(
            Row(
                index=i,
                label=str(setup.get("label") or t.get("model") or ""),
                provider=str(t.get("provider") or ""),
                model=str(t.get("model") or ""),
                status=str(setup.get("status") or ("error" if error else "done")),
                error_code=error.get("code"),
                ttft_ms=t.get("ttft_ms"),
                duration_ms=t.get("duration_ms") or 0.0,
                input_tokens=usage.get("input_tokens"),
                output_tokens=usage.get("output_tokens"),
                estimated=bool(setup.get("estimated")),
                tokens_per_s=t.get("tokens_per_s"),
                cost_usd=t.get("cost_usd"),
            )
        )
    s = data.get("summary") or {}
    return Summary(
        tuple(rows), s.get("cheapest"), s.get("fastest_ttft"), s.get("highest_tokens_per_s")
    )


def _uses(setup: Mapping[str, Any]) -> tuple[tuple[ToolCall, ...], tuple[ServerToolCall, ...]]:
    """The tool calls and server tools a saved target's ``setup`` holds (none in runs saved
    before they were kept; a damaged one is left out)."""
    calls: list[ToolCall] = []
    tools: list[ServerToolCall] = []
    for data in setup.get("tool_calls") or []:
        try:
            calls.append(ToolCall.from_dict(data))
        except (KeyError, TypeError):
            continue
    for data in setup.get("server_tools") or []:
        try:
            tools.append(ServerToolCall.from_dict(data))
        except TypeError:
            continue
    return tuple(calls), tuple(tools)


def json_markdown(data: Mapping[str, Any]) -> str:
    """A saved run (its :func:`run_json`) as :func:`run_markdown` shows a live one (figures as
    the JSON rounded them)."""
    summary = summary_of_json(data)
    answers = []
    setups = data.get("setup") or []
    for row, t in zip(summary.rows, data.get("targets") or [], strict=False):
        error = t.get("error") or {}
        line = f"**{error.get('code')}**: {error.get('message')}" if error else ""
        setup = setups[row.index] if row.index < len(setups) else {}
        calls, tools = _uses(setup if isinstance(setup, Mapping) else {})
        heading = f"{row.index + 1}. {row.label}"
        reasoning = setup.get("reasoning") if isinstance(setup, Mapping) else None
        text = str(t.get("text") or "")
        answers.append(_Answer(heading, line, text, calls, tools, str(reasoning or "")))
    attachments = [a for a in data.get("attachments") or [] if isinstance(a, Mapping)]
    prompt = str(data.get("prompt") or "")
    return _markdown(prompt, data.get("system"), summary, answers, attachments)


def export_run(run: CompareRun, path: Path) -> Path:
    """Write the run to ``path``: JSON when it ends in ``.json``, else Markdown.

    Raises:
        OSError: the file cannot be written.
    """
    if path.suffix.lower() == ".json":
        text = json.dumps(run_json(run), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    else:
        text = run_markdown(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
