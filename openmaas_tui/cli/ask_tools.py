"""Tools for ``openmaas ask``: reading ``--tools FILE``, printing the model's tool calls, and
continuing a session with ``--session ID --tool-result CALL_ID=TEXT``.

A tool call is answered in a second ``ask``: the first prints each call's id, name and
arguments (and ``--json`` lists them with the ``session``); the second names that session and
gives one result per call. The conversation so far, the model, the tools and an API chosen
with ``--api`` come from the history, so only the results need saying again.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.records import StoredSession
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.tools import call_id_for, tools_from_json
from openmaas_tui.core.types import Message, Role, ToolCall, ToolChoice, ToolDefinition


def add_tool_arguments(parser: argparse.ArgumentParser) -> None:
    """``--tools``, ``--tool-choice``, ``--session`` and ``--tool-result``."""
    parser.add_argument(
        "--tools",
        metavar="FILE",
        help='a JSON list of OpenAI function tools ({"type": "function", "function": {"name", '
        '"description", "parameters"}}), or an object with them under "tools"',
    )
    parser.add_argument(
        "--tool-choice",
        dest="tool_choice",
        metavar="auto|none|required|NAME",
        help="whether the model may, may not or must call a tool, or which one it must call",
    )
    parser.add_argument(
        "--session",
        metavar="ID",
        help="continue this session of the history (an id or a unique prefix of it)",
    )
    parser.add_argument(
        "--tool-result",
        dest="tool_results",
        action="append",
        default=[],
        metavar="CALL_ID=TEXT",
        help="with --session: the result of the tool call CALL_ID (repeatable, one per call; "
        "CALL_ID=@FILE reads the file)",
    )
    parser.add_argument(
        "--tool-error",
        dest="tool_errors",
        action="append",
        default=[],
        metavar="CALL_ID=TEXT",
        help="with --session: the tool call CALL_ID failed, with this message",
    )


def load_tools(path: str) -> tuple[ToolDefinition, ...]:
    """The tools in the file at ``path``.

    Raises:
        OpenMaaSError: INVALID_REQUEST naming the file and the problem (unreadable, not UTF-8,
            not JSON, not a list of function tools).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise OpenMaaSError(ErrorCode.INVALID_REQUEST, f"{path}: {reason}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST, f"{path}: not JSON ({exc})", hint="check the file's syntax"
        ) from None
    return tools_from_json(data, path)


def tool_choice(args: argparse.Namespace) -> ToolChoice | None:
    """``--tool-choice`` as a :class:`ToolChoice`, or None when not given."""
    raw = getattr(args, "tool_choice", None)
    return ToolChoice.parse(raw) if raw else None


def tools_params(tools: Sequence[ToolDefinition], choice: ToolChoice | None) -> dict[str, Any]:
    """The tools and choice as recorded with a session (OpenAI's form), for the next ``ask``."""
    params: dict[str, Any] = {"tools": [tool.to_openai() for tool in tools]}
    if choice is not None:
        params["tool_choice"] = str(choice)
    return params


def tools_of(params: dict[str, Any]) -> tuple[tuple[ToolDefinition, ...], ToolChoice | None]:
    """The tools and choice a session recorded (see :func:`tools_params`)."""
    tools = tools_from_json(params.get("tools") or [], "the session's tools")
    raw = params.get("tool_choice")
    return tools, ToolChoice.parse(raw) if isinstance(raw, str) and raw else None


def print_tool_calls(calls: Sequence[ToolCall], out: TextIO) -> None:
    """Each call as ``tool call ID: NAME`` and its arguments pretty-printed, made inert
    (:func:`~openmaas_tui.core.text.terminal.terminal_safe`)."""
    for index, call in enumerate(calls):
        arguments = call.arguments_object()
        shown = (
            json.dumps(arguments, indent=2, ensure_ascii=False)
            if not isinstance(arguments, str)
            else arguments
        )
        out.write(terminal_safe(f"tool call {call_id_for(call, index)}: {call.name}\n"))
        out.write(terminal_safe("".join(f"  {line}\n" for line in shown.splitlines())))


def _pairs(raw: Sequence[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for item in raw:
        call_id, sep, text = item.partition("=")
        if not sep or not call_id:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"{option} {item!r} is not CALL_ID=TEXT",
                hint=f"e.g. {option} call_abc123='{{\"temp_c\": 21}}'",
            )
        if text.startswith("@"):
            try:
                text = Path(text[1:]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                raise OpenMaaSError(
                    ErrorCode.INVALID_REQUEST, f"{option} {call_id}: cannot read {text[1:]}"
                ) from None
        pairs.append((call_id, text))
    return pairs


@dataclass(frozen=True, slots=True)
class Continued:
    """A session to continue: its record, the messages so far (as request context) and the
    tool results given now."""

    session: StoredSession
    history: tuple[Message, ...]
    results: tuple[Message, ...]


async def continue_session(store: AsyncStore, args: argparse.Namespace) -> Continued:
    """The session ``--session`` names and the results of its last answer's tool calls.

    Raises:
        OpenMaaSError: INVALID_REQUEST for an unknown session, a result for a call the last
            answer did not make, or a call left without a result; STORAGE_FAILED when the
            history cannot be read.
    """
    session_id = await store.call(Store.resolve_id, args.session)
    session = await store.call(Store.get_session, session_id)
    stored = await store.call(Store.messages, session_id)
    if session is None:
        raise OpenMaaSError(ErrorCode.INVALID_REQUEST, f"no session {args.session}")
    history = tuple(m.to_message() for m in stored)
    given = _pairs(args.tool_results, "--tool-result")
    errors = _pairs(args.tool_errors, "--tool-error")
    if not given and not errors:
        return Continued(session, history, ())
    last = next((m for m in reversed(history) if m.role is Role.ASSISTANT), None)
    calls = {call_id_for(c, i): c for i, c in enumerate(last.tool_calls)} if last else {}
    answered = {m.tool_call_id for m in history[history.index(last) :]} if last else set()
    results = []
    for (call_id, text), failed in [(p, False) for p in given] + [(p, True) for p in errors]:
        if call_id not in calls:
            known = ", ".join(calls) or "none"
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"the last answer of session {session.id[:8]} made no tool call {call_id}",
                hint=f"its calls: {known}",
            )
        results.append(Message.tool_result(call_id, calls[call_id].name, text, is_error=failed))
    missing = [c for c in calls if c not in answered and c not in {r.tool_call_id for r in results}]
    if missing:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"no result for the tool call {', '.join(missing)}",
            hint="give one --tool-result CALL_ID=TEXT per call",
        )
    return Continued(session, history, tuple(results))
