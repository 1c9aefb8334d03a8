"""``openmaas ask``: one prompt, the answer streamed to stdout.

Text mode writes the answer to stdout as it arrives; reasoning, notes, errors and (on a
terminal) a one-line summary go to stderr, so ``openmaas ask … > answer.md`` captures only the
answer. ``--json`` prints one object at the end (fields in :func:`result_json`).
Exit status: 0 on success, 1 when the request failed (the partial answer is still printed),
a stream cut short before its protocol's end among them (STREAM_INTERRUPTED). A wait before
asking again (after a 429 or an overload, before anything arrived) is a note on stderr;
``--timeout SECONDS`` sets the read timeout for this run.

The answer is one :class:`~openmaas_tui.core.exchange.pipeline.Exchange`, recorded in the
history unless ``--no-log``: each ``ask`` is a new session (or goes on with the one
``--session`` names, as it was asked: :mod:`openmaas_tui.cli.ask_session`), its prompt
committed before the request is sent, the answer flushed while it streams and finished with its
usage, cost and timings (killed mid-stream, it stays as last flushed and shows as interrupted
next time). The history never fails an ``ask``: a storage problem is a note on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
from contextlib import aclosing
from dataclasses import replace
from typing import Any, TextIO

from openmaas_tui.cli.arguments import count, decimal, read_stdin_text
from openmaas_tui.cli.ask_attach import add_attach_arguments, read_attachments, user_message
from openmaas_tui.cli.ask_output import print_error as print_error
from openmaas_tui.cli.ask_output import prompt_images, unsent_json
from openmaas_tui.cli.ask_output import result_json as result_json
from openmaas_tui.cli.ask_reasoning import ReasoningEcho
from openmaas_tui.cli.ask_server_tools import ServerToolEcho
from openmaas_tui.cli.ask_session import (
    add_stream_argument,
    base_params,
    endpoint_for,
    session_defaults,
    stream_given,
)
from openmaas_tui.cli.ask_thinking import add_thinking_argument, apply_thinking_budget
from openmaas_tui.cli.ask_tools import (
    Continued,
    add_tool_arguments,
    continue_session,
    load_tools,
    print_tool_calls,
    tool_choice,
    tools_of,
    tools_params,
)
from openmaas_tui.core.config.presets import find_preset, presets_path
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.history.blobs import attachments_of_content
from openmaas_tui.core.history.ledger import SpendSource
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.history.records import request_params
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.http import set_read_timeout
from openmaas_tui.core.models.param_ranges import check_ranges, ranges_for
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.endpoint import api_of
from openmaas_tui.core.text.terminal import TerminalStream, json_terminal_safe, terminal_safe
from openmaas_tui.core.types import ChatRequest, Message, ReasoningDelta, ServerToolUse, TextDelta
from openmaas_tui.providers.registry import Target
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
    parser.add_argument(
        "--api",
        choices=("chat", "responses"),
        help="openai and azure: ask through Chat Completions or Responses (default: the "
        "model's own, else [providers.NAME] api, else chat)",
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
    parser.add_argument("--stop", action="append", default=[], help="stop sequence (repeatable)")
    add_stream_argument(parser)
    parser.add_argument(
        "--preset",
        help="start from this preset of presets.toml (saved from the playground); "
        "options given here override its values",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument(
        "--no-log", action="store_true", dest="no_log", help="do not record it in the history"
    )
    add_thinking_argument(parser)
    add_attach_arguments(parser)
    add_tool_arguments(parser)
    add_timeout_argument(parser)


def add_timeout_argument(parser: argparse.ArgumentParser) -> None:
    """``--timeout SECONDS``: the read timeout for this run (``ask`` and ``compare``)."""
    parser.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="give up when the provider sends nothing for this long "
        "(default: read_timeout_s in config.toml, else 120)",
    )


def seconds(raw: str) -> float:
    """A ``--timeout`` value: a positive, finite number of seconds.

    Raises:
        argparse.ArgumentTypeError: for anything else.
    """
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a positive number of seconds")
    return value


def apply_timeout(services: Services, args: argparse.Namespace) -> None:
    """Use ``--timeout`` (when given) as the shared client's read timeout."""
    timeout_s = getattr(args, "timeout", None)
    if timeout_s is not None:
        set_read_timeout(services.client, timeout_s)


