"""Everything about tools in a Messages request, in one place: the ``tools`` and
``tool_choice`` fields and the ``tool_use`` / ``tool_result`` content blocks.

Our :class:`~openmaas_tui.core.types.ChatRequest` carries no tools yet, so each is checked for
Anthropic's shape (a malformed one is INVALID_REQUEST, as Anthropic would answer) and then
dropped, its name kept for the response's note. When the core types learn tools, this module is
where they are read into them (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/
implement-tool-use describes the fields).
"""

from __future__ import annotations

from typing import Any

from openmaas_tui.gateway.anthropic_wire.fields import a_list, a_string, an_object, invalid

TOOL_BLOCKS = frozenset({"tool_use", "tool_result", "server_tool_use"})
"""Content block types that belong to tool use (server tools' results end in
``_tool_result`` as well: ``web_search_tool_result``, ``code_execution_tool_result``)."""


def is_tool_block(kind: str) -> bool:
    """Whether a content block of type ``kind`` belongs to tool use."""
    return kind in TOOL_BLOCKS or kind.endswith("_tool_result")


def read_tools(body: dict[str, Any], dropped: dict[str, None]) -> None:
    """Check ``tools`` and ``tool_choice`` and note them as dropped.

    Args:
        body: the request body.
        dropped: the names of what could not be carried, in order (a dict as ordered set).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a ``tools`` that is not an array of objects with a
            ``name``, or a ``tool_choice`` that is not an object with a ``type``.
    """
    if "tools" in body:
        for i, tool in enumerate(a_list(body["tools"], "tools")):
            tool = an_object(tool, f"tools[{i}]")
            a_string(tool.get("name"), f"tools[{i}].name", empty=False)
        dropped["tools"] = None
    if "tool_choice" in body:
        choice = an_object(body["tool_choice"], "tool_choice")
        a_string(choice.get("type"), "tool_choice.type", empty=False)
        dropped["tool_choice"] = None


def read_tool_block(block: dict[str, Any], kind: str, where: str, dropped: dict[str, None]) -> None:
    """Check one tool content block and note it as dropped (``tool_use``, ``tool_result``, ...).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a ``tool_use`` without a string ``id`` and ``name``
            and an object ``input``, or a ``tool_result`` without a string ``tool_use_id`` or
            with ``content`` neither a string nor an array.
    """
    if kind == "tool_use":
        a_string(block.get("id"), f"{where}.id", empty=False)
        a_string(block.get("name"), f"{where}.name", empty=False)
        an_object(block.get("input"), f"{where}.input")
    elif kind == "tool_result":
        a_string(block.get("tool_use_id"), f"{where}.tool_use_id", empty=False)
        content = block.get("content", "")
        if not isinstance(content, str | list):
            raise invalid(f"{where}.content", "must be a string or an array of blocks")
    dropped[kind] = None
