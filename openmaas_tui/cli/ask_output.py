"""What ``openmaas ask`` prints at the end: the ``--json`` object of an answer or of a request
that could not be sent, and an error with its code and hint (never a traceback)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, TextIO

from openmaas_tui.cli.ask_server_tools import server_tools_json
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.exchange.retry import format_wait
from openmaas_tui.core.history.blobs import image_attachment
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.tools import call_id_for
from openmaas_tui.core.types import ChatRequest, ImagePart, Role, Usage


def attachments_json(images: Sequence[ImagePart]) -> list[dict[str, Any]]:
    """The ``attachments`` of ``--json``: per image sent with the prompt, in order, its
    ``name`` (the file's, no directory), ``media_type``, ``size_bytes`` (decoded) and
    ``sha256`` (hex, of the bytes: the id the history keeps it under)."""
    shown = []
    for image in images:
        kept = image_attachment(image)
        shown.append({k: kept[k] for k in ("name", "media_type", "size_bytes", "sha256")})
    return shown


def prompt_images(request: ChatRequest) -> tuple[ImagePart, ...]:
    """The images of the prompt just sent: those of the request's last message when the
    person wrote it (none when it answers tool calls)."""
    last = request.messages[-1] if request.messages else None
    if last is None or last.role is not Role.USER or isinstance(last.content, str):
        return ()
    return tuple(p for p in last.content if isinstance(p, ImagePart))


def result_json(
    record: AnswerRecord, session_id: str | None = None, images: Sequence[ImagePart] = ()
) -> dict[str, Any]:
    """The ``--json`` object: text, reasoning, tool_calls (``id``, ``name``, ``arguments`` as
    the JSON string), finish_reason (our vocabulary), finish_reason_raw, model, provider,
    usage, ttft_ms, duration_ms, cost_usd, error, state (``complete``, ``interrupted``,
    ``error``, ``stopped``), server_tools (the tools the provider ran itself:
    :func:`~openmaas_tui.cli.ask_server_tools.server_tools_json`; never in tool_calls),
    retry_after_s (the seconds the provider asked to wait after a 429
    / 503 / 529, else null) and session (the history's session id, to continue it with
    ``--session``; null with ``--no-log``) and attachments (the prompt's images:
    :func:`attachments_json`)."""
    ttft, duration = record.ttft_ms, record.duration_ms
    return {
        "text": record.text,
        "reasoning": record.reasoning,
        "tool_calls": [
            {"id": call_id_for(t, i), "name": t.name, "arguments": t.arguments}
            for i, t in enumerate(record.tool_calls)
        ],
        "server_tools": server_tools_json(record.server_tools),
        "finish_reason": str(record.finish_reason) if record.finish_reason else None,
        "finish_reason_raw": record.finish_reason_raw,
        "model": record.model,
        "provider": record.provider,
        "usage": (record.usage or Usage()).as_dict(),
        "ttft_ms": round(ttft, 1) if ttft is not None else None,
        "duration_ms": round(duration, 1) if duration is not None else None,
        "cost_usd": record.cost_usd,
        "error": record.error,
        "state": str(record.state),
        "retry_after_s": record.retry_after_s,
        "session": session_id,
        "attachments": attachments_json(images),
    }


def unsent_json(args: argparse.Namespace, error: OpenMaaSError) -> dict[str, Any]:
    """The ``--json`` object for a request that could not be sent: the same fields as
    :func:`result_json`, empty, with the error."""
    empty = AnswerRecord(model=args.model, provider=error.provider or args.provider)
    return {
        **result_json(empty),
        "error": error.as_dict(),
        "state": "error",
        "retry_after_s": error.retry_after,
    }


def print_error(error: OpenMaaSError, err: TextIO) -> None:
    """Print ``error`` with its code, the provider's wait and the hint, never a traceback; a
    provider's words in it are made inert
    (:func:`~openmaas_tui.core.text.terminal.terminal_safe`)."""
    err.write(terminal_safe(f"error {error.code}: {error.message}\n"))
    if error.retry_after is not None:
        err.write(f"  retry after: {format_wait(error.retry_after)} (the provider's wait)\n")
    if error.hint:
        err.write(terminal_safe(f"  hint: {error.hint}\n"))
