"""Pieces of the Chat Completions wire that other protocols speaking the same shape reuse
(Mistral's chat completions, Cohere v2 chat): the messages with the system prompt first,
message content with images, tool calls and tool results, ``tools`` and ``tool_choice``,
and ``response_format``.

Wire reference: https://platform.openai.com/docs/api-reference/chat/create.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openmaas_tui.core.tools import call_id_for
from openmaas_tui.core.types import (
    ChatRequest,
    ContentPart,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
)


def message_content(content: str | tuple[ContentPart, ...]) -> str | list[dict[str, Any]]:
    """A message's ``content``: the string itself, or typed parts with images as ``data:`` URLs
    (https://platform.openai.com/docs/guides/images-vision#giving-a-model-images-as-input)."""
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, ImagePart):
            url = f"data:{part.media_type};base64,{part.data_base64}"
            parts.append({"type": "image_url", "image_url": {"url": url}})
        else:
            parts.append({"type": "text", "text": part.text})
    return parts


def chat_message(message: Message) -> dict[str, Any]:
    """One message of ``messages``: ``{"role", "content"}``; an assistant turn that called
    tools adds ``tool_calls`` (``{"id", "type": "function", "function": {"name",
    "arguments"}}``, arguments as the JSON string) and a tool result is ``{"role": "tool",
    "tool_call_id", "content"}`` (https://platform.openai.com/docs/api-reference/chat/create,
    messages: assistant message, tool message;
    https://platform.openai.com/docs/guides/function-calling)."""
    if message.role is Role.TOOL:
        return {
            "role": "tool",
            "tool_call_id": message.tool_call_id or "",
            "content": message.text,
        }
    entry: dict[str, Any] = {
        "role": message.role.value,
        "content": message_content(message.content),
    }
    if message.tool_calls:
        entry["tool_calls"] = [
            {
                "id": call_id_for(call, index),
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments or "{}"},
            }
            for index, call in enumerate(message.tool_calls)
        ]
        if not message.text:
            entry["content"] = None  # "Required unless tool_calls ... is specified"
    return entry


def chat_messages(request: ChatRequest) -> list[dict[str, Any]]:
    """``messages``: the system prompt (when there is one) as the first ``system`` message, then
    each message (see :func:`chat_message`)."""
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.extend(chat_message(message) for message in request.messages)
    return messages


def add_tools(body: dict[str, Any], request: ChatRequest) -> None:
    """Put ``tools`` (OpenAI function tools) and, when set, ``tool_choice`` (``auto``,
    ``none``, ``required`` or ``{"type": "function", "function": {"name"}}``) into ``body``;
    nothing without tools (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools,
    #chat-create-tool_choice)."""
    if not request.tools:
        return
    body["tools"] = [tool.to_openai() for tool in request.tools]
    if request.tool_choice is not None:
        body["tool_choice"] = request.tool_choice.to_openai()


def response_format(fmt: ResponseFormat) -> dict[str, Any]:
    """``response_format``: ``{"type": "json_object"}``, or ``{"type": "json_schema",
    "json_schema": {"name", "schema"}}`` (https://platform.openai.com/docs/api-reference/chat/create
    and https://platform.openai.com/docs/guides/structured-outputs)."""
    if fmt.kind == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": fmt.name, "schema": fmt.schema}}
    return {"type": "json_object"}


def passthrough_body(
    body: Mapping[str, Any], model: str, stream: bool, stream_options: bool
) -> dict[str, Any]:
    """A client's own Chat Completions body made ready to send: ``model`` set to the routed
    model id, ``stream`` as asked, and on a stream ``stream_options.include_usage`` forced on
    (unless the server refuses ``stream_options``) so usage is always known; every other field
    goes as the client wrote it, ``stream_options``' other keys included."""
    sent = {**body, "model": model}
    if stream:
        sent["stream"] = True
        options = sent.get("stream_options")
        if stream_options:
            sent["stream_options"] = {
                **(options if isinstance(options, dict) else {}),
                "include_usage": True,
            }
        else:
            sent.pop("stream_options", None)
    else:
        sent.pop("stream", None)
        sent.pop("stream_options", None)
    return sent
