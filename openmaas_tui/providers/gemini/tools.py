"""Function calling on the Gemini API (and Vertex AI, which shares the body): declarations,
the tool config, and the ``functionCall`` / ``functionResponse`` parts of the conversation.

References: https://ai.google.dev/api/caching#Tool (``functionDeclarations``),
https://ai.google.dev/api/caching#Schema (the OpenAPI 3.0 subset ``parameters`` takes),
https://ai.google.dev/api/caching#ToolConfig (``functionCallingConfig.mode`` AUTO, ANY, NONE
and ``allowedFunctionNames``), https://ai.google.dev/api/caching#FunctionResponse (``response``
is an object; ``output`` and ``error`` keys name the result and a failure) and
https://ai.google.dev/gemini-api/docs/thought-signatures (a call's ``thoughtSignature`` goes
back with it, on the same part).
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.types import ChatRequest, Message, ToolChoiceMode

SCHEMA_FIELDS = frozenset(
    {
        "type",
        "format",
        "title",
        "description",
        "nullable",
        "enum",
        "maxItems",
        "minItems",
        "properties",
        "required",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "example",
        "anyOf",
        "propertyOrdering",
        "default",
        "items",
        "minimum",
        "maximum",
    }
)
"""The fields of Gemini's ``Schema`` (https://ai.google.dev/api/caching#Schema). Everything
else in a JSON Schema (``$schema``, ``$ref``/``$defs``, ``additionalProperties``, ``const``,
``oneOf``/``allOf``/``not``, ``exclusiveMinimum``, ``examples``, ...) is refused by the API
with a 400 and is left out; a ``type`` list with ``"null"`` becomes ``type`` plus
``nullable: true``."""


def gemini_schema(schema: Any) -> Any:
    """``schema`` reduced to Gemini's subset (see :data:`SCHEMA_FIELDS`), recursively through
    ``properties``, ``items`` and ``anyOf``."""
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in SCHEMA_FIELDS:
            continue
        if key == "properties" and isinstance(value, dict):
            result[key] = {name: gemini_schema(sub) for name, sub in value.items()}
        elif key == "items":
            result[key] = gemini_schema(value)
        elif key == "anyOf" and isinstance(value, list):
            result[key] = [gemini_schema(sub) for sub in value]
        elif key == "type" and isinstance(value, list):
            kinds = [kind for kind in value if kind != "null"]
            if len(kinds) == 1:
                result[key] = kinds[0]
            if "null" in value:
                result["nullable"] = True
        else:
            result[key] = value
    return result


def add_tools(body: dict[str, Any], request: ChatRequest) -> None:
    """``tools: [{"functionDeclarations": [{"name", "description", "parameters"}]}]`` and,
    when a choice is set, ``toolConfig.functionCallingConfig`` (``mode`` AUTO, NONE, or ANY
    for ``required``; one named function is ANY with ``allowedFunctionNames``)."""
    if not request.tools:
        return
    declarations = []
    for tool in request.tools:
        declaration: dict[str, Any] = {"name": tool.name}
        if tool.description:
            declaration["description"] = tool.description
        if tool.parameters:
            declaration["parameters"] = gemini_schema(dict(tool.parameters))
        declarations.append(declaration)
    body["tools"] = [{"functionDeclarations": declarations}]
    choice = request.tool_choice
    if choice is None:
        return
    config: dict[str, Any]
    if choice.mode is ToolChoiceMode.FUNCTION:
        config = {"mode": "ANY", "allowedFunctionNames": [choice.name]}
    else:
        mode = {"auto": "AUTO", "none": "NONE", "required": "ANY"}[choice.mode.value]
        config = {"mode": mode}
    body["toolConfig"] = {"functionCallingConfig": config}


def call_parts(message: Message) -> list[dict[str, Any]]:
    """The ``functionCall`` parts of a model turn (``name``, ``args`` as an object, the
    call's ``id`` when it had one), each with its ``thoughtSignature`` when it came with one."""
    parts = []
    for call in message.tool_calls:
        arguments = call.arguments_object()
        function: dict[str, Any] = {"name": call.name, "args": arguments}
        if not isinstance(arguments, dict):
            function["args"] = {}
        if call.id:
            function["id"] = call.id
        part: dict[str, Any] = {"functionCall": function}
        if call.signature:
            part["thoughtSignature"] = call.signature
        parts.append(part)
    return parts


def response_part(message: Message, call_ids: frozenset[str]) -> dict[str, Any]:
    """The ``functionResponse`` part of a tool result: ``name``, the call's ``id`` when the
    model gave its call one (``call_ids``: the ids of the calls in the conversation),
    and ``response``: the result itself when it is a JSON object, else ``{"output": TEXT}``
    (``{"error": TEXT}`` for a failed tool)."""
    text = message.text
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and not message.is_error:
        response = parsed
    else:
        response = {"error" if message.is_error else "output": text}
    function: dict[str, Any] = {"name": message.tool_name or "", "response": response}
    if message.tool_call_id in call_ids:
        function["id"] = message.tool_call_id
    return {"functionResponse": function}
