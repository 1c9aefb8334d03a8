"""Pieces of the Chat Completions wire that other protocols speaking the same shape reuse
(Mistral's chat completions, Cohere v2 chat): the messages with the system prompt first,
message content with images, ``response_format``, and reading a stream's tail after ``[DONE]``.

Wire reference: https://platform.openai.com/docs/api-reference/chat/create.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import httpx

from openmaas_tui.core.types import ChatRequest, ContentPart, ImagePart, ResponseFormat

DRAIN_S = 1.0
"""The most seconds spent reading what follows ``[DONE]``."""


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


def chat_messages(request: ChatRequest) -> list[dict[str, Any]]:
    """``messages``: the system prompt (when there is one) as the first ``system`` message, then
    each message as ``{"role", "content"}`` (see :func:`message_content`)."""
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.extend(
        {"role": message.role.value, "content": message_content(message.content)}
        for message in request.messages
    )
    return messages


def response_format(fmt: ResponseFormat) -> dict[str, Any]:
    """``response_format``: ``{"type": "json_object"}``, or ``{"type": "json_schema",
    "json_schema": {"name", "schema"}}`` (https://platform.openai.com/docs/api-reference/chat/create
    and https://platform.openai.com/docs/guides/structured-outputs)."""
    if fmt.kind == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": fmt.name, "schema": fmt.schema}}
    return {"type": "json_object"}


async def drain(response: httpx.Response) -> None:
    """Read what follows ``[DONE]`` (normally just the end of the chunked body) so the
    connection returns to the pool for the next request; give up after :data:`DRAIN_S`."""
    try:
        async with asyncio.timeout(DRAIN_S):
            async for _ in cast(httpx.AsyncByteStream, response.stream):
                pass
    except (TimeoutError, httpx.HTTPError):
        pass
