"""Bedrock Converse wire facts: the request path and body, stop reasons, usage, and the
non-streaming ``Converse`` answer.

API reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
and https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
(``POST /model/{modelId}/converse`` and ``/converse-stream``), the content blocks of
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html and the
usage object of https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from openmaas_tui.core.reasoning import BEDROCK, REDACTED_LINE, ReasoningBlock, ReasoningBlocks
from openmaas_tui.core.server_tools import ServerToolCall, fold, text_of
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
    ToolChoiceMode,
    Usage,
)
from openmaas_tui.providers.base import text_or_none, token_count

THINKING_MAX_TOKENS = 4096
"""Answer tokens allowed beside a Claude thinking budget when the request sets no
``max_tokens`` (Claude requires ``maxTokens`` above ``budget_tokens``)."""

_FINISH: dict[str, FinishReason] = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "tool_use": FinishReason.TOOL_CALLS,
    "guardrail_intervened": FinishReason.CONTENT_FILTER,
    "content_filtered": FinishReason.CONTENT_FILTER,
    "malformed_model_output": FinishReason.ERROR,
    "malformed_tool_use": FinishReason.ERROR,
}
"""``stopReason`` values (API_runtime_ConverseStream, ``MessageStopEvent``)."""

_IMAGE_FORMATS = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}


def model_path(model: str, operation: str) -> str:
    """``/model/{modelId}/{operation}`` with the model id percent-encoded whole: a plain id
    (``amazon.nova-micro-v1:0``), an inference profile (``us.anthropic.claude-…``) or an ARN
    (``arn:aws:bedrock:…:inference-profile/…``, its ``/`` encoded too)."""
    return f"/model/{quote(model, safe='')}/{operation}"


def finish_reason(raw: str) -> FinishReason:
    """Our reason for a Bedrock ``stopReason`` (values added later count as a normal stop)."""
    return _FINISH.get(raw, FinishReason.STOP)


def _block(part: Any) -> dict[str, Any]:
    if isinstance(part, ImagePart):
        fmt = _IMAGE_FORMATS.get(part.media_type, part.media_type.rpartition("/")[2])
        return {"image": {"format": fmt, "source": {"bytes": part.data_base64}}}
    return {"text": part.text}


def _message(message: Message) -> dict[str, Any]:
    if message.role is Role.TOOL:
        result = {
            "toolUseId": message.tool_call_id or "",
            "content": [{"text": message.text}],
            "status": "error" if message.is_error else "success",
        }
        return {"role": "user", "content": [{"toolResult": result}]}
    content: list[dict[str, Any]] = [
        reasoning_block(b) for b in message.reasoning_blocks if b.replayable_to(BEDROCK)
    ]
    if isinstance(message.content, str):
        if message.content or not (message.tool_calls or content):
            content.append({"text": message.content})
    else:
        content += [_block(p) for p in message.content]
    for index, call in enumerate(message.tool_calls):
        arguments = call.arguments_object()
        tool_use = {
            "toolUseId": call_id_for(call, index),
            "name": call.name,
            "input": arguments if isinstance(arguments, dict) else {},
        }
        content.append({"toolUse": tool_use})
    return {"role": str(message.role), "content": content}


def reasoning_block(block: ReasoningBlock) -> dict[str, Any]:
    """A kept reasoning block as Converse takes it back, before the turn's text and tool uses:
    ``{"reasoningContent": {"reasoningText": {"text", "signature"}}}`` or
    ``{"reasoningContent": {"redactedContent": BASE64}}``
    (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html)."""
    if block.redacted is not None:
        return {"reasoningContent": {"redactedContent": block.redacted}}
    text: dict[str, Any] = {"text": block.text}
    if block.signature is not None:
        text["signature"] = block.signature
    return {"reasoningContent": {"reasoningText": text}}


def _messages(request: ChatRequest) -> list[dict[str, Any]]:
    """``messages``, with consecutive tool results (answers to parallel calls) in one user
    turn, as Converse wants them."""
    messages: list[dict[str, Any]] = []
    previous: Message | None = None
    for message in request.messages:
        entry = _message(message)
        if previous is not None and previous.role is Role.TOOL and message.role is Role.TOOL:
            messages[-1]["content"].extend(entry["content"])
        else:
            messages.append(entry)
        previous = message
    return messages


def tool_config(request: ChatRequest) -> dict[str, Any] | None:
    """``toolConfig``: ``tools: [{"toolSpec": {"name", "description", "inputSchema": {"json":
    SCHEMA}}}]`` and ``toolChoice`` (``{"auto": {}}``, ``{"any": {}}`` for required,
    ``{"tool": {"name"}}``); Converse has no "none", so ``none`` sends no tools at all (a
    conversation that already holds tool calls keeps them, as Converse requires the tools
    then) (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html,
    https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html)."""
    choice = request.tool_choice
    used = any(m.tool_calls or m.role is Role.TOOL for m in request.messages)
    if not request.tools or (
        choice is not None and choice.mode is ToolChoiceMode.NONE and not used
    ):
        return None
    tools = []
    for tool in request.tools:
        spec: dict[str, Any] = {"name": tool.name}
        if tool.description:
            spec["description"] = tool.description
        spec["inputSchema"] = {"json": tool.schema()}
        tools.append({"toolSpec": spec})
    config: dict[str, Any] = {"tools": tools}
    if choice is not None and choice.mode is ToolChoiceMode.FUNCTION:
        config["toolChoice"] = {"tool": {"name": choice.name}}
    elif choice is not None and choice.mode is ToolChoiceMode.REQUIRED:
        config["toolChoice"] = {"any": {}}
    elif choice is not None and choice.mode is ToolChoiceMode.AUTO:
        config["toolChoice"] = {"auto": {}}
    return config


def _model_fields(request: ChatRequest) -> dict[str, Any]:
    """``additionalModelRequestFields``: a Claude thinking budget
    (https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html)
    or a gpt-oss reasoning effort, passed to the model as its own API names them."""
    fields: dict[str, Any] = {}
    if request.thinking_budget is not None and "anthropic." in request.model:
        fields["thinking"] = {"type": "enabled", "budget_tokens": request.thinking_budget}
    if request.reasoning_effort is not None and "openai." in request.model:
        fields["reasoning_effort"] = request.reasoning_effort
    return fields


def request_body(request: ChatRequest) -> dict[str, Any]:
    """The Converse / ConverseStream JSON body for ``request``.

    ``messages`` hold content blocks (``text``; ``image`` with ``format`` and base64
    ``source.bytes``); the system prompt is ``system: [{"text"}]``; ``inferenceConfig`` carries
    ``maxTokens``, ``temperature``, ``topP`` and ``stopSequences`` when set. Reasoning goes in
    ``additionalModelRequestFields`` (see :func:`_model_fields`); with a Claude thinking budget
    and no ``max_tokens``, ``maxTokens`` is the budget plus :data:`THINKING_MAX_TOKENS`.
    ``seed``, the penalties and response formats have no Converse field and are not sent;
    Tools go in ``toolConfig`` (:func:`tool_config`); an assistant turn's calls are ``toolUse``
    blocks and a tool result a ``toolResult`` block (``toolUseId``, ``content: [{"text"}]``,
    ``status``) in a user turn
    (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html).
    """
    body: dict[str, Any] = {"messages": _messages(request)}
    tools = tool_config(request)
    if tools is not None:
        body["toolConfig"] = tools
    if request.system:
        body["system"] = [{"text": request.system}]
    extra = _model_fields(request)
    config: dict[str, Any] = {}
    max_tokens = request.max_tokens
    if max_tokens is None and "thinking" in extra:
        max_tokens = request.thinking_budget + THINKING_MAX_TOKENS  # type: ignore[operator]
    if max_tokens is not None:
        config["maxTokens"] = max_tokens
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.top_p is not None:
        config["topP"] = request.top_p
    if request.stop:
        config["stopSequences"] = list(request.stop)
    if config:
        body["inferenceConfig"] = config
    if extra:
        body["additionalModelRequestFields"] = extra
    return body


def usage_from(raw: dict[str, Any]) -> Usage:
    """Our :class:`Usage` from a Bedrock ``usage`` object. Bedrock counts ``inputTokens``
    apart from the prompt cache, so input is ``inputTokens + cacheReadInputTokens +
    cacheWriteInputTokens`` and cached is ``cacheReadInputTokens``; reasoning is not counted
    apart (it is part of ``outputTokens``).

    Raises:
        ValueError: a count that is not a non-negative integer (see :func:`.token_count`).
        AttributeError: ``raw`` is not an object.
    """
    plain = token_count(raw.get("inputTokens"))
    read = token_count(raw.get("cacheReadInputTokens"))
    write = token_count(raw.get("cacheWriteInputTokens"))
    total_in = None
    if plain is not None or read is not None or write is not None:
        total_in = (plain or 0) + (read or 0) + (write or 0)
    return Usage(
        input_tokens=total_in,
        output_tokens=token_count(raw.get("outputTokens")),
        cached_input_tokens=read,
    )


def is_server_tool(tool_use: dict[str, Any]) -> bool:
    """Whether a ``toolUse`` block runs on Bedrock's side (``type: server_tool_use``, e.g.
    Nova's code interpreter): not a call for the client to answer."""
    return tool_use.get("type") == "server_tool_use"


