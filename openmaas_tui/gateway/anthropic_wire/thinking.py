"""An assistant turn's earlier thinking, as a Claude client sends it back.

Under extended thinking a client continues a tool call by sending the assistant turn back with
its ``thinking`` blocks (``thinking``, ``signature``) and ``redacted_thinking`` blocks
(``data``) unchanged, before its ``tool_use`` blocks
(https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks).
They are read into the turn's :class:`~openmaas_tui.core.reasoning.ReasoningBlock` values here;
whose signature they carry is known only once the model is routed, so :func:`signed_by` names
the wire of the target (a block goes back only to the wire that signed it: a conversation moved
to another provider drops them there, as the playground's does).
"""

from __future__ import annotations

from dataclasses import replace

from openmaas_tui.core.reasoning import ANTHROPIC, BEDROCK, GEMINI, ReasoningBlock
from openmaas_tui.core.types import ChatRequest, Message, ToolCall
from openmaas_tui.gateway.anthropic_wire.fields import a_string, invalid

THINKING_KINDS = frozenset({"thinking", "redacted_thinking"})
"""The content block types of earlier thinking."""

_ORIGINS = {
    "anthropic": ANTHROPIC,
    "bedrock": BEDROCK,
    "gemini": GEMINI,
    "vertex": GEMINI,
}
"""The wire protocol of a target -> the origin of the reasoning blocks it signs."""


def read_thinking(block: dict[str, object], where: str) -> ReasoningBlock:
    """A ``thinking`` or ``redacted_thinking`` block of an assistant turn, its origin not yet
    known.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a block without its strings (``thinking`` and
            ``signature``, or ``data``), naming the field at fault.
    """
    if block.get("type") == "redacted_thinking":
        return ReasoningBlock(redacted=a_string(block.get("data"), f"{where}.data", empty=False))
    text = a_string(block.get("thinking"), f"{where}.thinking")
    signature = block.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise invalid(f"{where}.signature", "must be a string")
    return ReasoningBlock(text, signature or None)


def call_signed_by(call: ToolCall, before: object) -> ToolCall:
    """``call`` with the signature of the thinking block right ``before`` its ``tool_use``,
    if that is one: where the gateway writes a signed call (Gemini's ``thoughtSignature``,
    which only Gemini reads back from a call), and where Anthropic puts the thinking that led
    to a call (which its wire takes back from the block itself)."""
    if not isinstance(before, dict) or before.get("type") != "thinking":
        return call
    signature = before.get("signature")
    return replace(call, signature=signature) if isinstance(signature, str) and signature else call


def signed_by(request: ChatRequest, protocol: str | None) -> ChatRequest:
    """``request`` with its reasoning blocks marked as signed by the wire ``protocol`` speaks
    (none kept for a wire that signs no reasoning; for Gemini, a block that only carried a
    call's signature goes back with the call, not as a block of its own)."""
    if not any(m.reasoning_blocks for m in request.messages):
        return request
    origin = _ORIGINS.get(protocol or "", "")
    return replace(
        request, messages=tuple(_signed_turn(message, origin) for message in request.messages)
    )


def _signed_turn(message: Message, origin: str) -> Message:
    if not message.reasoning_blocks:
        return message
    blocks: tuple[ReasoningBlock, ...] = ()
    if origin:
        calls = {call.signature for call in message.tool_calls} if origin == GEMINI else set()
        blocks = tuple(
            replace(block, origin=origin)
            for block in message.reasoning_blocks
            if block.text or block.signature not in calls
        )
    return replace(message, reasoning_blocks=blocks)
