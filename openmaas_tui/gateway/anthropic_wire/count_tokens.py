"""The answer to ``POST /v1/messages/count_tokens``: ``{"input_tokens": N}``.

Reference: https://docs.anthropic.com/en/api/messages-count-tokens (the body is a Messages
request without ``max_tokens``: read it with
``parse_messages_request(body, require_max_tokens=False)``). The count is the target
provider's own when it has a counting endpoint (Anthropic, Gemini), else our local estimate
(:func:`~openmaas_tui.core.tokens.count.count_messages`, tiktoken with the chat overhead;
images are not counted), and also the local estimate when the provider's count fails: counting
is advisory, and a client (an editor sizing its context) should not fail on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.tokens.count import count_messages
from openmaas_tui.core.tokens.estimate import CountKind
from openmaas_tui.core.types import ChatRequest

ProviderCount = Callable[[ChatRequest], Awaitable[int]]
"""A provider's own count of a request's input tokens (``Target.count_tokens``)."""


@dataclass(frozen=True, slots=True)
class TokenCount:
    """A request's input tokens and where the count comes from.

    Attributes:
        input_tokens: every prompt token (system prompt and messages).
        kind: ``provider`` (the provider's count endpoint) or ``local`` (tiktoken here).
        provider_error: why the provider's count failed when it was asked and the local
            estimate stands in, else None.
    """

    input_tokens: int
    kind: CountKind
    provider_error: OpenMaaSError | None = None

    def body(self) -> dict[str, int]:
        """``{"input_tokens": N}``, the response body Anthropic gives."""
        return {"input_tokens": self.input_tokens}


async def count_input_tokens(
    request: ChatRequest,
    *,
    provider: str,
    model: str,
    provider_count: ProviderCount | None = None,
) -> TokenCount:
    """Count ``request``'s input tokens for ``provider``'s ``model``.

    Args:
        request: the parsed request, prepared for its target.
        provider / model: the target (``openai`` / ``gpt-4o``), which picks the local
            tokenizer.
        provider_count: the provider's own count (``target.count_tokens`` when
            ``target.counts_tokens``), or None for the local estimate alone.

    Returns:
        The count; ``kind`` says whose. The local estimate runs in a worker thread (tiktoken
        over a long conversation takes milliseconds to seconds).

    Raises:
        asyncio.CancelledError: when the caller is cancelled; nothing else (a failed provider
            count falls back to the local estimate).
    """
    failure: OpenMaaSError | None = None
    if provider_count is not None:
        try:
            return TokenCount(await provider_count(request), CountKind.PROVIDER)
        except OpenMaaSError as exc:
            failure = exc
    tokens = await asyncio.to_thread(
        count_messages, request.messages, request.system, provider, model
    )
    return TokenCount(tokens, CountKind.LOCAL, failure)
