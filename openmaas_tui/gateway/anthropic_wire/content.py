"""The conversation of a Messages request: ``messages`` and ``system`` read into our
:class:`~openmaas_tui.core.types.Message` values and system prompt.

Reference: https://docs.anthropic.com/en/api/messages (``messages``: a role and a string or an
array of content blocks; ``system``: a string or an array of text blocks). Text blocks become
text, base64 ``image`` blocks become :class:`~openmaas_tui.core.types.ImagePart`; what our
types cannot carry (tool blocks, documents, images by URL or file, earlier thinking) is dropped
and named, and a message left with nothing is dropped with it. ``cache_control`` marks are
ignored (no provider but Anthropic reads them) and noted once.
"""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.types import ContentPart, ImagePart, Message, Role, TextPart
from openmaas_tui.gateway.anthropic_wire.fields import (
    a_list,
    a_string,
    an_object,
    field_name,
    invalid,
)
from openmaas_tui.gateway.anthropic_wire.tools import is_tool_block, read_tool_block

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
            ``user`` or ``assistant``, or content that is neither a string nor an array of
            well-formed blocks, naming the field at fault.
    """
    if value is None:
        raise invalid("messages", "is required")
    items = a_list(value, "messages")
    if not items:
        raise invalid("messages", "must hold at least one message")
    messages: list[Message] = []
    for i, item in enumerate(items):
        where = f"messages[{i}]"
        item = an_object(item, where)
        name = item.get("role")
        role = _ROLES.get(name) if isinstance(name, str) else None
        if role is None:
            raise invalid(f"{where}.role", "must be 'user' or 'assistant'")
        content = _content(item.get("content"), f"{where}.content", dropped)
        if content is not None:
            messages.append(Message(role, content))
    return tuple(messages)


def _content(
    value: object, where: str, dropped: dict[str, None]
) -> str | tuple[ContentPart, ...] | None:
    """A message's content: its string, its one text block's text, or its parts; None when
    every block was dropped."""
    if isinstance(value, str):
        return a_string(value, where)
    parts: list[ContentPart] = []
    blocks = a_list(value, where)
    for j, block in enumerate(blocks):
        part = _block(an_object(block, f"{where}[{j}]"), f"{where}[{j}]", dropped)
        if part is not None:
            parts.append(part)
    if not parts:
        return "" if not blocks else None
    if len(parts) == 1 and isinstance(parts[0], TextPart):
        return parts[0].text
    return tuple(parts)


def _block(block: dict[str, Any], where: str, dropped: dict[str, None]) -> ContentPart | None:
    """One content block as a part, or None when it is dropped (and named)."""
    kind = a_string(block.get("type"), f"{where}.type", empty=False)
    _note_cache_control(block, dropped)
    if kind == "text":
        return TextPart(a_string(block.get("text"), f"{where}.text"))
    if kind == "image":
        return _image(an_object(block.get("source"), f"{where}.source"), where, dropped)
    if is_tool_block(kind):
        read_tool_block(block, field_name(kind, f"{where}.type"), where, dropped)
        return None
    dropped[field_name(kind, f"{where}.type")] = None  # document, thinking, ...
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
