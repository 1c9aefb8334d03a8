"""Anthropic Messages wire facts: request headers and body, stop reasons, usage, and the
non-streaming message body.

API reference: https://docs.anthropic.com/en/api/messages (request and response fields:
``tools``, ``tool_choice``, ``tool_use`` and ``tool_result`` content blocks),
https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use (tool results
in a user turn, ``is_error``) and https://docs.anthropic.com/en/api/versioning (the
``anthropic-version`` header).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.models.catalog import find_model
from openmaas_tui.core.reasoning import ANTHROPIC, REDACTED_LINE, ReasoningBlock, ReasoningBlocks
from openmaas_tui.core.server_tools import ServerToolCall, fold
from openmaas_tui.core.tools import call_id_for
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    FinishReason,
    ImagePart,
    Message,
    ReasoningDelta,
    Role,
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    Usage,
)
from openmaas_tui.providers.anthropic.server_tools import (
    SERVER_TOOL_USE,
    is_result,
    result_of,
    use_of,
)
from openmaas_tui.providers.base import text_or_none, token_count

API_VERSION = "2023-06-01"
"""The ``anthropic-version`` header value (https://docs.anthropic.com/en/api/versioning)."""

FALLBACK_MAX_TOKENS = 4096
"""``max_tokens`` sent for a model the catalog does not know (the API requires the field)."""

MAX_TOKENS_CAP = 8192
"""Upper bound on the default ``max_tokens`` taken from the catalog. Claude 4 models allow
32k-64k output tokens, but a playground answer rarely needs that much, a large ``max_tokens``
weighs on the output-token rate limit, and the official SDK refuses non-streaming requests
whose ``max_tokens`` implies more than ten minutes of generation. Callers that want more set
``ChatRequest.max_tokens`` themselves; that value is sent as given."""

_FINISH: dict[str, FinishReason] = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "pause_turn": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "tool_use": FinishReason.TOOL_CALLS,
    "refusal": FinishReason.CONTENT_FILTER,
}

_USAGE_FIELDS = (
    "input_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "output_tokens",
)
"""The top-level counts of a ``usage`` object, each the name of a :class:`RawUsage` field."""


def headers(key: str | None) -> dict[str, str]:
    """Request headers: ``anthropic-version`` always, ``x-api-key`` only when there is a key."""
    result = {"anthropic-version": API_VERSION}
    if key is not None:
        result["x-api-key"] = key
    return result


CLIENT_HEADERS = ("anthropic-version", "anthropic-beta")
"""The request headers a client of the gateway chooses for itself when its Messages body goes
to Anthropic as sent: the API version and the beta features it asks for
(https://docs.anthropic.com/en/api/versioning, https://docs.anthropic.com/en/api/beta-headers)."""


def client_headers(given: Mapping[str, str]) -> dict[str, str]:
    """The :data:`CLIENT_HEADERS` among ``given`` (names in any case), and nothing else: no
    key or other header of a client ever goes upstream this way."""
    return {
        name.lower(): value
        for name, value in given.items()
        if name.lower() in CLIENT_HEADERS and value
    }


def default_max_tokens(provider: str, model: str) -> int:
    """The ``max_tokens`` to send when the request sets none: the model's catalog output limit
    capped at :data:`MAX_TOKENS_CAP`, or :data:`FALLBACK_MAX_TOKENS` for an unknown model."""
    info = find_model(provider, model) or find_model("anthropic", model)
    if info is None or info.max_output_tokens is None:
        return FALLBACK_MAX_TOKENS
    return min(info.max_output_tokens, MAX_TOKENS_CAP)


def _content(message: Message) -> str | list[dict[str, Any]]:
    if isinstance(message.content, str):
        return message.content
    blocks: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, ImagePart):
            source = {"type": "base64", "media_type": part.media_type, "data": part.data_base64}
            blocks.append({"type": "image", "source": source})
        else:
            blocks.append({"type": "text", "text": part.text})
    return blocks


def _blocks(message: Message) -> list[dict[str, Any]]:
    content = _content(message)
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def thinking_block(block: ReasoningBlock) -> dict[str, Any]:
    """A kept reasoning block as Anthropic takes it back: ``{"type": "thinking", "thinking",
    "signature"}`` or ``{"type": "redacted_thinking", "data"}``, unchanged
    (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks)."""
    if block.redacted is not None:
        return {"type": "redacted_thinking", "data": block.redacted}
    return {"type": "thinking", "thinking": block.text, "signature": block.signature or ""}


