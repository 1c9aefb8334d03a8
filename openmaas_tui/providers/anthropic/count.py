"""Anthropic's token counting: ``POST /v1/messages/count_tokens``.

API reference: https://docs.anthropic.com/en/api/messages-count-tokens (now also at
https://platform.claude.com/docs/api/messages/count_tokens). The body is a Messages request
without ``max_tokens`` and the sampling parameters (``model``, ``messages``, ``system``,
``tools``, ``tool_choice``, ``thinking``); the answer is ``{"input_tokens": N}``, the total
over messages, system prompt and tools. Counting is free and has its own rate limit; the
count is an estimate ("the actual number of input tokens used when creating a message may
differ by a small amount"), so openMaaS shows it as a provider estimate.
"""

from __future__ import annotations

from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.types import ChatRequest
from openmaas_tui.providers.anthropic.wire import headers, request_body
from openmaas_tui.providers.base import load_json, parsing_failed, send_request, token_count

COUNT_FIELDS = frozenset({"model", "messages", "system", "tools", "tool_choice", "thinking"})
"""The Messages request fields that ``count_tokens`` accepts."""


def count_body(request: ChatRequest, provider: str) -> dict[str, Any]:
    """The ``count_tokens`` body for ``request``: its Messages body less what counting refuses."""
    body = request_body(request, provider, stream=False)
    return {k: v for k, v in body.items() if k in COUNT_FIELDS}


async def count_tokens(
    client: httpx.AsyncClient,
    provider: str,
    base_url: str,
    request: ChatRequest,
    creds: Credentials,
) -> int:
    """The provider's estimate of ``request``'s input tokens.

    Raises:
        OpenMaaSError: from the HTTP status or transport (AUTH_FAILED, INVALID_MODEL, ...);
            STREAM_PARSING_FAILED when the answer carries no ``input_tokens`` count.
    """
    response = await send_request(
        client,
        provider,
        "POST",
        f"{base_url}/v1/messages/count_tokens",
        headers=headers(creds.api_key),
        json=count_body(request, provider),
    )
    payload = load_json(provider, response.content)
    try:
        count = token_count(payload["input_tokens"])
    except (KeyError, TypeError, ValueError):
        count = None
    if count is None:
        raise parsing_failed(provider, response.content.decode("utf-8", errors="replace"))
    return count
