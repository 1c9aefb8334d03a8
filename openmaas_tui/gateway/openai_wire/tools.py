"""Tools in a Chat Completions request: ``tools``, ``tool_choice`` and
``parallel_tool_calls``, and the tool turns of ``messages`` (an assistant's ``tool_calls``, a
``role: tool`` result), read into the core's tool types.

Field meanings: https://platform.openai.com/docs/api-reference/chat/create (``tools``,
``tool_choice``, the assistant message's ``tool_calls``, the tool message). Only function tools
travel (``{"type": "function", "function": {"name", "description", "parameters",
"strict"}}``); a custom tool is refused, as the models the gateway routes to take none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.tools import (
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
    tools_from_json,
)
from openmaas_tui.core.types import Message


def _invalid(message: str) -> OpenMaaSError:
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST, message, hint="see the Chat Completions API reference"
    )


def parse_tools(value: Any) -> tuple[ToolDefinition, ...]:
    """``tools``: the function tools (an empty list is no tools).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a tool that is not a function with a valid name
            and an object ``parameters``, or a name given twice.
    """
    if not isinstance(value, list):
        raise _invalid("tools must be a list of function tools")
    return tools_from_json(value, "tools")


def parse_tool_choice(value: Any) -> ToolChoice:
    """``tool_choice``: ``auto``, ``none``, ``required`` or ``{"type": "function", "function":
    {"name"}}``.

    Raises:
        OpenMaaSError: INVALID_REQUEST for anything else.
    """
    if value in ("auto", "none", "required"):
        return ToolChoice(ToolChoiceMode(value))
    function = value.get("function") if isinstance(value, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(name, str) or not name or value.get("type") != "function":
        raise _invalid(
            'tool_choice must be auto, none, required or {"type": "function", "function": '
            '{"name": ...}}'
        )
    return ToolChoice(ToolChoiceMode.FUNCTION, name)


def parallel_calls_dropped(value: Any) -> bool:
    """Whether ``parallel_tool_calls`` must be named as dropped: true (or absent) is every
    provider's default; false, which not every provider can promise, is not sent.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a value that is not a boolean.
    """
    if value is not None and not isinstance(value, bool):
        raise _invalid("parallel_tool_calls must be true or false")
    return value is False


def tool_calls(value: Any, where: str) -> tuple[ToolCall, ...]:
    """An assistant message's ``tool_calls``.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a call without an ``id`` and a ``function`` with a
            string ``name`` and ``arguments``.
    """
    if not isinstance(value, list):
        raise _invalid(f"{where}.tool_calls must be a list")
    calls: list[ToolCall] = []
    for k, call in enumerate(value):
        function = call.get("function") if isinstance(call, dict) else None
        call_id = call.get("id") if isinstance(call, dict) else None
        name = function.get("name") if isinstance(function, dict) else None
        arguments = function.get("arguments", "") if isinstance(function, dict) else None
        if not isinstance(call_id, str) or not isinstance(name, str) or not name:
            raise _invalid(f"{where}.tool_calls[{k}] must have an id and a function name")
        if not isinstance(arguments, str):
            raise _invalid(f"{where}.tool_calls[{k}].function.arguments must be a JSON string")
        calls.append(ToolCall(name, arguments, call_id))
    return tuple(calls)


def tool_result(
    item: Mapping[str, Any], text: str, where: str, names: Mapping[str, str]
) -> Message:
    """A ``role: tool`` message as a tool result; its function's name looked up among the
    earlier calls (``names``: call id -> name; empty when not found).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a message without a string ``tool_call_id``.
    """
    call_id = item.get("tool_call_id")
    if not isinstance(call_id, str) or not call_id:
        raise _invalid(f"{where}.tool_call_id is required for a tool message")
    return Message.tool_result(call_id, names.get(call_id, ""), text)