def read_prompt(args: argparse.Namespace, stdin: TextIO) -> str:
    """The prompt: the argument, with piped stdin put before it as context.

    Raises:
        OpenMaaSError: EMPTY_MESSAGE when there is nothing to send; INVALID_REQUEST when stdin
            is not UTF-8 text.
    """
    piped = "" if stdin.isatty() else read_stdin_text(stdin)
    prompt = "\n\n".join(part for part in (piped.strip(), (args.prompt or "").strip()) if part)
    answering = getattr(args, "tool_results", None) or getattr(args, "tool_errors", None)
    if not prompt and not answering:
        raise OpenMaaSError(
            ErrorCode.EMPTY_MESSAGE,
            "nothing to send",
            hint='give a prompt: openmaas ask "…" or echo "…" | openmaas ask',
        )
    return prompt


def ask_params(args: argparse.Namespace, base: RequestParams) -> RequestParams:
    """The request parameters: ``base`` (a preset's, a continued session's:
    :func:`~openmaas_tui.cli.ask_session.base_params`), with each option given on the command
    line in their place."""
    given = {
        name: getattr(args, name)
        for name in ("system", "temperature", "top_p", "max_tokens")
        if getattr(args, name) is not None
    }
    if args.stop:
        given["stop"] = tuple(args.stop)
    return replace(base, **given, **stream_given(args))


async def _start(
    services: Services,
    target: Target,
    request: ChatRequest,
    new: tuple[Message, ...],
    continued: Continued | None,
    kept: dict[str, Any],
    err: TextIO,
) -> StreamRecorder | None:
    """Record ``new`` (the prompt, or the tool results and a prompt) and an empty answer: in a
    new session, or at the end of the one continued; None when the history is not written.
    ``kept`` (:func:`~openmaas_tui.cli.ask_session.session_defaults`: the settings, the API
    and the base URL asked with) becomes the session's, so that ``--session`` goes on as it
    was asked."""
    store = await services.history()
    if store.problem is not None:
        err.write(terminal_safe(f"note: not saved in the history: {store.problem.message}\n"))
        return None
    provider, model = target.route.provider, target.route.model
    params = request_params(request)
    if request.tools:
        params |= tools_params(request.tools, request.tool_choice)
    api = api_of(kept["params"])
    if api is not None:
        params["api"] = api
    try:
        if continued is None:
            session = await store.call(
                Store.create_session,
                provider=provider,
                model=model,
                source=SessionSource.ASK,
                **kept,
            )
            session_id = session.id
        else:
            session_id = continued.session.id
            await store.call(Store.set_defaults, session_id, provider=provider, model=model, **kept)
        for message in new:
            await store.call(
                Store.add_message,
                session_id,
                message.role,
                message.text,
                attachments=attachments_of_content(message.content),
                provider=provider,
                model=model,
                params=params,
                tool_call_id=message.tool_call_id,
                tool_name=message.tool_name,
                is_error=message.is_error,
            )
        return await StreamRecorder.start(
            store,
            session_id,
            provider=provider,
            model=model,
            params=params,
            source=SpendSource.ASK,
        )
    except OpenMaaSError as exc:
        err.write(terminal_safe(f"note: not saved in the history: {exc.message}\n"))
        return None