def _id(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def server_result_text(content: Any) -> str:
    """A server tool's ``toolResult`` content (a list of ``{"json"}`` or ``{"text"}``) as
    text: a code interpreter's ``stdOut`` and ``stdErr``, any other JSON compact."""
    pieces: list[str] = []
    for item in content if isinstance(content, list) else [content]:
        value = item.get("json", item.get("text")) if isinstance(item, dict) else item
        if isinstance(value, dict) and ("stdOut" in value or "stdErr" in value):
            pieces += [text_of(value[k]) for k in ("stdOut", "stdErr") if value.get(k)]
        elif value is not None:
            pieces.append(text_of(value))
    return "\n".join(pieces)


def parse_converse(payload: dict[str, Any], model: str) -> Completion:
    """A :class:`Completion` from a ``Converse`` answer: ``output.message.content`` blocks
    (``text``; ``reasoningContent.reasoningText.text``; client ``toolUse`` with its ``input``
    object as a JSON string), ``stopReason`` and ``usage``.

    Raises:
        KeyError, TypeError, AttributeError, ValueError: when the body does not have the
            documented shape.
    """
    text: list[str] = []
    reasoning: list[str] = []
    blocks = ReasoningBlocks()
    calls: list[ToolCall] = []
    server: list[ServerToolCall] = []
    content = payload["output"]["message"]["content"]
    if type(content) is not list:
        raise TypeError(f"content is {content!r}")
    for block in content:
        if "text" in block:
            text.append(text_or_none(block["text"]) or "")
        elif "reasoningContent" in block:
            delta = reasoning_delta(block["reasoningContent"])
            reasoning.append(delta.text)
            blocks.add(delta)
        elif "toolUse" in block and is_server_tool(block["toolUse"]):
            use = block["toolUse"]
            given = json.dumps(use.get("input") or {}, ensure_ascii=False)
            server.append(ServerToolCall(_id(use["toolUseId"]), _id(use["name"]), given))
        elif "toolResult" in block:
            result = block["toolResult"]
            status = text_or_none(result.get("status"))
            shown = server_result_text(result.get("content"))
            server.append(ServerToolCall(_id(result["toolUseId"]), "", "", shown, status))
        elif "toolUse" in block:
            use = block["toolUse"]
            arguments = json.dumps(use.get("input") or {}, ensure_ascii=False)
            name, call_id = text_or_none(use["name"]) or "", text_or_none(use.get("toolUseId"))
            calls.append(ToolCall(name=name, arguments=arguments, id=call_id))
    raw = text_or_none(payload.get("stopReason"))
    return Completion(
        text="".join(text),
        reasoning="".join(reasoning) if reasoning else None,
        tool_calls=tuple(calls),
        finish_reason=finish_reason(raw) if raw else None,
        finish_reason_raw=raw,
        usage=usage_from(payload.get("usage") or {}),
        model=model,
        reasoning_blocks=blocks.replayable(),
        server_tools=fold(server),
    )


def reasoning_delta(content: dict[str, Any]) -> ReasoningDelta:
    """A ``reasoningContent`` object as one reasoning delta: a whole block of a ``Converse``
    answer (``reasoningText``: ``text``, ``signature``) or a stream's piece (``text``,
    ``signature``); ``redactedContent`` (base64) shows as ``[redacted thinking]``.

    Raises:
        TypeError, AttributeError: when the object does not have the documented shape.
    """
    redacted = text_or_none(content.get("redactedContent"))
    if redacted is not None:
        return ReasoningDelta(REDACTED_LINE, redacted=redacted, origin=BEDROCK)
    whole = content.get("reasoningText") or content
    text, signature = text_or_none(whole.get("text")), text_or_none(whole.get("signature"))
    return ReasoningDelta(text or "", signature, origin=BEDROCK)