def _assistant_content(message: Message) -> str | list[dict[str, Any]]:
    """An assistant turn: its signed and redacted thinking blocks first (the API requires them
    back, unchanged, with a turn that called a tool under extended thinking), its text, then a
    ``tool_use`` block (``id``, ``name``, ``input`` as an object) for each call it made."""
    thinking = [thinking_block(b) for b in message.reasoning_blocks if b.replayable_to(ANTHROPIC)]
    if not message.tool_calls and not thinking:
        return _content(message)
    blocks = [*thinking, *(_blocks(message) if message.text else [])]
    for index, call in enumerate(message.tool_calls):
        arguments = call.arguments_object()
        blocks.append(
            {
                "type": "tool_use",
                "id": call_id_for(call, index),
                "name": call.name,
                "input": arguments if isinstance(arguments, dict) else {},
            }
        )
    return blocks


def _tool_result(message: Message) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "tool_result",
        "tool_use_id": message.tool_call_id or "",
        "content": message.text,
    }
    if message.is_error:
        block["is_error"] = True
    return block


def messages(request: ChatRequest) -> list[dict[str, Any]]:
    """``messages``: each turn as ``{"role", "content"}``. Tool results travel as
    ``tool_result`` blocks in a user turn, consecutive results (parallel calls) in one turn, as
    the API requires; a user message right after them joins the same turn, after them."""
    result: list[dict[str, Any]] = []
    results: list[dict[str, Any]] | None = None  # the blocks of the last turn of tool results
    for message in request.messages:
        if message.role is Role.TOOL:
            if results is None:
                results = []
                result.append({"role": "user", "content": results})
            results.append(_tool_result(message))
        elif message.role is Role.ASSISTANT:
            results = None
            result.append({"role": "assistant", "content": _assistant_content(message)})
        elif results is not None:
            results.extend(_blocks(message))  # a user's words after the tool results
            results = None
        else:
            result.append({"role": "user", "content": _content(message)})
    return result


def tool_choice(choice: ToolChoice) -> dict[str, Any]:
    """``tool_choice``: ``{"type": "auto" | "any" | "none"}``, or ``{"type": "tool", "name"}``
    (OpenAI's ``required`` is Anthropic's ``any``)."""
    if choice.mode is ToolChoiceMode.FUNCTION:
        return {"type": "tool", "name": choice.name}
    kind = {"auto": "auto", "none": "none", "required": "any"}[choice.mode.value]
    return {"type": kind}


def add_tools(body: dict[str, Any], request: ChatRequest) -> None:
    """``tools`` as ``{"name", "description", "input_schema"}`` and, when set,
    ``tool_choice``; nothing without tools."""
    if not request.tools:
        return
    tools = []
    for tool in request.tools:
        entry: dict[str, Any] = {"name": tool.name}
        if tool.description:
            entry["description"] = tool.description
        entry["input_schema"] = tool.schema()
        tools.append(entry)
    body["tools"] = tools
    if request.tool_choice is not None:
        body["tool_choice"] = tool_choice(request.tool_choice)


def request_body(request: ChatRequest, provider: str, *, stream: bool) -> dict[str, Any]:
    """The JSON body of ``POST /v1/messages`` for ``request``.

    The system prompt goes in the top-level ``system`` field (the API has no system role);
    ``max_tokens`` is always present (the API requires it); ``seed``, the penalties, reasoning
    effort and response formats are never sent (the API has no such parameters). A thinking
    budget becomes ``thinking: {type: enabled, budget_tokens}``
    (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking); as the budget
    must stay below ``max_tokens``, the default ``max_tokens`` is then the budget plus the usual
    default. Unset parameters are left out.
    """
    max_tokens = request.max_tokens
    if max_tokens is None:
        max_tokens = default_max_tokens(provider, request.model)
        if request.thinking_budget is not None:
            max_tokens += request.thinking_budget
    body: dict[str, Any] = {
        "model": request.model,
        "messages": messages(request),
        "max_tokens": max_tokens,
    }
    if request.system:
        body["system"] = request.system
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop:
        body["stop_sequences"] = list(request.stop)
    if request.thinking_budget is not None:
        body["thinking"] = {"type": "enabled", "budget_tokens": request.thinking_budget}
    add_tools(body, request)
    if stream:
        body["stream"] = True
    return body


