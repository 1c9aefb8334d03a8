"""Anthropic Messages vocabulary shared by the streamed and the whole answer: message ids, stop
reasons and the ``usage`` object, from our types.

References: https://docs.anthropic.com/en/api/messages (the Message object, ``stop_reason``,
``usage``) and https://docs.anthropic.com/en/api/messages-streaming (the same fields in
``message_start`` and ``message_delta``).
"""

from __future__ import annotations

import secrets
import string

from openmaas_tui.core.types import FinishReason, Usage

STOP_REASONS = frozenset(
    {
        "end_turn",
        "max_tokens",
        "stop_sequence",
        "tool_use",
        "pause_turn",
        "refusal",
        "model_context_window_exceeded",
    }
)
"""Every ``stop_reason`` Anthropic sends; a provider's raw reason in this set is passed on as it
is (an Anthropic upstream's own word), any other is mapped from our :class:`FinishReason`."""

_STOP_REASON: dict[FinishReason, str] = {
    FinishReason.STOP: "end_turn",
    FinishReason.LENGTH: "max_tokens",
    FinishReason.TOOL_CALLS: "tool_use",
    FinishReason.CONTENT_FILTER: "refusal",
    FinishReason.ERROR: "end_turn",
}

_ID_ALPHABET = string.ascii_letters + string.digits
_ID_CHARS = 24
"""Anthropic's ids read ``msg_01`` and 22 base-62 characters; ours are ``msg_`` and 24, random."""


def new_message_id() -> str:
    """A fresh ``msg_…`` id for an answer (random, never derived from the request)."""
    return "msg_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_CHARS))


def new_tool_use_id() -> str:
    """A fresh ``toolu_…`` id, for a tool call whose provider gave it none."""
    return "toolu_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_CHARS))


def stop_reason(reason: FinishReason | None, raw: str | None, *, called_tools: bool = False) -> str:
    """Anthropic's ``stop_reason`` for how an answer ended.

    Args:
        reason: our finish reason, or None when the stream never said (it still ended as its
            protocol says: an OpenAI-compatible server that sends no ``finish_reason``).
        raw: the provider's own word; kept when it is one of :data:`STOP_REASONS`.
        called_tools: the answer holds tool calls; an answer that called tools ends
            ``tool_use`` (what a client waits for to run them) whatever the provider said, unless
            it ran out of tokens or was refused.

    Returns:
        ``end_turn``, ``max_tokens``, ``stop_sequence``, ``tool_use``, ``refusal``, or another of
        :data:`STOP_REASONS` passed on from an Anthropic upstream.
    """
    if raw in STOP_REASONS:
        word = raw
    else:
        word = _STOP_REASON[reason] if reason is not None else "end_turn"
    if called_tools and word in ("end_turn", "stop_sequence"):
        return "tool_use"
    return word


def usage_object(usage: Usage | None, *, input_fallback: int = 0) -> dict[str, object]:
    """Anthropic's ``usage`` object for ``usage`` in our convention.

    Anthropic's ``input_tokens`` leaves out the tokens read from or written to a cache
    (``cache_read_input_tokens``, ``cache_creation_input_tokens``); ours counts them all, and
    the part read from a cache is ``cached_input_tokens``. So ``input_tokens`` here is ours less
    the cached part, ``cache_read_input_tokens`` the cached part, and
    ``cache_creation_input_tokens`` 0 (an Anthropic upstream's cache writes are in our
    ``input_tokens``): the three add up to our count, as a client adds them. The reasoning part
    of the output, where known, goes in ``output_tokens_details.thinking_tokens``.

    Args:
        usage: the counts, or None when nothing is known.
        input_fallback: ``input_tokens`` when ``usage`` has no input count (a local estimate,
            or 0).

    Returns:
        ``{"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
        "output_tokens"}`` (tokens, integers), plus ``output_tokens_details`` when the
        reasoning part is known.
    """
    if usage is None:
        usage = Usage()
    cached = usage.cached_input_tokens or 0
    if usage.input_tokens is None:
        uncached = input_fallback
    else:
        uncached = max(usage.input_tokens - cached, 0)
    result: dict[str, object] = {
        "input_tokens": uncached,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": cached,
        "output_tokens": usage.output_tokens or 0,
    }
    if usage.reasoning_tokens is not None:
        result["output_tokens_details"] = {"thinking_tokens": usage.reasoning_tokens}
    return result
