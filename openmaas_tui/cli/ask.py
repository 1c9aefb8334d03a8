"""``openmaas ask``: one prompt, the answer streamed to stdout.

Text mode writes the answer to stdout as it arrives; reasoning, notes, errors and (on a
terminal) a one-line summary go to stderr, so ``openmaas ask … > answer.md`` captures only the
answer. ``--json`` prints one object at the end (fields in :func:`result_json`).
Exit status: 0 on success, 1 when the request failed (the partial answer is still printed).
The exchange is recorded in the history as it streams (see :mod:`.ask_log`) unless ``--no-log``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, replace
from typing import Any, TextIO

from openmaas_tui.cli.ask_log import AskLog
from openmaas_tui.core.config.presets import Preset, find_preset, presets_path
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.meter import StreamMeter, counters_line
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.pricing import prices as pricing
from openmaas_tui.core.pricing.prices import Price
from openmaas_tui.core.types import (
    Completion,
    Message,
    ReasoningDelta,
    TextDelta,
    Usage,
)
from openmaas_tui.providers.base import completion_events
from openmaas_tui.services import Services


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas ask``. ``-m``, ``--provider`` and ``--base-url`` may also
    stand before ``ask`` (``openmaas -m gpt-4o ask …``), so here they default to nothing."""
    keep = argparse.SUPPRESS
    parser.add_argument("prompt", nargs="?", help="the prompt (also read from stdin when piped)")
    parser.add_argument(
        "-m",
        "--model",
        default=keep,
        help="model, e.g. gpt-4o-mini, claude-sonnet-4-5, ollama/llama3.2, demo "
        "(default: default_model in config.toml, else demo)",
    )
    parser.add_argument("--provider", default=keep, help="send -m verbatim to this provider")
    parser.add_argument("--base-url", default=keep, help="send requests to this URL instead")
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--temperature", type=float, help="sampling temperature, e.g. 0.7")
    parser.add_argument("--top-p", type=float, dest="top_p", help="nucleus sampling mass, 0..1")
    parser.add_argument(
        "--max-tokens", type=int, dest="max_tokens", help="most output tokens to generate"
    )
    parser.add_argument("--stop", action="append", default=[], help="stop sequence (repeatable)")
    parser.add_argument("--no-stream", action="store_true", help="ask for the whole answer at once")
    parser.add_argument(
        "--preset",
        help="start from this preset of presets.toml (saved from the playground); "
        "options given here override its values",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument(
        "--no-log", action="store_true", dest="no_log", help="do not record it in the history"
    )


@dataclass(slots=True)
class Outcome:
    """What one ``ask`` produced: the (possibly partial) completion, timing and any error."""

    provider: str
    label: str
    meter: StreamMeter
    completion: Completion
    error: OpenMaaSError | None
    price: Price | None

    @property
    def cost_usd(self) -> float | None:
        """What the answer cost, or None when the price or the usage is unknown."""
        return pricing.cost_usd(self.price, self.completion.usage)


def read_prompt(args: argparse.Namespace, stdin: TextIO) -> str:
    """The prompt: the argument, with piped stdin put before it as context.

    Raises:
        OpenMaaSError: EMPTY_MESSAGE when there is nothing to send.
    """
    piped = "" if stdin.isatty() else stdin.read()
    prompt = "\n\n".join(part for part in (piped.strip(), (args.prompt or "").strip()) if part)
    if not prompt:
        raise OpenMaaSError(
            ErrorCode.EMPTY_MESSAGE,
            "nothing to send",
            hint='give a prompt: openmaas ask "…" or echo "…" | openmaas ask',
        )
    return prompt


def result_json(outcome: Outcome) -> dict[str, Any]:
    """The ``--json`` object: text, reasoning, tool_calls, finish_reason (our vocabulary),
    finish_reason_raw, model, provider, usage, ttft_ms, duration_ms, cost_usd, error."""
    c = outcome.completion
    ttft = outcome.meter.ttft_ms
    return {
        "text": c.text,
        "reasoning": c.reasoning,
        "tool_calls": [{"name": t.name, "arguments": t.arguments} for t in c.tool_calls],
        "finish_reason": str(c.finish_reason) if c.finish_reason else None,
        "finish_reason_raw": c.finish_reason_raw,
        "model": c.model,
        "provider": outcome.provider,
        "usage": c.usage.as_dict(),
        "ttft_ms": round(ttft, 1) if ttft is not None else None,
        "duration_ms": round(outcome.meter.duration_ms, 1),
        "cost_usd": outcome.cost_usd,
        "error": outcome.error.as_dict() if outcome.error else None,
    }


def unsent_json(args: argparse.Namespace, error: OpenMaaSError) -> dict[str, Any]:
    """The ``--json`` object for a request that could not be sent (same fields, all empty)."""
    return {
        "text": "",
        "reasoning": None,
        "tool_calls": [],
        "finish_reason": None,
        "finish_reason_raw": None,
        "model": args.model,
        "provider": error.provider or args.provider,
        "usage": Usage().as_dict(),
        "ttft_ms": None,
        "duration_ms": None,
        "cost_usd": None,
        "error": error.as_dict(),
    }


def print_error(error: OpenMaaSError, err: TextIO) -> None:
    """Print ``error`` with its code and hint, never a traceback."""
    err.write(f"error {error.code}: {error.message}\n")
    if error.hint:
        err.write(f"  hint: {error.hint}\n")


def ask_params(args: argparse.Namespace, preset: Preset | None) -> RequestParams:
    """The request parameters: the preset's (if any), with each option given on the command
    line in their place."""
    base = preset.params if preset is not None else RequestParams()
    given = {
        name: getattr(args, name)
        for name in ("system", "temperature", "top_p", "max_tokens")
        if getattr(args, name) is not None
    }
    if args.stop:
        given["stop"] = tuple(args.stop)
    if args.no_stream:
        given["stream"] = False
    return replace(base, **given)


async def run_ask(
    services: Services, args: argparse.Namespace, prompt: str, out: TextIO, err: TextIO
) -> Outcome:
    """Send ``prompt`` and stream the answer to ``out`` (or collect it for ``--json``).

    Raises:
        OpenMaaSError: when the request cannot even be made (routing, MISSING_KEY); failures
            after sending are returned in :attr:`Outcome.error` with the partial answer.
    """
    preset = (
        find_preset(presets_path(services.paths), args.preset)
        if getattr(args, "preset", None)
        else None
    )
    model = args.model or (preset.model if preset is not None else None)
    spec = services.providers.model_for(model, args.provider)
    target = await services.providers.target(spec, provider=args.provider, base_url=args.base_url)
    request, notes = target.prepare(
        ask_params(args, preset).request(target.route.model, (Message.user(prompt),))
    )
    for note in notes:
        err.write(f"note: {note}\n")
    log = None
    if not getattr(args, "no_log", False):
        log = await AskLog.begin(
            services,
            provider=target.route.provider,
            model=target.route.model,
            request=request,
            prompt=prompt,
            err=err,
        )
    meter = StreamMeter(target.route.model)
    error: OpenMaaSError | None = None
    show = not args.json
    try:
        if not request.stream:
            completion = await target.complete(request)
            for event in completion_events(completion):
                meter.add(event)
                if log is not None:
                    log.add(event)
            if show:
                out.write(completion.text)
        else:
            async for event in target.stream(request):
                meter.add(event)
                if log is not None:
                    log.add(event)
                if show and isinstance(event, TextDelta):
                    out.write(event.text)
                    out.flush()
                elif show and isinstance(event, ReasoningDelta) and err.isatty():
                    err.write(f"\x1b[2m{event.text}\x1b[0m")
                    err.flush()
    except OpenMaaSError as exc:
        error = exc
    except asyncio.CancelledError:  # ctrl+c: keep what arrived, marked stopped
        meter.finish()
        if log is not None:
            await log.end(meter, None, stopped=True)
        raise
    finally:
        meter.finish()
    if log is not None:
        await log.end(meter, error)
    completion = meter.completion()
    if show and completion.text and not completion.text.endswith("\n"):
        out.write("\n")
    price = services.prices.price(target.route.provider, target.route.model)
    return Outcome(target.route.provider, target.label, meter, completion, error, price)


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run ``openmaas ask``; returns the exit status."""
    out, err = sys.stdout, sys.stderr
    try:
        prompt = read_prompt(args, sys.stdin)
        outcome = await run_ask(services, args, prompt, out, err)
    except OpenMaaSError as exc:
        if args.json:
            out.write(json.dumps(unsent_json(args, exc)) + "\n")
        print_error(exc, err)
        return 1
    if args.json:
        out.write(json.dumps(result_json(outcome), ensure_ascii=False) + "\n")
    if outcome.error is not None:
        print_error(outcome.error, err)
        return 1
    if err.isatty() and not args.json:
        line = counters_line(outcome.label, outcome.meter, outcome.price)
        err.write(f"\x1b[2m{line}\x1b[0m\n")
    return 0
