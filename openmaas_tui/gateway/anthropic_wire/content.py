"""The conversation of a Messages request: ``messages`` and ``system`` read into our
:class:`~openmaas_tui.core.types.Message` values and system prompt.

Reference: https://docs.anthropic.com/en/api/messages (``messages``: a role and a string or an
array of content blocks; ``system``: a string or an array of text blocks). Text blocks become
text, base64 ``image`` blocks become :class:`~openmaas_tui.core.types.ImagePart`; an assistant
turn's ``tool_use`` blocks become its :attr:`~openmaas_tui.core.types.Message.tool_calls`, its
``thinking`` and ``redacted_thinking`` blocks its reasoning blocks (:mod:`.thinking`), and a
user turn's ``tool_result`` blocks become tool-result messages (role ``tool``) placed before
what else the turn says (:mod:`.tools`). What our types cannot carry (server tool blocks,
documents, images by URL or file) is dropped and named, and a message left
with nothing is dropped with it. ``cache_control`` marks are ignored (no provider but
Anthropic reads them) and noted once.
"""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.types import ContentPart, ImagePart, Message, Role, TextPart, ToolCall
from openmaas_tui.gateway.anthropic_wire.fields import (
    a_list,
    a_string,
    an_object,
    field_name,
    invalid,
)
from openmaas_tui.gateway.anthropic_wire.thinking import (
    THINKING_KINDS,
    call_signed_by,
    read_thinking,
)
from openmaas_tui.gateway.anthropic_wire.tools import read_tool_result, read_tool_use

IMAGE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
"""The image media types Anthropic accepts
(https://docs.anthropic.com/en/docs/build-with-claude/vision)."""

_ROLES = {"user": Role.USER, "assistant": Role.ASSISTANT}

SYSTEM_JOINER = "\n\n"
"""Between the text blocks of an array ``system`` (our system prompt is one string)."""


def read_system(value: object, dropped: dict[str, None]) -> str | None:
    """The system prompt from ``system``: a string, or an array of text blocks joined by
    :data:`SYSTEM_JOINER`; None when absent or empty.

    Raises:
        OpenMaaSError: INVALID_REQUEST for anything else, naming the block at fault.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return a_string(value, "system") or None
    texts: list[str] = []
    for i, block in enumerate(a_list(value, "system")):
        where = f"system[{i}]"
        block = an_object(block, where)
        if block.get("type") != "text":
            raise invalid(f"{where}.type", "must be 'text'")
        _note_cache_control(block, dropped)
        texts.append(a_string(block.get("text"), f"{where}.text"))
    return SYSTEM_JOINER.join(t for t in texts if t) or None


def read_messages(value: object, dropped: dict[str, None]) -> tuple[Message, ...]:
    """The conversation from ``messages``.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a missing or empty array, a role other than
            ``user`` or ``assistant``, content that is neither a string nor an array of
            well-formed blocks, or a tool block in the wrong turn (``tool_use`` outside an
            assistant turn, ``tool_result`` outside a user turn), naming the field at fault.
    """
    if value is None:
        raise invalid("messages", "is required")
    items = a_list(value, "messages")
    if not items:
        raise invalid("messages", "must hold at least one message")
    messages: list[Message] = []
    names: dict[str, str] = {}  # tool_use id -> function name, for the results that quote it
    for i, item in enumerate(items):
        where = f"messages[{i}]"
        item = an_object(item, where)
        name = item.get("role")
        role = _ROLES.get(name) if isinstance(name, str) else None
        if role is None:
            raise invalid(f"{where}.role", "must be 'user' or 'assistant'")
        messages.extend(_turn(role, item.get("content"), f"{where}.content", names, dropped))
    return tuple(messages)


def _turn(
    role: Role, value: object, where: str, names: dict[str, str], dropped: dict[str, None]
) -> list[Message]:
    """One turn's messages: its tool results first (a user turn), then the turn itself with
    its parts and calls, unless every block of it was dropped."""
    if isinstance(value, str):
        return [Message(role, a_string(value, where))]
    blocks = a_list(value, where)
    parts: list[ContentPart] = []
    calls: list[ToolCall] = []
    results: list[Message] = []
    thinking: list[ReasoningBlock] = []
    for j, item in enumerate(blocks):
        at = f"{where}[{j}]"
        block = an_object(item, at)
        kind = a_string(block.get("type"), f"{at}.type", empty=False)
        _note_cache_control(block, dropped)
        if kind == "tool_use":
            call = call_signed_by(read_tool_use(block, at), blocks[j - 1] if j else None)
            if role is not Role.ASSISTANT:
                raise invalid(f"{at}.type", "tool_use blocks belong in assistant turns")
            names[call.id or ""] = call.name
            calls.append(call)
        elif kind == "tool_result":
            result = read_tool_result(block, at, names, dropped)
            if role is not Role.USER:
                raise invalid(f"{at}.type", "tool_result blocks belong in user turns")
            results.append(result)
        elif kind in THINKING_KINDS and role is Role.ASSISTANT:
            thinking.append(read_thinking(block, at))
        else:
            part = _block(block, kind, at, dropped)
            if part is not None:
                parts.append(part)
    content: str | tuple[ContentPart, ...] = _joined(parts)
    if calls or parts or not blocks:
        turn = Message(role, content, tuple(calls), reasoning_blocks=tuple(thinking))
        return [*results, turn]
    if thinking:  # a turn of thinking alone goes, its thinking with it
        dropped["thinking"] = None
    return results


def _joined(parts: list[ContentPart]) -> str | tuple[ContentPart, ...]:
    """The parts as a message's content: ``""`` for none, the text of one text part."""
    if not parts:
        return ""
    if len(parts) == 1 and isinstance(parts[0], TextPart):
        return parts[0].text
    return tuple(parts)


def _block(
    block: dict[str, Any], kind: str, where: str, dropped: dict[str, None]
) -> ContentPart | None:
    """One content block (not a tool block) as a part, or None when it is dropped (and
    named)."""
    if kind == "text":
        return TextPart(a_string(block.get("text"), f"{where}.text"))
    if kind == "image":
        return _image(an_object(block.get("source"), f"{where}.source"), where, dropped)
    dropped[field_name(kind, f"{where}.type")] = None  # document, thinking, server tools, ...
    return None


def _image(source: dict[str, Any], where: str, dropped: dict[str, None]) -> ImagePart | None:
    kind = a_string(source.get("type"), f"{where}.source.type", empty=False)
    if kind != "base64":
        dropped[f"image.{field_name(kind, f'{where}.source.type')}"] = None  # url, file
        return None
    media_type = a_string(source.get("media_type"), f"{where}.source.media_type")
    if media_type not in IMAGE_MEDIA_TYPES:
        allowed = ", ".join(sorted(IMAGE_MEDIA_TYPES))
        raise invalid(f"{where}.source.media_type", f"must be one of {allowed}")
    data = a_string(source.get("data"), f"{where}.source.data", empty=False)
    if not data.isascii():
        raise invalid(f"{where}.source.data", "must be base64")
    return ImagePart(data_base64=data, media_type=media_type)


def _note_cache_control(block: dict[str, Any], dropped: dict[str, None]) -> None:
    if "cache_control" in block:
        dropped["cache_control"] = None
