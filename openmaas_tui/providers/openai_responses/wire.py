"""The request body of OpenAI's Responses API (``POST {base_url}/responses``).

Wire reference: https://platform.openai.com/docs/api-reference/responses/create (read 2026-05).

- ``input`` is a list of messages ``{"role", "content"}``; a user turn with images has typed
  parts (``input_text``, ``input_image`` with a ``data:`` URL), an assistant turn is its text.
  The system prompt travels as ``instructions``.
- ``max_output_tokens`` bounds the answer, reasoning included.
- Reasoning models take ``reasoning: {"effort", "summary"}``; ``summary: "auto"`` asks for the
  reasoning summary that streams as ``response.reasoning_summary_text.delta``.
- JSON mode is ``text.format``: ``{"type": "json_object"}`` or ``{"type": "json_schema",
  "name", "schema"}`` (flat, unlike Chat Completions' nested ``json_schema``).
- ``store: false``: nothing is kept on OpenAI's side; every request carries the whole
  conversation, as with Chat Completions. So a reasoning model is asked for
  ``include: ["reasoning.encrypted_content"]``, and an assistant turn's ``reasoning`` items
  (``id``, ``encrypted_content``, ``summary``) go back before its ``function_call`` items
  (https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items).
- There is no ``stop``, ``seed`` or penalty; those parameters are dropped before sending
  (:data:`~openmaas_tui.core.models.capabilities.RESPONSES_PARAMS`).
"""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.models.catalog import find_model
from openmaas_tui.core.reasoning import OPENAI_RESPONSES, ReasoningBlock
from openmaas_tui.core.tools import call_id_for
from openmaas_tui.core.types import (
    ChatRequest,
    ContentPart,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
)

_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5", "codex-")


def is_reasoning_model(provider: str, model: str) -> bool:
    """Whether ``model`` reasons (and so takes ``reasoning``): the catalog says so, or an
    OpenAI reasoning family's name (``o3…``, ``gpt-5…``, ``codex-…``) for a model or Azure
    deployment named after one."""
    info = find_model(provider, model) or find_model("openai", model)
    if info is not None:
        return info.reasoning
    return model.startswith(_REASONING_PREFIXES)


def _content(message: Message) -> str | list[dict[str, Any]]:
    """A message's ``content``: its text, or typed parts for a turn with images
    (https://platform.openai.com/docs/guides/images-vision?api-mode=responses). An
    ``input_image`` carries ``detail: auto``, the default, because the API reference marks the
    field required (https://platform.openai.com/docs/api-reference/responses/create,
    ``input_image.detail``)."""
    content: str | tuple[ContentPart, ...] = message.content
    if isinstance(content, str):
        return content
    if message.role is Role.ASSISTANT:
        return message.text
    parts: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, ImagePart):
            url = f"data:{part.media_type};base64,{part.data_base64}"
            parts.append({"type": "input_image", "image_url": url, "detail": "auto"})
        else:
            parts.append({"type": "input_text", "text": part.text})
    return parts


INCLUDE_ENCRYPTED = "reasoning.encrypted_content"
"""The ``include`` value that adds ``encrypted_content`` to reasoning items."""


def reasoning_item(block: ReasoningBlock) -> dict[str, Any]:
    """A kept reasoning block as the ``reasoning`` input item it came as: ``type``, ``id``,
    ``encrypted_content`` and ``summary`` (``summary_text`` parts)
    (https://platform.openai.com/docs/api-reference/responses/create, input item
    ``reasoning``)."""
    return {
        "type": "reasoning",
        "id": block.id,
        "encrypted_content": block.signature,
        "summary": [{"type": "summary_text", "text": part} for part in block.parts],
    }


def input_items(request: ChatRequest) -> list[dict[str, Any]]:
    """``input``: each message as ``{"role", "content"}``; an assistant turn's calls follow it
    as ``{"type": "function_call", "call_id", "name", "arguments"}`` items and a tool result is
    ``{"type": "function_call_output", "call_id", "output"}``; a turn that called tools sends
    its kept reasoning items (those of this wire, with their encrypted content) first, as they
    were answered, so the model carries its reasoning into the tool's result
    (https://platform.openai.com/docs/api-reference/responses/create#responses-create-input,
    https://platform.openai.com/docs/guides/function-calling?api-mode=responses)."""
    items: list[dict[str, Any]] = []
    for message in request.messages:
        if message.role is Role.TOOL:
            output = message.text
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message.tool_call_id or "",
                    "output": output,
                }
            )
            continue
        if message.tool_calls:
            items.extend(
                reasoning_item(block)
                for block in message.reasoning_blocks
                if block.replayable_to(OPENAI_RESPONSES) and block.id is not None
            )
        if message.text or not message.tool_calls:
            items.append({"role": message.role.value, "content": _content(message)})
        items.extend(
            {
                "type": "function_call",
                "call_id": call_id_for(call, index),
                "name": call.name,
                "arguments": call.arguments or "{}",
            }
            for index, call in enumerate(message.tool_calls)
        )
    return items


def add_tools(body: dict[str, Any], request: ChatRequest) -> None:
    """``tools`` as ``{"type": "function", "name", "description", "parameters", "strict"}``
    (flat, not nested under ``function``; ``strict`` sent as given, false by default, since
    the Responses API would otherwise hold every schema to strict mode) and ``tool_choice``
    (``auto``, ``none``, ``required`` or ``{"type": "function", "name"}``)
    (https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools)."""
    if not request.tools:
        return
    tools = []
    for tool in request.tools:
        entry: dict[str, Any] = {"type": "function", "name": tool.name}
        if tool.description:
            entry["description"] = tool.description
        entry["parameters"] = tool.schema()
        entry["strict"] = tool.strict
        tools.append(entry)
    body["tools"] = tools
    choice = request.tool_choice
    if choice is not None:
        body["tool_choice"] = (
            {"type": "function", "name": choice.name} if choice.name else choice.mode.value
        )


def text_format(fmt: ResponseFormat) -> dict[str, Any]:
    """``text.format`` for a JSON answer
    (https://platform.openai.com/docs/guides/structured-outputs?api-mode=responses)."""
    if fmt.kind == "json_schema":
        return {"type": "json_schema", "name": fmt.name, "schema": fmt.schema}
    return {"type": "json_object"}


def build_body(request: ChatRequest, *, provider: str, stream: bool) -> dict[str, Any]:
    """The JSON body for ``request``; parameters left as None are not sent.

    Args:
        request: what to ask (already stripped of what the model does not take).
        provider: the provider id, to look the model up in the catalog.
        stream: add ``stream: true``.
    """
    body: dict[str, Any] = {
        "model": request.model,
        "input": input_items(request),
        "store": False,
    }
    if request.system:
        body["instructions"] = request.system
    if request.max_tokens is not None:
        body["max_output_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if is_reasoning_model(provider, request.model):
        reasoning: dict[str, Any] = {"summary": "auto"}
        if request.reasoning_effort is not None:
            reasoning["effort"] = request.reasoning_effort
        body["reasoning"] = reasoning
        if body["store"] is False:  # the only way to carry reasoning over to the next turn
            body["include"] = [INCLUDE_ENCRYPTED]
    fmt = request.json_mode
    if fmt is not None:
        body["text"] = {"format": text_format(fmt)}
    add_tools(body, request)
    if stream:
        body["stream"] = True
    return body


__all__ = ["build_body", "is_reasoning_model", "text_format"]