async def run_ask(
    services: Services, args: argparse.Namespace, prompt: str, out: TextIO, err: TextIO
) -> Exchange:
    """Send ``prompt`` and stream the answer to ``out`` (or collect it for ``--json``).

    Returns:
        The ended exchange: its :attr:`~Exchange.record` holds the (possibly partial) answer
        and, for a failure after sending, the error.

    Raises:
        OpenMaaSError: when the request cannot even be made (routing, MISSING_KEY; a
            parameter outside the provider's range is INVALID_REQUEST naming the range).
        asyncio.CancelledError: ctrl+c; what arrived is recorded as stopped first.
    """
    preset = (
        find_preset(presets_path(services.paths), args.preset)
        if getattr(args, "preset", None)
        else None
    )
    images = read_attachments(args)
    continued = None
    if getattr(args, "session", None):
        continued = await continue_session(await services.history(), args)
    elif getattr(args, "tool_results", None) or getattr(args, "tool_errors", None):
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            "--tool-result answers a session's tool calls: name it with --session ID",
        )
    model = args.model or (preset.model if preset is not None else None)
    provider = args.provider
    if continued is not None and model is None:
        model, provider = continued.session.model, provider or continued.session.provider
    spec = services.providers.model_for(model, provider)
    base_url, api = endpoint_for(services.providers, spec, provider, args, continued)
    target = await services.providers.target(spec, provider=provider, base_url=base_url, api=api)
    new = (*continued.results,) if continued is not None else ()
    if prompt or images:
        new = (*new, user_message(prompt, images))
    history = continued.history if continued is not None else ()
    chosen = ask_params(args, base_params(preset, continued))
    check_ranges(chosen, ranges_for(target.route.provider, target.protocol), model=target.route.ref)
    params = chosen.request(target.route.model, (*history, *new))
    params = apply_thinking_budget(params, args, target.route.provider)
    tools, choice = tools_of(continued.session.params) if continued is not None else ((), None)
    if getattr(args, "tools", None):
        tools = load_tools(args.tools)
    choice = tool_choice(args) or choice
    request, notes = target.prepare(replace(params, tools=tools, tool_choice=choice))
    for note in notes:
        err.write(terminal_safe(f"note: {note}\n"))
    price = services.prices.price(target.route.provider, target.route.model)
    recorder = None
    if not getattr(args, "no_log", False):
        kept = session_defaults(replace(chosen, tools=tools, tool_choice=choice), api, base_url)
        recorder = await _start(services, target, request, new, continued, kept, err)
    exchange = Exchange(target, request, price, recorder=recorder, live_estimate=False)
    show = not args.json
    answer = TerminalStream()  # the model's words shown inert
    reasoning = ReasoningEcho(err, shown=show and err.isatty())
    server = ServerToolEcho(err, shown=show and err.isatty())
    try:
        async with aclosing(exchange.events()) as events:
            async for event in events:
                if show and isinstance(event, TextDelta):
                    reasoning.end()
                    out.write(answer.feed(event.text))
                    out.flush()
                elif isinstance(event, ReasoningDelta):
                    reasoning.feed(event.text)
                elif isinstance(event, ServerToolUse):
                    reasoning.end()
                    text = exchange.meter.builder.text
                    server.feed(event.call, mid_line=bool(text) and not text.endswith("\n"))
                elif isinstance(event, RetryWait):
                    err.write(f"note: {event.text}\n")
                    err.flush()
    finally:
        reasoning.end()
        server.end()
        if show:
            out.write(answer.flush())
        await exchange.saved()  # on disk before the process ends, also after ctrl+c
    if exchange.storage_error is not None:
        err.write(
            terminal_safe(
                f"note: the answer was not fully saved: {exchange.storage_error.message}\n"
            )
        )
    text = exchange.meter.builder.text
    if show and text and not text.endswith("\n"):
        out.write("\n")
    calls = exchange.meter.builder.build().tool_calls
    if show and calls:
        print_tool_calls(calls, out)
        if recorder is not None and recorder.session_id:
            # the session keeps the server; the note names it too, so the command reads whole
            url = f"--base-url {shlex.quote(base_url)} " if base_url else ""
            err.write(
                terminal_safe(
                    f"note: answer with: openmaas ask --session {recorder.session_id[:8]} "
                    f"{url}--tool-result CALL_ID=TEXT (one per call)\n"
                )
            )
    return exchange


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run ``openmaas ask``; returns the exit status."""
    out, err = sys.stdout, sys.stderr
    apply_timeout(services, args)
    try:
        prompt = read_prompt(args, sys.stdin)
        exchange = await run_ask(services, args, prompt, out, err)
    except OpenMaaSError as exc:
        if args.json:
            out.write(
                json_terminal_safe(json.dumps(unsent_json(args, exc), allow_nan=False)) + "\n"
            )
        print_error(exc, err)
        return 1
    record = exchange.record
    assert record is not None  # the exchange ran to its end
    if args.json:
        recorder = exchange.recorder
        session_id = recorder.session_id if isinstance(recorder, StreamRecorder) else None
        result = result_json(record, session_id, prompt_images(exchange.request))
        shown = json.dumps(result, ensure_ascii=False, allow_nan=False)
        out.write(json_terminal_safe(shown) + "\n")
    if exchange.error is not None:
        print_error(exchange.error, err)
        return 1
    if err.isatty() and not args.json:
        err.write(f"\x1b[2m{exchange.counters()}\x1b[0m\n")
    return 0
