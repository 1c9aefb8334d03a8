"""Everything about tools in a Messages request, in one place: the ``tools`` and
``tool_choice`` fields and the ``tool_use`` / ``tool_result`` content blocks, read into the
core's tool types (:mod:`openmaas_tui.core.tools`: ``ToolDefinition``, ``ToolChoice``,
``ToolCall``) and tool-result messages (:meth:`openmaas_tui.core.types.Message.tool_result`).

Reference: https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
(``tools``: ``name``, ``description``, ``input_schema``; ``tool_choice``: ``auto``, ``any``,
``tool`` with a ``name``, ``none``; ``tool_use`` blocks with ``id``, ``name``, ``input``;
``tool_result`` blocks with ``tool_use_id``, ``content`` and ``is_error``). Anthropic's server
tools (``web_search_20250305``, ``bash_20250124``, ...) run on Anthropic's side only: they are
dropped and named (``tools.web_search_20250305``), as are ``server_tool_use`` blocks and their
``*_tool_result`` blocks, and ``tool_choice.disable_parallel_tool_use``, which no other
provider takes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openmaas_tui.core.tools import TOOL_NAME, ToolCall, ToolChoice, ToolChoiceMode, ToolDefinition
from openmaas_tui.core.types import Message
from openmaas_tui.gateway.anthropic_wire.fields import (
    a_bool,
    a_list,
    a_string,
    an_object,
    field_name,
    invalid,
)

RESULT_JOINER = "\n\n"
"""Between the text blocks of a ``tool_result`` whose content is an array (our result is one
text)."""

_CHOICES = {
    "auto": ToolChoiceMode.AUTO,
    "any": ToolChoiceMode.REQUIRED,
    "none": ToolChoiceMode.NONE,
}


def read_tools(
    body: dict[str, Any], dropped: dict[str, None]
) -> tuple[tuple[ToolDefinition, ...], ToolChoice | None]:
    """The request's client tools and tool choice.

    Args:
        body: the request body.
        dropped: the names of what could not be carried, in order (a dict as ordered set):
            server tools as ``tools.<type>``, ``cache_control`` on a tool, and
            ``tool_choice.disable_parallel_tool_use``.

    Returns:
        The tools (none when absent) and the choice (None when absent).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a ``tools`` that is not an array of objects with a
            valid ``name`` (1-64 letters, digits, ``_`` or ``-``, each once) and an object
            ``input_schema``, or a ``tool_choice`` that is not an object with a known ``type``.
    """
    tools: list[ToolDefinition] = []
    if body.get("tools") is not None:
        for i, item in enumerate(a_list(body["tools"], "tools")):
            tool = _tool(an_object(item, f"tools[{i}]"), f"tools[{i}]", dropped)
            if tool is None:
                continue
            if any(t.name == tool.name for t in tools):
                raise invalid(f"tools[{i}].name", f"{tool.name!r} is defined twice")
            tools.append(tool)
    choice = None
    if body.get("tool_choice") is not None:
        choice = _choice(an_object(body["tool_choice"], "tool_choice"), dropped)
    return tuple(tools), choice


def _tool(tool: dict[str, Any], where: str, dropped: dict[str, None]) -> ToolDefinition | None:
    kind = tool.get("type")
    name = a_string(tool.get("name"), f"{where}.name", empty=False)
    if kind is not None and kind != "custom":
        dropped[f"tools.{field_name(a_string(kind, f'{where}.type'), f'{where}.type')}"] = None
        return None
    if not TOOL_NAME.match(name):
        raise invalid(f"{where}.name", "must be 1-64 letters, digits, '_' or '-'")
    if "cache_control" in tool:
        dropped["cache_control"] = None
    description = tool.get("description")
    schema = tool.get("input_schema")
    return ToolDefinition(
        name,
        "" if description is None else a_string(description, f"{where}.description"),
        {} if schema is None else an_object(schema, f"{where}.input_schema"),
    )


def _choice(choice: dict[str, Any], dropped: dict[str, None]) -> ToolChoice:
    kind = a_string(choice.get("type"), "tool_choice.type", empty=False)
    if choice.get("disable_parallel_tool_use") is not None:
        if a_bool(choice["disable_parallel_tool_use"], "tool_choice.disable_parallel_tool_use"):
            dropped["tool_choice.disable_parallel_tool_use"] = None
    if kind == "tool":
        name = a_string(choice.get("name"), "tool_choice.name", empty=False)
        return ToolChoice(ToolChoiceMode.FUNCTION, name)
    mode = _CHOICES.get(kind)
    if mode is None:
        raise invalid("tool_choice.type", "must be 'auto', 'any', 'tool' or 'none'")
    return ToolChoice(mode)


def read_tool_use(block: dict[str, Any], where: str) -> ToolCall:
    """An assistant turn's ``tool_use`` block as the call it made (its ``input`` as the JSON
    arguments string).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a block without a string ``id`` and ``name`` and an
            object ``input``.
    """
    call_id = a_string(block.get("id"), f"{where}.id", empty=False)
    name = a_string(block.get("name"), f"{where}.name", empty=False)
    arguments = an_object(block.get("input"), f"{where}.input")
    return ToolCall(name, json.dumps(arguments, ensure_ascii=False), call_id)


def read_tool_result(
    block: dict[str, Any], where: str, names: Mapping[str, str], dropped: dict[str, None]
) -> Message:
    """A user turn's ``tool_result`` block as a tool-result message.

    Args:
        block: the block.
        where: its path in the body, for errors.
        names: each earlier ``tool_use`` id's function name (Gemini and Ollama match results
            by name); an id not found gives an empty name.
        dropped: what could not be carried: an image in the result (``tool_result.image``) or
            another block type.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a block without a string ``tool_use_id``, with
            ``content`` neither a string nor an array of blocks, or a non-boolean ``is_error``.
    """
    call_id = a_string(block.get("tool_use_id"), f"{where}.tool_use_id", empty=False)
    content = block.get("content", "")
    if content is None:
        content = ""
    if isinstance(content, str):
        text = a_string(content, f"{where}.content")
    elif isinstance(content, list):
        text = RESULT_JOINER.join(_result_texts(content, f"{where}.content", dropped))
    else:
        raise invalid(f"{where}.content", "must be a string or an array of blocks")
    failed = block.get("is_error")
    is_error = False if failed is None else a_bool(failed, f"{where}.is_error")
    if "cache_control" in block:
        dropped["cache_control"] = None
    return Message.tool_result(call_id, names.get(call_id, ""), text, is_error=is_error)


def _result_texts(blocks: list[Any], where: str, dropped: dict[str, None]) -> list[str]:
    texts: list[str] = []
    for j, item in enumerate(blocks):
        inner = an_object(item, f"{where}[{j}]")
        kind = a_string(inner.get("type"), f"{where}[{j}].type", empty=False)
        if kind == "text":
            texts.append(a_string(inner.get("text"), f"{where}[{j}].text"))
        else:
            dropped[f"tool_result.{field_name(kind, f'{where}[{j}].type')}"] = None
    return texts
