"""A client's Messages request (``POST /v1/messages``) read into our
:class:`~openmaas_tui.core.types.ChatRequest`.

Reference: https://docs.anthropic.com/en/api/messages (request fields) and
https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking (``thinking``). Carried:
``model``, ``messages``, ``system``, ``max_tokens``, ``temperature``, ``top_p``,
``stop_sequences``, ``stream``, ``thinking`` (its ``budget_tokens``), ``tools`` and
``tool_choice`` (with ``tool_use`` and ``tool_result`` blocks: :mod:`.tools`). Everything else
is checked where Anthropic documents a shape, then dropped and named in
:attr:`ParsedMessages.dropped`, for the route to say in a response header: ``top_k`` (no target
takes one today: :attr:`ParsedMessages.top_k` keeps it), ``metadata``, server tools, blocks our
messages cannot hold, ``cache_control`` marks, and any field this module does not know.

A body that is not valid JSON, nests too deep, holds NaN or infinities, or gets a field's type
or range wrong is refused with INVALID_REQUEST naming the field; nothing here raises anything
else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from openmaas_tui.core.types import ChatRequest
from openmaas_tui.gateway.anthropic_wire.content import read_messages, read_system
from openmaas_tui.gateway.anthropic_wire.fields import (
    a_bool,
    a_list,
    a_number,
    a_string,
    an_int,
    an_object,
    field_name,
    invalid,
)
from openmaas_tui.gateway.anthropic_wire.tools import read_tools
from openmaas_tui.gateway.json_body import NotJson, load_json

CARRIED = frozenset(
    {
        "model",
        "messages",
        "system",
        "max_tokens",
        "temperature",
        "top_p",
        "stop_sequences",
        "stream",
        "thinking",
        "tools",
        "tool_choice",
    }
)
"""The request fields that reach the provider (as our :class:`ChatRequest` says them)."""

T = TypeVar("T")

_CHECKED = frozenset({"top_k", "metadata"})
"""Fields read and checked here, then dropped by name."""


@dataclass(frozen=True, slots=True)
class ParsedMessages:
    """A Messages request as we can run it.

    Attributes:
        request: the request in our terms; its ``model`` is the client's model string as sent
            (route it, then aim the request with ``Target.prepare``), its ``stream`` the
            client's ``stream`` flag.
        model: the model the client asked for, as sent (``claude-sonnet-4-5``, ``gpt-4o``,
            ``ollama/llama3.2``); the answer names this model.
        stream: whether the client asked for a stream (SSE) rather than one JSON body.
        dropped: the request's fields and block types that could not be carried, each named
            once in the order met (``top_k``, ``tools.web_search_20250305``, ``cache_control``,
            ``image.url``, ``metadata``, an unknown field's name, ...); safe to join into a
            header value.
        top_k: the client's ``top_k`` (sample from the k likeliest tokens), or None; kept for
            a target that takes one (none does yet; it is in ``dropped``).
    """

    request: ChatRequest
    model: str
    stream: bool
    dropped: tuple[str, ...] = ()
    top_k: int | None = None


def load_body(raw: bytes | str) -> object:
    """A request body's JSON value.

    Raises:
        OpenMaaSError: INVALID_REQUEST for text that is not UTF-8 JSON, nests deeper than
            Python's recursion allows, or holds ``NaN`` / ``Infinity``.
    """
    try:
        return load_json(raw)
    except NotJson as exc:
        raise invalid("body", str(exc)) from None


def parse_messages_request(body: object, *, require_max_tokens: bool = True) -> ParsedMessages:
    """Read a Messages request.

    Args:
        body: the request's JSON value, or its raw bytes or text (read by :func:`load_body`).
        require_max_tokens: refuse a request without ``max_tokens``, as Anthropic does for
            ``/v1/messages``; ``/v1/messages/count_tokens`` takes none.

    Returns:
        The request, the model asked for, the stream flag and what was dropped.

    Raises:
        OpenMaaSError: INVALID_REQUEST, its message naming the field at fault (``max_tokens:
            is required``, ``messages[1].content[0].source.media_type: must be one of ...``).
    """
    if isinstance(body, bytes | bytearray | memoryview):
        body = load_body(bytes(body))
    elif isinstance(body, str):
        body = load_body(body)
    try:
        return _parse(an_object(body, "body"), require_max_tokens)
    except RecursionError:  # a structure handed in already parsed, nested beyond reason
        raise invalid("body", "nests too deep") from None


def _parse(body: dict[str, Any], require_max_tokens: bool) -> ParsedMessages:
    dropped: dict[str, None] = {}  # an ordered set
    if body.get("model") is None:
        raise invalid("model", "is required (the model to ask, e.g. claude-sonnet-4-5)")
    model = a_string(body["model"], "model", empty=False)
    messages = read_messages(body.get("messages"), dropped)
    system = read_system(body.get("system"), dropped)
    max_tokens = _optional(body, "max_tokens", lambda v: an_int(v, "max_tokens", least=1))
    if max_tokens is None and require_max_tokens:
        raise invalid("max_tokens", "is required (the most tokens to generate, e.g. 1024)")
    temperature = _optional(
        body, "temperature", lambda v: a_number(v, "temperature", low=0.0, high=1.0)
    )
    top_p = _optional(body, "top_p", lambda v: a_number(v, "top_p", low=0.0, high=1.0))
    top_k = _optional(body, "top_k", lambda v: an_int(v, "top_k", least=0))
    stop = _optional(body, "stop_sequences", _stop_sequences) or ()
    stream = _optional(body, "stream", lambda v: a_bool(v, "stream")) or False
    budget = _thinking(body.get("thinking"), dropped)
    if top_k is not None:
        dropped["top_k"] = None
    if body.get("metadata") is not None:
        an_object(body["metadata"], "metadata")
        dropped["metadata"] = None
    tools, tool_choice = read_tools(body, dropped)
    for name in body:
        if name not in CARRIED and name not in _CHECKED:
            dropped[field_name(name, "body")] = None
    request = ChatRequest(
        model=model,
        messages=messages,
        system=system,
        temperature=temperature,
        top_p=top_p,
        max_tokens=max_tokens,
        stop=stop,
        stream=stream,
        thinking_budget=budget,
        tools=tools,
        tool_choice=tool_choice,
    )
    return ParsedMessages(request, model, stream, tuple(dropped), top_k)


def _optional(body: dict[str, Any], name: str, read: Callable[[object], T]) -> T | None:
    """``read(body[name])``, or None when the field is absent or ``null``."""
    value = body.get(name)
    return None if value is None else read(value)


def _stop_sequences(value: object) -> tuple[str, ...]:
    items = a_list(value, "stop_sequences")
    return tuple(a_string(s, f"stop_sequences[{i}]", empty=False) for i, s in enumerate(items))


def _thinking(value: object, dropped: dict[str, None]) -> int | None:
    """``thinking.budget_tokens`` of ``{"type": "enabled", ...}``; None for ``disabled`` or
    absent; ``adaptive`` (the model decides) has no budget to carry and is named dropped."""
    if value is None:
        return None
    thinking = an_object(value, "thinking")
    kind = a_string(thinking.get("type"), "thinking.type", empty=False)
    if kind == "enabled":
        if thinking.get("budget_tokens") is None:
            raise invalid("thinking.budget_tokens", "is required when thinking is enabled")
        return an_int(thinking["budget_tokens"], "thinking.budget_tokens", least=0)
    if kind == "disabled":
        return None
    if kind == "adaptive":
        dropped["thinking"] = None
        return None
    raise invalid("thinking.type", "must be 'enabled', 'disabled' or 'adaptive'")
