"""Reading a ``:streamGenerateContent?alt=sse`` answer: the one loop the Gemini API and Vertex AI
share (they differ only in URL and credentials).

Wire reference: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from openmaas_tui.core.types import StreamEvent
from openmaas_tui.providers.base import (
    is_json_response,
    iter_sse,
    load_json,
    open_stream,
    stream_cut,
)
from openmaas_tui.providers.gemini.events import GeminiChunkParser, events_from_body

END = "a final candidate with finishReason"
"""What a Gemini stream ends with (it has no end marker)."""


async def stream_generate_content(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    *,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
) -> AsyncIterator[StreamEvent]:
    """The events of one streamed answer from ``url`` (``…:streamGenerateContent``, asked with
    ``alt=sse``). A server that ignores ``alt=sse`` and answers with one JSON array is read
    whole. The stream is complete once a candidate carries ``finishReason`` (or
    ``promptFeedback.blockReason`` refuses the prompt), as every recorded stream ends.

    Raises:
        OpenMaaSError: HTTP and transport failures, an ``error`` object inside the stream, or
            STREAM_PARSING_FAILED; STREAM_INTERRUPTED when the stream closes before a finish
            reason (an empty body and SSE comments alone among them); always after yielding
            everything received before.
    """
    parser = GeminiChunkParser(provider)
    async with open_stream(
        client, provider, url, json=body, headers=headers, params={"alt": "sse"}
    ) as response:
        if is_json_response(response):
            for event in events_from_body(provider, await response.aread()):
                yield event
            return
        received = False
        async for sse in iter_sse(response):
            if not sse.data:
                continue
            received = True
            for event in parser.feed(load_json(provider, sse.data)):
                yield event
        if not parser.finished:
            raise stream_cut(provider, END, received=received)


__all__ = ["END", "stream_generate_content"]
