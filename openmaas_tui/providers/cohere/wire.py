"""The Cohere v2 chat wire: the request body, finish reasons, usage, whole answers and the
model list.

Sources: the API reference https://docs.cohere.com/reference/chat (request and response),
https://docs.cohere.com/reference/chat-stream (stream events), https://docs.cohere.com/reference/
list-models and https://docs.cohere.com/docs/reasoning (``thinking``), checked against the
``cohere`` SDK's types (7.x).

- Request: ``messages`` with ``system``, ``user`` and ``assistant`` roles (content a string or
  typed parts, images as ``image_url``), ``max_tokens``, ``temperature``, ``p`` (top_p),
  ``stop_sequences``, ``seed``, ``frequency_penalty``, ``presence_penalty``,
  ``response_format`` (``{"type": "json_object"}``, with ``json_schema`` for a schema) and
  ``thinking`` (``{"type": "enabled", "token_budget"}`` or ``{"type": "disabled"}``). ``k``
  (top-k) is not sent: a request has no field for it. Tool definitions are not part of a
  request either; tool calls in answers are read.
- Usage: ``tokens.input_tokens`` (cached tokens included: a recorded answer reports 2935 input
  tokens of which ``cached_tokens`` 2928), ``tokens.output_tokens``; ``billed_units`` is what
  is charged and is used only when ``tokens`` is missing.
- The tool plan (``message.tool_plan``, the model's note of what it will do with its tools) is
  shown as reasoning: it is the model's thinking aloud, not its answer.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    Finish,
    FinishReason,
    ToolCall,
    ToolChoiceMode,
    Usage,
)
from openmaas_tui.providers.base import MALFORMED, parsing_failed, text_or_none, token_count
from openmaas_tui.providers.openai_chat.wire import chat_messages

_FINISH = {
    "COMPLETE": FinishReason.STOP,
    "STOP_SEQUENCE": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "TOOL_CALL": FinishReason.TOOL_CALLS,
    "ERROR": FinishReason.ERROR,
    "TIMEOUT": FinishReason.ERROR,
}


def finish_of(raw: str) -> Finish:
    """The :class:`Finish` for a Cohere ``finish_reason`` (``COMPLETE``, ``STOP_SEQUENCE``,
    ``MAX_TOKENS``, ``TOOL_CALL``, ``ERROR``, ``TIMEOUT``); an unknown one counts as STOP."""
    return Finish(_FINISH.get(raw, FinishReason.STOP), raw)


def build_body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    """The JSON body of ``POST /v2/chat`` for ``request``; parameters left as None (or no stop
    sequences) are not sent. ``reasoning_effort`` is never sent (Cohere takes a token budget).
    Tools are OpenAI function tools, assistant ``tool_calls`` and ``role: tool`` results with
    ``tool_call_id`` take OpenAI's shape; see :func:`add_tools` for ``tool_choice``
    (https://docs.cohere.com/reference/chat, https://docs.cohere.com/docs/tool-use-overview).

    Args:
        request: what to ask.
        stream: add ``stream: true``.
    """
    messages = chat_messages(request)
    for entry in messages:
        if entry.get("tool_calls") and entry.get("content") is None:
            del entry["content"]  # an assistant turn of calls alone has no content
    body: dict[str, Any] = {"model": request.model, "messages": messages, "stream": stream}
    add_tools(body, request)
    optional = {
        "temperature": request.temperature,
        "p": request.top_p,
        "max_tokens": request.max_tokens,
        "seed": request.seed,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
    }
    body.update({name: value for name, value in optional.items() if value is not None})
    if request.stop:
        body["stop_sequences"] = list(request.stop)
    fmt = request.json_mode
    if fmt is not None:
        body["response_format"] = {"type": "json_object"}
        if fmt.kind == "json_schema" and fmt.schema is not None:
            body["response_format"]["json_schema"] = fmt.schema
    budget = request.thinking_budget
    if budget is not None:
        body["thinking"] = (
            {"type": "enabled", "token_budget": budget} if budget else {"type": "disabled"}
        )
    return body


def add_tools(body: dict[str, Any], request: ChatRequest) -> None:
    """``tools`` (OpenAI function tools) and ``tool_choice``: Cohere takes only ``REQUIRED``
    and ``NONE`` (https://docs.cohere.com/reference/chat#request.body.tool_choice), so
    ``auto`` is left out (the default) and a named function asks for ``REQUIRED`` when it is
    the only tool, and is left out otherwise."""
    if not request.tools:
        return
    body["tools"] = [tool.to_openai() for tool in request.tools]
    choice = request.tool_choice
    if choice is None or choice.mode is ToolChoiceMode.AUTO:
        return
    if choice.mode is ToolChoiceMode.FUNCTION:
        if [t.name for t in request.tools] == [choice.name]:
            body["tool_choice"] = "REQUIRED"
        return
    body["tool_choice"] = "NONE" if choice.mode is ToolChoiceMode.NONE else "REQUIRED"


def usage_of(raw: dict[str, Any]) -> Usage | None:
    """Our :class:`Usage` from a Cohere ``usage`` object, or None when it holds no counts (an
    ERROR ``message-end`` sends ``{}``).

    Raises:
        ValueError: a count that is not a non-negative integer.
        AttributeError: ``raw`` or its parts are not objects.
    """
    tokens = raw.get("tokens") or raw.get("billed_units")
    cached = token_count(raw.get("cached_tokens"))
    if not tokens and cached is None:
        return None
    tokens = tokens or {}
    return Usage(
        input_tokens=token_count(tokens.get("input_tokens")),
        output_tokens=token_count(tokens.get("output_tokens")),
        cached_input_tokens=cached,
    )


def _arguments(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def parse_completion(payload: Any, model: str, provider: str) -> Completion:
    """The :class:`Completion` in a non-streaming ``/v2/chat`` body (``{"id", "finish_reason",
    "message": {"role", "content": [{"type": "text" | "thinking", ...}], "tool_plan",
    "tool_calls", "citations"}, "usage"}``).

    Raises:
        OpenMaaSError: STREAM_PARSING_FAILED when the body does not have the known shape.
    """
    try:
        return _completion(payload, model)
    except MALFORMED:
        raise parsing_failed(provider, json.dumps(payload)[:200]) from None


def _completion(payload: dict[str, Any], model: str) -> Completion:
    message = payload.get("message") or {}
    text: list[str] = []
    thinking: list[str] = []
    plan = text_or_none(message.get("tool_plan"))
    if plan:
        thinking.append(plan)
    for part in message.get("content") or ():
        kind = part.get("type")
        if kind == "text":
            text.append(text_or_none(part.get("text")) or "")
        elif kind == "thinking":
            thinking.append(text_or_none(part.get("thinking")) or "")
    calls = tuple(
        ToolCall(
            name=text_or_none((call.get("function") or {}).get("name")) or "",
            arguments=_arguments((call.get("function") or {}).get("arguments")),
            id=text_or_none(call.get("id")),
        )
        for call in message.get("tool_calls") or ()
    )
    raw = text_or_none(payload.get("finish_reason"))
    finish = finish_of(raw) if raw else None
    usage = payload.get("usage")
    counted = usage_of(usage) if isinstance(usage, dict) else None
    return Completion(
        text="".join(text),
        reasoning="".join(thinking) or None,
        tool_calls=calls,
        finish_reason=finish.reason if finish else None,
        finish_reason_raw=raw or None,
        usage=counted or Usage(),
        model=model,
    )


def listed_models(payload: Any, provider: str) -> list[ModelInfo]:
    """The models of a ``GET /v1/models?endpoint=chat`` answer (``{"models": [{"name",
    "endpoints", "context_length", "features", ...}], "next_page_token"}``), with catalog facts
    where known and Cohere's own otherwise (``context_length``; ``features`` naming
    ``vision`` and ``tools``).

    Raises:
        KeyError, TypeError, ValueError: a body without ``models[].name`` (non-empty strings);
            the adapter turns them into STREAM_PARSING_FAILED.
    """
    models: list[ModelInfo] = []
    for entry in payload["models"]:
        name = entry["name"]
        if type(name) is not str or not name:
            raise TypeError("a model name that is not a non-empty string")
        info = find_model(provider, name)
        if info is not None:
            models.append(replace(info, id=name))
            continue
        context = entry.get("context_length")
        features = entry.get("features")
        features = features if isinstance(features, list) else []
        whole = type(context) in (int, float) and 0 < context < 2**53 and context == int(context)
        models.append(
            ModelInfo(
                name,
                provider,
                context_window=int(context) if whole else None,
                vision="vision" in features,
                tools="tools" in features or "strict_tools" in features,
            )
        )
    return models
