"""An OpenAI Chat Completions request body read into a ``ChatRequest``.

Every top-level field of the body is looked up in :data:`FIELDS`, a table from the field's
name to the reader that takes its value into the request being built. A field with no reader
(``n``, ``logprobs``, ``user``, …) is not sent upstream and its name goes into
:attr:`ParsedChat.dropped`, which the gateway returns in the ``x-openmaas-dropped`` header:
nothing is dropped silently. Taking a new field is one reader and one line in the table. Tools,
tool choices and the tool turns of ``messages`` are read by :mod:`.tools`.

Field meanings: https://platform.openai.com/docs/api-reference/chat/create
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    ContentPart,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    TextPart,
)
from openmaas_tui.gateway.openai_wire.tools import (
    parallel_calls_dropped,
    parse_tool_choice,
    parse_tools,
    tool_calls,
    tool_result,
)


@dataclass(slots=True)
class Draft:
    """The request as it is read: keyword arguments for :class:`ChatRequest`, and what the
    gateway itself takes or drops."""

    args: dict[str, Any] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    include_usage: bool = False


@dataclass(frozen=True, slots=True)
class ParsedChat:
    """A request body, read.

    Attributes:
        model: the ``model`` field as sent (routed as ``-m`` is: ``gpt-4o``,
            ``claude-sonnet-4-5``, ``ollama/llama3.2``, ``NAME/model``).
        request: the provider-neutral request (its ``model`` is the field as sent; the target
            puts its own id in).
        include_usage: the client asked for the final usage chunk
            (``stream_options.include_usage``).
        dropped: the names of the fields (or parts, ``messages[2].content[1]``) not sent.
    """

    model: str
    request: ChatRequest
    include_usage: bool
    dropped: tuple[str, ...]


def invalid(message: str) -> OpenMaaSError:
    """INVALID_REQUEST about the client's body."""
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST, message, hint="see the Chat Completions API reference"
    )


def _number(name: str, low: float, high: float) -> Callable[[Any, Draft], None]:
    def read(value: Any, draft: Draft) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(f"{name} must be a number")
        if not low <= value <= high:
            raise invalid(f"{name} must be between {low:g} and {high:g}")
        draft.args[name] = float(value)

    return read


def _max_tokens(value: Any, draft: Draft) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid("max_tokens must be a positive integer")
    draft.args["max_tokens"] = value


def _seed(value: Any, draft: Draft) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("seed must be an integer")
    draft.args["seed"] = value


def _stop(value: Any, draft: Draft) -> None:
    if value is None:
        return
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise invalid("stop must be a string or a list of strings")
    draft.args["stop"] = tuple(stops)


def _stream(value: Any, draft: Draft) -> None:
    if value is not None and not isinstance(value, bool):
        raise invalid("stream must be true or false")
    draft.args["stream"] = bool(value)


def _stream_options(value: Any, draft: Draft) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise invalid("stream_options must be an object")
    draft.include_usage = value.get("include_usage") is True
    draft.dropped += [f"stream_options.{k}" for k in value if k != "include_usage"]


def _reasoning_effort(value: Any, draft: Draft) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise invalid("reasoning_effort must be a string")
    draft.args["reasoning_effort"] = value


def _response_format(value: Any, draft: Draft) -> None:
    if value is None:
        return
    kind = value.get("type") if isinstance(value, dict) else None
    if kind == "text":
        return
    if kind == "json_object":
        draft.args["response_format"] = ResponseFormat("json_object")
        return
    if kind == "json_schema":
        spec = value.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("schema", {}), dict):
            raise invalid("response_format.json_schema must hold a schema object")
        name = spec.get("name")
        name = name if isinstance(name, str) else "answer"
        draft.args["response_format"] = ResponseFormat("json_schema", spec.get("schema"), name)
        return
    raise invalid("response_format.type must be text, json_object or json_schema")


def _n(value: Any, draft: Draft) -> None:
    if value not in (None, 1):
        draft.dropped.append("n")  # one answer per exchange


def _image(url: str) -> ImagePart | None:
    """An image part from a ``data:`` URL; None for a web URL (not fetched by the gateway)."""
    head, sep, data = url.partition(",")
    if not sep or not head.startswith("data:") or not head.endswith(";base64"):
        return None
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("an image_url data URL is not valid base64") from None
    return ImagePart(data, head[5:].removesuffix(";base64"))


