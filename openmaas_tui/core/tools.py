"""Function tools: what a model may call (:class:`ToolDefinition`), whether and which it must
call (:class:`ToolChoice`), and what it called (:class:`ToolCall`).

The input format is OpenAI's function tool, ``{"type": "function", "function": {"name",
"description", "parameters"}}`` (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools);
each adapter translates it into its provider's own form. A tool's result travels back as a
:class:`~openmaas_tui.core.types.Message` of role ``tool``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
"""A function name every provider accepts: OpenAI's rule (letters, digits, ``_`` and ``-``, at
most 64), which Anthropic, Gemini and Bedrock also satisfy."""


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """A function the model may call.

    Attributes:
        name: the function's name (see :data:`TOOL_NAME`).
        description: what it does, for the model; may be empty.
        parameters: the JSON Schema of its arguments (an object schema); ``{}`` for none.
        strict: OpenAI's strict schema adherence (``function.strict``), sent to OpenAI's
            APIs only.
    """

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    strict: bool = False

    def schema(self) -> dict[str, Any]:
        """The parameters' schema, an empty object schema when none was given."""
        return dict(self.parameters) if self.parameters else {"type": "object", "properties": {}}

    def to_openai(self) -> dict[str, Any]:
        """The OpenAI function tool: ``{"type": "function", "function": {...}}``."""
        function: dict[str, Any] = {"name": self.name}
        if self.description:
            function["description"] = self.description
        function["parameters"] = self.schema()
        if self.strict:
            function["strict"] = True
        return {"type": "function", "function": function}


class ToolChoiceMode(StrEnum):
    """Whether the model may, may not or must call a tool, or must call one named function."""

    AUTO = "auto"
    NONE = "none"
    REQUIRED = "required"
    FUNCTION = "function"


@dataclass(frozen=True, slots=True)
class ToolChoice:
    """The tool choice of a request.

    Attributes:
        mode: see :class:`ToolChoiceMode`.
        name: the function to call, for :attr:`ToolChoiceMode.FUNCTION` only.
    """

    mode: ToolChoiceMode = ToolChoiceMode.AUTO
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> ToolChoice:
        """``auto``, ``none``, ``required``, or any other word as the function's name."""
        word = text.strip()
        if word in ("auto", "none", "required"):
            return cls(ToolChoiceMode(word))
        return cls(ToolChoiceMode.FUNCTION, word)

    def to_openai(self) -> str | dict[str, Any]:
        """OpenAI Chat's ``tool_choice``: the word, or ``{"type": "function", "function":
        {"name"}}`` for one function."""
        if self.mode is ToolChoiceMode.FUNCTION:
            return {"type": "function", "function": {"name": self.name}}
        return self.mode.value

    def __str__(self) -> str:
        return self.name or "" if self.mode is ToolChoiceMode.FUNCTION else self.mode.value


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A complete tool call.

    Attributes:
        name: the function's name.
        arguments: its arguments as a JSON string (as streamed; providers that send an object
            have it dumped).
        id: the provider's id for the call, which its result must quote (None when the
            provider gives none, e.g. Gemini before 3 and Ollama; adapters then make one).
        signature: an opaque token the provider wants back with the call (Gemini's
            ``thoughtSignature``), or None.
    """

    name: str
    arguments: str
    id: str | None = None
    signature: str | None = None

    def arguments_object(self) -> Any:
        """The arguments parsed, ``{}`` when empty; a string that is not JSON stays a string."""
        if not self.arguments.strip():
            return {}
        try:
            return json.loads(self.arguments)
        except ValueError:
            return self.arguments

    def as_dict(self) -> dict[str, Any]:
        """The call as a JSON object (``id``, ``name``, ``arguments`` and, when set,
        ``signature``)."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "arguments": self.arguments}
        if self.signature is not None:
            data["signature"] = self.signature
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolCall:
        """The call :meth:`as_dict` wrote.

        Raises:
            KeyError, TypeError: when ``data`` lacks a name or arguments.
        """
        name, arguments = data["name"], data["arguments"]
        if not isinstance(name, str) or not isinstance(arguments, str):
            raise TypeError("a tool call's name and arguments are strings")
        call_id, signature = data.get("id"), data.get("signature")
        return cls(
            name,
            arguments,
            call_id if isinstance(call_id, str) else None,
            signature if isinstance(signature, str) else None,
        )


def call_id_for(call: ToolCall, index: int) -> str:
    """The call's id, or ``call_INDEX`` for a provider that gives none (its result must still
    quote one in our history)."""
    return call.id or f"call_{index}"


def _invalid(source: str, problem: str) -> OpenMaaSError:
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"{source}: {problem}",
        hint='a tools file is a JSON list of {"type": "function", "function": {"name", '
        '"description", "parameters"}}, or an object with such a list under "tools"',
    )


def _definition(item: Any, source: str, index: int) -> ToolDefinition:
    where = f"tool {index + 1}"
    if not isinstance(item, dict):
        raise _invalid(source, f"{where} is not an object")
    if item.get("type", "function") != "function":
        raise _invalid(source, f"{where} has type {item.get('type')!r}; only function tools")
    function = item.get("function", item)  # a bare {"name", "parameters"} is accepted too
    if not isinstance(function, dict):
        raise _invalid(source, f"{where}: function is not an object")
    name = function.get("name")
    if not isinstance(name, str) or not TOOL_NAME.match(name):
        raise _invalid(source, f"{where}: name {name!r} is not 1-64 letters, digits, '_' or '-'")
    description = function.get("description", "")
    if not isinstance(description, str):
        raise _invalid(source, f"{name}: description is not a string")
    parameters = function.get("parameters", {})
    if not isinstance(parameters, dict):
        raise _invalid(source, f"{name}: parameters is not a JSON Schema object")
    return ToolDefinition(name, description, parameters, function.get("strict") is True)


def tools_from_json(data: Any, source: str) -> tuple[ToolDefinition, ...]:
    """The tool definitions in ``data``: a JSON list of OpenAI function tools, or an object
    holding that list under ``tools``.

    Args:
        data: the parsed JSON.
        source: where it came from (a file name), named in errors.

    Raises:
        OpenMaaSError: INVALID_REQUEST naming ``source`` and the problem (not a list, a tool
            that is not a function, a bad name, parameters that are not an object, a name
            given twice).
    """
    if isinstance(data, dict) and "tools" in data:
        data = data["tools"]
    if not isinstance(data, list):
        raise _invalid(source, 'expected a JSON list of tools or an object with "tools"')
    tools = tuple(_definition(item, source, i) for i, item in enumerate(data))
    seen: set[str] = set()
    for tool in tools:
        if tool.name in seen:
            raise _invalid(source, f"the tool {tool.name!r} is defined twice")
        seen.add(tool.name)
    return tools
