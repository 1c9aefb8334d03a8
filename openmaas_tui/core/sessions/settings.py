"""A chat's own settings (system prompt and request parameters) as the history keeps them.

Each chat keeps the settings it was last used with: the playground shows them again when the
chat is opened, after a restart too. The history stores them in ``sessions.params``, a JSON
object (see :mod:`openmaas_tui.core.history.schema`); ``openmaas ask`` writes the same keys
for what it sent (:func:`~openmaas_tui.core.history.records.request_params`), and these add
the rest of :class:`~openmaas_tui.core.models.request_params.RequestParams`. Reading is
lenient: a key that is missing, unknown or out of range reads as the provider's default, so a
history written by another version never stops a chat from opening.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.request_params import (
    RequestParams,
    check_count,
    check_effort,
    check_number,
    check_stop,
    schema_name,
)
from openmaas_tui.core.tools import ToolChoice, ToolDefinition, tools_from_json
from openmaas_tui.core.types import ChatRequest, ResponseFormat

_NUMBERS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
_COUNTS = ("max_tokens", "seed", "thinking_budget")


def params_json(params: RequestParams) -> dict[str, Any]:
    """``params`` as the JSON object stored in ``sessions.params``: only what is set
    (``stream`` only when off; a response format as ``{"type": …, "schema": …}``)."""
    data: dict[str, Any] = {}
    if params.system:
        data["system"] = params.system
    for name in (*_NUMBERS, *_COUNTS, "reasoning_effort"):
        value = getattr(params, name)
        if value is not None:
            data[name] = value
    if params.stop:
        data["stop"] = list(params.stop)
    fmt = params.response_format
    if fmt is not None and fmt.is_json:
        data["response_format"] = {"type": fmt.kind}
        if fmt.schema is not None:
            data["response_format"]["schema"] = fmt.schema
    if not params.stream:
        data["stream"] = False
    if params.tools:  # the keys ``openmaas ask --tools`` records too
        data["tools"] = [tool.to_openai() for tool in params.tools]
        if params.tool_choice is not None:
            data["tool_choice"] = str(params.tool_choice)
    return data


def _read(data: Mapping[str, Any], name: str, check: Callable[[Any], Any]) -> Any:
    """``data[name]`` passed through ``check``; None when missing or refused."""
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return None
    try:
        return check(value)
    except (TypeError, ValueError):
        return None


def _number(name: str) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if not isinstance(value, int | float):
            raise TypeError(name)
        return check_number(name, float(value))

    return check


def _count(name: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if not isinstance(value, int):
            raise TypeError(name)
        return check_count(name, value)

    return check


def _stop(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise TypeError("stop")
    return check_stop(value)


def _format(value: Any) -> ResponseFormat | None:
    if not isinstance(value, dict):
        raise TypeError("response_format")
    kind, schema = value.get("type"), value.get("schema")
    if kind == "json_object":
        return ResponseFormat("json_object")
    if kind == "json_schema" and isinstance(schema, dict):
        return ResponseFormat("json_schema", schema, schema_name(schema))
    raise ValueError("response_format")


def _tools(data: Mapping[str, Any]) -> tuple[tuple[ToolDefinition, ...], ToolChoice | None]:
    """The tools and tool choice ``data`` holds; none when they cannot be read."""
    try:
        tools = tools_from_json(data.get("tools") or [], "the chat's tools")
    except OpenMaaSError:
        return (), None
    raw = data.get("tool_choice")
    return tools, ToolChoice.parse(raw) if tools and isinstance(raw, str) and raw else None


def params_from_json(data: Mapping[str, Any]) -> RequestParams:
    """The settings a ``sessions.params`` object holds (see :func:`params_json`); what is
    missing or unreadable is the provider's default."""
    system = data.get("system")
    values: dict[str, Any] = {
        **{name: _read(data, name, _number(name)) for name in _NUMBERS},
        **{name: _read(data, name, _count(name)) for name in _COUNTS},
        "reasoning_effort": _read(data, "reasoning_effort", check_effort),
        "response_format": _read(data, "response_format", _format),
    }
    tools, choice = _tools(data)
    return RequestParams(
        system=system if isinstance(system, str) and system.strip() else None,
        stop=_read(data, "stop", _stop) or (),
        stream=data.get("stream") is not False,
        tools=tools,
        tool_choice=choice,
        **values,
    )


def params_of_request(request: ChatRequest) -> RequestParams:
    """The settings ``request`` was sent with (a compare lane's, to carry on with)."""
    return RequestParams(
        system=request.system,
        temperature=request.temperature,
        top_p=request.top_p,
        max_tokens=request.max_tokens,
        stop=tuple(request.stop),
        seed=request.seed,
        presence_penalty=request.presence_penalty,
        frequency_penalty=request.frequency_penalty,
        reasoning_effort=request.reasoning_effort,
        thinking_budget=request.thinking_budget,
        response_format=request.response_format,
        stream=request.stream,
        tools=request.tools,
        tool_choice=request.tool_choice,
    )
