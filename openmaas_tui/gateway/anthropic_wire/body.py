"""A whole (not streamed) answer as Anthropic's Message object.

Reference: https://docs.anthropic.com/en/api/messages (the response: ``id``, ``type``,
``role``, ``model``, ``content``, ``stop_reason``, ``stop_sequence``, ``usage``). Content comes
in the order Anthropic gives it: the thinking block, then the text, then one ``tool_use`` block
per call.
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.types import ToolCall, Usage
from openmaas_tui.gateway.anthropic_wire.wire import (
    new_message_id,
    new_tool_use_id,
    stop_reason,
    usage_object,
)
from openmaas_tui.providers.anthropic.wire import thinking_block


def tool_input(arguments: str) -> dict[str, Any]:
    """A tool call's JSON argument string as the ``input`` object Anthropic gives: the parsed
    object, ``{}`` for an empty string, and ``{"arguments": <the string>}`` for anything that
    is not a JSON object (a model's broken JSON is handed on, not lost)."""
    if not arguments.strip():
        return {}
    try:
        value = json.loads(arguments)
    except (ValueError, RecursionError):
        return {"arguments": arguments}
    return value if isinstance(value, dict) else {"arguments": arguments}


def _tool_block(call: ToolCall) -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": call.id or new_tool_use_id(),
        "name": call.name,
        "input": tool_input(call.arguments),
    }


def message_body(
    record: AnswerRecord,
    *,
    model: str,
    message_id: str | None = None,
    usage: Usage | None = None,
    input_tokens: int = 0,
) -> dict[str, Any]:
    """The Message object for a finished answer.

    Args:
        record: how the exchange ended (its text, reasoning, tool calls, finish and usage).
        model: the ``model`` to name (the model the client asked for, say).
        message_id: the ``id``; a fresh ``msg_…`` by default.
        usage: the counts to report; default ``record.usage``.
        input_tokens: ``usage.input_tokens`` when no count of the prompt is known.

    Returns:
        ``{"id", "type": "message", "role": "assistant", "model", "content": [...],
        "stop_reason", "stop_sequence": None, "usage": {...}}``; ``content`` holds a
        ``thinking`` block (with an empty ``signature``: no other provider signs its
        reasoning), a ``text`` block and ``tool_use`` blocks, each only when there is one.
    """
    content: list[dict[str, Any]] = []
    if record.reasoning_blocks:
        content.extend(thinking_block(block) for block in record.reasoning_blocks)
    elif record.reasoning:
        content.append({"type": "thinking", "thinking": record.reasoning, "signature": ""})
    if record.text:
        content.append({"type": "text", "text": record.text})
    for call in record.tool_calls:
        if call.signature:  # Gemini's signature of the call, where the next turn keeps it
            content.append({"type": "thinking", "thinking": "", "signature": call.signature})
        content.append(_tool_block(call))
    reason = stop_reason(
        record.finish_reason, record.finish_reason_raw, called_tools=bool(record.tool_calls)
    )
    return {
        "id": message_id or new_message_id(),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": reason,
        "stop_sequence": None,
        "usage": usage_object(usage or record.usage, input_fallback=input_tokens),
    }


def message_bytes(
    record: AnswerRecord,
    *,
    model: str,
    message_id: str | None = None,
    usage: Usage | None = None,
    input_tokens: int = 0,
) -> bytes:
    """:func:`message_body` as the JSON bytes of a response (UTF-8; a lone surrogate in the
    text, which UTF-8 cannot carry, is written escaped)."""
    body = message_body(
        record, model=model, message_id=message_id, usage=usage, input_tokens=input_tokens
    )
    text = json.dumps(body, ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(body).encode()