def _content(value: Any, where: str, draft: Draft) -> str | tuple[ContentPart, ...]:
    if value is None or isinstance(value, str):
        return value or ""
    if not isinstance(value, list):
        raise invalid(f"{where}.content must be a string or a list of parts")
    parts: list[ContentPart] = []
    for j, part in enumerate(value):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            parts.append(TextPart(part["text"]))
            continue
        url = part.get("image_url", {}).get("url") if kind == "image_url" else None
        image = _image(url) if isinstance(url, str) else None
        if image is None:
            draft.dropped.append(f"{where}.content[{j}]")
        else:
            parts.append(image)
    if all(isinstance(p, TextPart) for p in parts):
        return "".join(p.text for p in parts if isinstance(p, TextPart))
    return tuple(parts)


def _messages(value: Any, draft: Draft) -> None:
    if not isinstance(value, list) or not value:
        raise invalid("messages must be a non-empty list")
    system: list[str] = []
    turns: list[Message] = []
    names: dict[str, str] = {}  # tool call id -> function name, for the results that quote it
    for i, item in enumerate(value):
        where = f"messages[{i}]"
        role = item.get("role") if isinstance(item, dict) else None
        if role in ("system", "developer"):
            content = _content(item.get("content"), where, draft)
            system.append(content if isinstance(content, str) else "")
        elif role == "assistant" and item.get("tool_calls"):
            calls = tool_calls(item["tool_calls"], where)
            names.update((call.id or "", call.name) for call in calls)
            content = _content(item.get("content"), where, draft)
            turns.append(Message(Role.ASSISTANT, content, calls))
        elif role in ("user", "assistant"):
            turns.append(Message(Role(role), _content(item.get("content"), where, draft)))
        elif role == "tool":
            content = _content(item.get("content"), where, draft)
            if not isinstance(content, str):  # a result is text: its images are not sent
                draft.dropped.append(f"{where}.content")
                content = Message(Role.TOOL, content).text
            turns.append(tool_result(item, content, where, names))
        elif role == "function":
            draft.dropped.append(where)  # the deprecated function turn quotes no call id
        else:
            raise invalid(f"{where}.role must be system, developer, user, assistant or tool")
    if not turns:
        raise OpenMaaSError(ErrorCode.EMPTY_MESSAGE, "messages holds no user or assistant turn")
    draft.args["messages"] = tuple(turns)
    draft.args["system"] = "\n\n".join(system) if system else None


def _tools(value: Any, draft: Draft) -> None:
    if value is not None:
        draft.args["tools"] = parse_tools(value)


def _tool_choice(value: Any, draft: Draft) -> None:
    if value is not None:
        draft.args["tool_choice"] = parse_tool_choice(value)


def _parallel_tool_calls(value: Any, draft: Draft) -> None:
    if parallel_calls_dropped(value):
        draft.dropped.append("parallel_tool_calls")


Reader = Callable[[Any, Draft], None]

FIELDS: dict[str, Reader] = {
    "messages": _messages,
    "model": lambda value, draft: None,  # routed by the caller
    "stream": _stream,
    "stream_options": _stream_options,
    "temperature": _number("temperature", 0, 2),
    "top_p": _number("top_p", 0, 1),
    "presence_penalty": _number("presence_penalty", -2, 2),
    "frequency_penalty": _number("frequency_penalty", -2, 2),
    "max_tokens": _max_tokens,
    "max_completion_tokens": _max_tokens,
    "seed": _seed,
    "stop": _stop,
    "reasoning_effort": _reasoning_effort,
    "response_format": _response_format,
    "n": _n,
    "tools": _tools,
    "tool_choice": _tool_choice,
    "parallel_tool_calls": _parallel_tool_calls,
}
"""The fields taken, by name; every other field is dropped and named."""


def parse_chat(body: Any) -> ParsedChat:
    """Read a Chat Completions request body (parsed JSON).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a body that is not a request (no model, no
            messages, a value of the wrong type or out of range); EMPTY_MESSAGE when no user
            or assistant turn is left.
    """
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise invalid("model must name a model, e.g. gpt-4o or ollama/llama3.2")
    if "messages" not in body:
        raise invalid("messages is required")
    draft = Draft()
    for name, value in body.items():
        reader = FIELDS.get(name)
        if reader is None:
            draft.dropped.append(name)
        else:
            reader(value, draft)
    draft.args.setdefault("stream", False)
    request = ChatRequest(model=model, **draft.args)
    return ParsedChat(model, request, draft.include_usage, tuple(draft.dropped))
