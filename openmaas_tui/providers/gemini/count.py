"""Gemini's token counting: ``POST /v1beta/models/{model}:countTokens``.

API reference: https://ai.google.dev/api/tokens#method:-models.counttokens. The body's
``generateContentRequest`` is a whole ``GenerateContentRequest`` (with its ``model``), so the
system instruction is counted too; the answer is ``{"totalTokens": N, ...}``
(``cachedContentTokenCount`` and ``promptTokensDetails`` may follow). The guide
(https://ai.google.dev/gemini-api/docs/tokens) calls it the input's token count "before
sending"; openMaaS shows it as a provider estimate.
"""

from __future__ import annotations

from typing import Any

import httpx

from openmaas_tui.providers.base import load_json, parsing_failed, send_request, token_count

COUNT_FIELDS = frozenset({"contents", "systemInstruction", "tools", "toolConfig"})
"""The parts of a ``generateContent`` body that make up the input."""


def count_body(generate_body: dict[str, Any], resource: str) -> dict[str, Any]:
    """The ``countTokens`` body for a ``generateContent`` body and model ``resource``
    (``models/gemini-2.5-flash``); generation settings are left out."""
    inner = {k: v for k, v in generate_body.items() if k in COUNT_FIELDS}
    return {"generateContentRequest": {"model": resource, **inner}}


async def count_tokens(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
) -> int:
    """POST ``body`` to the ``:countTokens`` ``url`` and read ``totalTokens``.

    Raises:
        OpenMaaSError: from the HTTP status or transport; STREAM_PARSING_FAILED when the
            answer carries no ``totalTokens``.
    """
    response = await send_request(client, provider, "POST", url, headers=headers, json=body)
    payload = load_json(provider, response.content)
    try:
        count = token_count(payload["totalTokens"])
    except (KeyError, TypeError, ValueError):
        count = None
    if count is None:
        raise parsing_failed(provider, response.content.decode("utf-8", errors="replace"))
    return count
