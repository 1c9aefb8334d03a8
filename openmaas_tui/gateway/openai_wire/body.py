"""A whole answer as one OpenAI ``chat.completion`` body
(https://platform.openai.com/docs/api-reference/chat/object)."""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.gateway.openai_wire.chunks import FINISH_REASONS


def completion_body(
    record: AnswerRecord, *, answer_id: str, created: int, model: str, usage: dict[str, Any]
) -> dict[str, Any]:
    """The ``chat.completion`` object for an ended answer; ``usage`` from
    :func:`~openmaas_tui.gateway.openai_wire.usage.usage_object`."""
    message: dict[str, Any] = {"role": "assistant", "content": record.text, "refusal": None}
    if record.reasoning:
        message["reasoning_content"] = record.reasoning
    if record.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.id or f"call_{index}",
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for index, call in enumerate(record.tool_calls)
        ]
    finish = FINISH_REASONS[record.finish_reason] if record.finish_reason else "stop"
    return {
        "id": answer_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage,
    }
