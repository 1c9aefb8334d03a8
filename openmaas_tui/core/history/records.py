"""The records the history store hands out: sessions, messages, totals and search hits.

Plain frozen dataclasses, separate from the database rows (:mod:`openmaas_tui.core.history.store`
builds them). Times are seconds since the epoch (``time.time()``), durations milliseconds,
money US dollars. :class:`MessageState` belongs to the exchange's
:class:`~openmaas_tui.core.exchange.record.AnswerRecord` and is named here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.totals import Totals
from openmaas_tui.core.types import ChatRequest, Message, Role, ToolCall, Usage


@dataclass(frozen=True, slots=True)
class StoredSession:
    """One conversation as stored.

    Attributes:
        id: a UUID4 in hex (32 characters); any unique prefix names it in the CLI.
        title: from the first user message unless renamed.
        title_is_custom: True once renamed; then new messages never retitle it.
        created_at / updated_at: seconds since the epoch; ``updated_at`` is the last activity.
        provider / model: the defaults for the next request (None: not chosen).
        params: the default request parameters (``temperature``, ``max_tokens``, …).
        message_count: how many messages it holds (questions and answers).
        imported: added by an import: its answers' spend was made elsewhere and is not in this
            history's spend ledger.
        totals: tokens and cost over its answers.
        source: the face that started it (playground, ask, compare, gateway, import).
        base_url: where its model is asked when not at its provider's endpoint (schema 8),
            or None; never carries a credential.
    """

    id: str
    title: str
    title_is_custom: bool
    created_at: float
    updated_at: float
    provider: str | None
    model: str | None
    params: dict[str, Any] = field(default_factory=dict)
    message_count: int = 0
    totals: Totals = field(default_factory=Totals)
    imported: bool = False
    source: SessionSource = SessionSource.PLAYGROUND
    base_url: str | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message as stored, every field.

    Attributes:
        id: the database id (an integer, unique across sessions).
        session_id: the session it belongs to.
        position: its place in the session (ascending; gaps are allowed after deletions).
        role: ``user``, ``assistant`` or ``tool``.
        content: the text.
        attachments: references to attached content, each a JSON object with a ``type``
            (e.g. ``{"type": "image", "media_type": "image/png", "path": "…"}``).
        reasoning: the reasoning ("thinking") text, if any.
        provider / model: where it was sent (answers) or what it was sent to (user messages).
        params: the request parameters it was sent with.
        created_at: seconds since the epoch.
        input_tokens / output_tokens / cached_input_tokens / reasoning_tokens: usage in the
            convention of :class:`~openmaas_tui.core.types.Usage`; None = not reported.
        cost_usd: what it cost in USD, None when unknown.
        cost_estimated: True when the counts behind ``cost_usd`` were local estimates.
        ttft_ms / duration_ms: time to first token and total time, in milliseconds.
        finish_reason / finish_reason_raw: ours (``stop``, ``length``, …) and the provider's.
        error_code / error_message: the :class:`~openmaas_tui.core.errors.ErrorCode` and text
            of a failed answer.
        state: see :class:`MessageState`.
        tool_calls: the tool calls an answer made, in order.
        tool_call_id / tool_name / is_error: for a tool result (role ``tool``), the call it
            answers, the function's name and whether the tool failed.
        reasoning_blocks: an answer's signed or redacted reasoning blocks, to send back.
        server_tools: the tools the provider ran itself for an answer (kept in the
            ``tool_calls`` column, marked ``"server": true``; see
            :func:`~openmaas_tui.core.history.rows.tool_calls_json`).
    """

    id: int
    session_id: str
    position: int
    role: Role
    content: str
    attachments: tuple[dict[str, Any], ...] = ()
    reasoning: str | None = None
    provider: str | None = None
    model: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost_usd: float | None = None
    cost_estimated: bool = False
    ttft_ms: float | None = None
    duration_ms: float | None = None
    finish_reason: str | None = None
    finish_reason_raw: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    state: MessageState = MessageState.COMPLETE
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    tool_name: str | None = None
    is_error: bool = False
    reasoning_blocks: tuple[ReasoningBlock, ...] = ()
    server_tools: tuple[ServerToolCall, ...] = ()

    @property
    def usage(self) -> Usage:
        """The four token counts as a :class:`Usage`."""
        return Usage(
            self.input_tokens, self.output_tokens, self.cached_input_tokens, self.reasoning_tokens
        )

    def to_message(self) -> Message:
        """The message as context for the next request: its text, its tool calls and reasoning
        blocks, or the tool call it answers."""
        return Message(
            self.role,
            self.content,
            self.tool_calls,
            self.tool_call_id,
            self.tool_name,
            self.is_error,
            self.reasoning_blocks,
        )


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A session matching a search.

    Attributes:
        session_id: the session.
        title: its title.
        snippet: a short excerpt around the match (from the title or a message), with the
            matched words between the ``marks`` given to the search.
        message_id: the best matching message, or None when the title matched.
    """

    session_id: str
    title: str
    snippet: str
    message_id: int | None


def request_params(request: ChatRequest) -> dict[str, Any]:
    """The parameters of ``request`` worth recording: those that are set.

    Returns:
        A JSON-ready dict with any of ``system``, ``temperature``, ``top_p``, ``max_tokens``,
        ``stop`` (a list) and ``seed``.
    """
    params: dict[str, Any] = {
        "system": request.system,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "max_tokens": request.max_tokens,
        "stop": list(request.stop) if request.stop else None,
        "seed": request.seed,
    }
    return {k: v for k, v in params.items() if v is not None}