def finish_reason(raw: str) -> FinishReason:
    """Our reason for an Anthropic ``stop_reason`` (unknown values count as a normal stop)."""
    return _FINISH.get(raw, FinishReason.STOP)


@dataclass(slots=True)
class RawUsage:
    """Anthropic's usage counts as reported, merged across ``message_start`` and
    ``message_delta`` (a field the later report leaves out keeps its earlier value)."""

    input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    output_tokens: int | None = None
    thinking_tokens: int | None = None

    def merge(self, usage: dict[str, Any]) -> None:
        """Take the counts present in a ``usage`` object. ``output_tokens_details`` carries
        ``thinking_tokens`` (the reasoning part of ``output_tokens``) in newer responses.

        Raises:
            ValueError: a count that is not a non-negative integer (see :func:`.token_count`).
            AttributeError: ``usage`` is not an object.
        """
        for name in _USAGE_FIELDS:
            value = token_count(usage.get(name))
            if value is not None:
                setattr(self, name, value)
        details = usage.get("output_tokens_details")
        if isinstance(details, dict) and details.get("thinking_tokens") is not None:
            self.thinking_tokens = token_count(details["thinking_tokens"])

    def to_usage(self) -> Usage:
        """In our convention: input counts cache reads and cache writes too; cached = reads."""
        total_in: int | None = None
        if self.input_tokens is not None:
            total_in = (
                self.input_tokens
                + (self.cache_read_input_tokens or 0)
                + (self.cache_creation_input_tokens or 0)
            )
        return Usage(
            input_tokens=total_in,
            output_tokens=self.output_tokens,
            cached_input_tokens=self.cache_read_input_tokens,
            reasoning_tokens=self.thinking_tokens,
        )


def parse_message(payload: dict[str, Any], model: str) -> Completion:
    """A :class:`Completion` from a non-streaming message body (``type: message``).

    Text blocks are joined, thinking blocks become the reasoning (a ``redacted_thinking``
    block shows as ``[redacted thinking]``) and, with their signatures and redacted data, the
    reasoning blocks to send back; client ``tool_use`` blocks become tool calls with their
    ``input`` as a JSON string; server tool blocks (``server_tool_use``, ``*_tool_result``)
    become the completion's server tools.

    Raises:
        KeyError, TypeError, AttributeError, ValueError: when the body does not have the
            documented shape.
    """
    text: list[str] = []
    reasoning: list[str] = []
    blocks = ReasoningBlocks()
    calls: list[ToolCall] = []
    server: list[ServerToolCall] = []
    for block in payload["content"]:
        kind = block["type"]
        if kind == "text":
            text.append(block["text"])
        elif kind in ("thinking", "redacted_thinking"):
            delta = thinking_delta(block)
            reasoning.append(delta.text)
            blocks.add(delta)
        elif kind == "tool_use":
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
            name, call_id = text_or_none(block["name"]), text_or_none(block.get("id"))
            calls.append(ToolCall(name=name or "", arguments=arguments, id=call_id))
        elif kind == SERVER_TOOL_USE:
            server.append(use_of(block))
        elif is_result(kind):
            server.append(result_of(block))
    usage = RawUsage()
    usage.merge(payload.get("usage") or {})
    raw = text_or_none(payload.get("stop_reason"))
    return Completion(
        text="".join(text),
        reasoning="".join(reasoning) if reasoning else None,
        tool_calls=tuple(calls),
        finish_reason=finish_reason(raw) if raw else None,
        finish_reason_raw=raw,
        usage=usage.to_usage(),
        model=model,
        reasoning_blocks=blocks.replayable(),
        server_tools=fold(server),
    )


def thinking_delta(block: dict[str, Any]) -> ReasoningDelta:
    """A whole ``thinking`` block (``thinking``, ``signature``) or ``redacted_thinking`` block
    (``data``) as one reasoning delta.

    Raises:
        KeyError, TypeError: when the block does not have the documented shape.
    """
    if block["type"] == "redacted_thinking":
        return ReasoningDelta(REDACTED_LINE, redacted=_string(block["data"]), origin=ANTHROPIC)
    signature = text_or_none(block.get("signature"))
    return ReasoningDelta(_string(block["thinking"]), signature, origin=ANTHROPIC)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {type(value).__name__}")
    return value
