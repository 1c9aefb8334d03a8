"""Reasoning blocks: a model's thinking as it must be sent back with the turn that made it.

Most faces only need the reasoning text. Anthropic's extended thinking (and Claude on Bedrock)
also signs each thinking block, and sends some as ``redacted_thinking`` (encrypted, nothing
readable): when the assistant turn called a tool, those blocks must go back unchanged, signature
and data included, before its ``tool_use`` blocks
(https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks).
A :class:`ReasoningBlock` keeps one such block with an assistant message; a stream carries the
pieces in :class:`~openmaas_tui.core.types.ReasoningDelta` events (text, then a signature that
closes the block, or a whole redacted block).

OpenAI's Responses API sends reasoning as ``reasoning`` output items (``id``,
``encrypted_content``, ``summary`` parts). With ``store: false`` the model's reasoning only
carries over to the next turn when those items go back, before the turn's ``function_call``
items (https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items): such a
block keeps the item's ``id``, its ``encrypted_content`` as the signature and its summary
parts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

REDACTED_THINKING = "[redacted thinking]"
"""What a redacted block shows as reasoning text: it is there, and nothing in it is readable."""

REDACTED_LINE = REDACTED_THINKING + "\n"
"""A redacted block's reasoning text, as streamed and shown (one line per block)."""

ANTHROPIC, BEDROCK, GEMINI = "anthropic", "bedrock", "gemini"
"""The wires whose reasoning blocks are kept (:attr:`ReasoningBlock.origin`): Anthropic
Messages, Bedrock Converse, and Gemini (``generateContent``, also on Vertex)."""

OPENAI_RESPONSES = "openai_responses"
"""The origin of OpenAI Responses reasoning items (also Azure OpenAI's Responses)."""


@dataclass(frozen=True, slots=True)
class ReasoningBlock:
    """One block of reasoning as the provider sent it.

    Attributes:
        text: the readable reasoning ("" for a redacted block).
        signature: the provider's signature over the block (Anthropic ``signature``, Bedrock
            ``reasoningText.signature``), or None.
        redacted: a redacted block's opaque data (Anthropic ``redacted_thinking.data``,
            Bedrock ``redactedContent`` as base64), or None for a readable block.
        origin: the wire that signed it (:data:`ANTHROPIC`, :data:`BEDROCK`, :data:`GEMINI`,
            :data:`OPENAI_RESPONSES`); a block goes back only to the wire it came from
            (another provider cannot check its signature), so a conversation can change
            models without being refused.
        id: a Responses reasoning item's ``id`` (its ``encrypted_content`` is the
            signature), or None.
        parts: a Responses reasoning item's summary parts, in order (``text`` joins them
            with a blank line), or none.
    """

    text: str = ""
    signature: str | None = None
    redacted: str | None = None
    origin: str = ""
    id: str | None = None
    parts: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The block as a person sees it: its text, or :data:`REDACTED_THINKING`."""
        return REDACTED_THINKING if self.redacted is not None else self.text

    @property
    def replayable(self) -> bool:
        """Whether the provider can take the block back (it is signed or redacted)."""
        return self.signature is not None or self.redacted is not None

    def as_dict(self) -> dict[str, Any]:
        """The block as a JSON object: ``text`` and, when set, ``signature``, ``redacted`` and
        ``origin``."""
        data: dict[str, Any] = {"text": self.text}
        if self.signature is not None:
            data["signature"] = self.signature
        if self.redacted is not None:
            data["redacted"] = self.redacted
        if self.origin:
            data["origin"] = self.origin
        if self.id is not None:
            data["id"] = self.id
        if self.parts:
            data["parts"] = list(self.parts)
        return data

    def replayable_to(self, origin: str) -> bool:
        """Whether the block goes back to the wire ``origin`` (signed or redacted there)."""
        return self.replayable and self.origin == origin

    @classmethod
    def from_dict(cls, data: Any) -> ReasoningBlock:
        """The block :meth:`as_dict` wrote.

        Raises:
            TypeError: when ``data`` is not such an object.
        """
        if not isinstance(data, dict):
            raise TypeError("a reasoning block is an object")
        text, origin = data.get("text", ""), data.get("origin", "")
        signature, redacted = data.get("signature"), data.get("redacted")
        if not isinstance(text, str) or not isinstance(origin, str):
            raise TypeError("a reasoning block's text and origin are strings")
        item_id, parts = data.get("id"), data.get("parts", [])
        for value in (signature, redacted, item_id):
            if value is not None and not isinstance(value, str):
                raise TypeError("a reasoning block's signature, data and id are strings")
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise TypeError("a reasoning block's parts are a list of strings")
        return cls(text, signature, redacted, origin, item_id, tuple(parts))


def replayable(blocks: Iterable[ReasoningBlock]) -> tuple[ReasoningBlock, ...]:
    """The blocks worth keeping with a message: all of them when any is signed or redacted,
    none otherwise (plain reasoning text is kept as text)."""
    kept = tuple(blocks)
    return kept if any(b.replayable for b in kept) else ()


class Piece(Protocol):
    """A piece of streamed reasoning (what :class:`~openmaas_tui.core.types.ReasoningDelta`
    holds)."""

    @property
    def text(self) -> str: ...
    @property
    def signature(self) -> str | None: ...
    @property
    def redacted(self) -> str | None: ...
    @property
    def origin(self) -> str: ...
    @property
    def id(self) -> str | None: ...
    @property
    def parts(self) -> tuple[str, ...]: ...


@dataclass(slots=True)
class ReasoningBlocks:
    """Folds the pieces of streamed reasoning into blocks (O(1) per piece).

    Text joins the block being streamed; a signature closes it; redacted data is a whole
    block of its own; an item ``id`` (a Responses reasoning item's end) closes it with the
    item's id, summary parts and encrypted content (signed or not).
    """

    _blocks: list[ReasoningBlock] = field(default_factory=list)
    _text: list[str] = field(default_factory=list)  # the block being streamed

    def add(self, piece: Piece) -> None:
        """Take one piece (a :class:`~openmaas_tui.core.types.ReasoningDelta`)."""
        if piece.redacted is not None:
            self._close(None, "")
            self._blocks.append(ReasoningBlock(redacted=piece.redacted, origin=piece.origin))
            return
        if piece.text:
            self._text.append(piece.text)
        if piece.id is not None:
            text = "".join(self._text)
            self._text.clear()
            block = ReasoningBlock(text, piece.signature, None, piece.origin, piece.id, piece.parts)
            self._blocks.append(block)
        elif piece.signature is not None:
            self._close(piece.signature, piece.origin)

    def _close(self, signature: str | None, origin: str) -> None:
        if self._text or signature is not None:
            self._blocks.append(ReasoningBlock("".join(self._text), signature, origin=origin))
            self._text.clear()

    def replayable(self) -> tuple[ReasoningBlock, ...]:
        """The closed blocks, when any is signed or redacted (see :func:`replayable`); the
        block still streaming is left out (unsigned, no provider would take it back)."""
        return replayable(self._blocks)


def blocks_json(blocks: tuple[ReasoningBlock, ...]) -> str | None:
    """The ``reasoning_blocks`` column: a JSON list of :meth:`ReasoningBlock.as_dict`, or None
    for none."""
    return json.dumps([b.as_dict() for b in blocks]) if blocks else None


def blocks_from_json(text: str | None) -> tuple[ReasoningBlock, ...]:
    """The blocks :func:`blocks_json` wrote; none for None or an unreadable value."""
    if not text:
        return ()
    try:
        data = json.loads(text)
        return tuple(ReasoningBlock.from_dict(item) for item in data)
    except (ValueError, TypeError):
        return ()


__all__ = [
    "OPENAI_RESPONSES",
    "REDACTED_LINE",
    "REDACTED_THINKING",
    "ReasoningBlock",
    "ReasoningBlocks",
    "blocks_from_json",
    "blocks_json",
    "replayable",
]
