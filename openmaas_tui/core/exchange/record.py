"""How one answer ended: the :class:`AnswerRecord` every face and the history share.

An exchange (:class:`~openmaas_tui.core.exchange.pipeline.Exchange`) ends in one record; the
history stores it (:meth:`~openmaas_tui.core.history.store.Store.finish_message`), a session
keeps it as a message, ``openmaas ask --json`` prints it. The billing rule lives here too
(:func:`received_anything`): a request refused before anything of the answer arrived — a 429, a
missing key, a connection that never opened — costs $0, whatever a local estimate says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.types import FinishReason, ToolCall, Usage


class MessageState(StrEnum):
    """Where a message stands.

    - ``complete``: finished normally (every user message is complete).
    - ``streaming``: an answer still arriving; its text is flushed about once a second.
    - ``stopped``: the person stopped the answer; what arrived is kept.
    - ``interrupted``: the stream broke off before its protocol's end (STREAM_INTERRUPTED), or
      the process ended mid-stream (found ``streaming`` at the next open); the text is kept.
    - ``error``: the request failed; ``error_code`` says why, the partial text is kept.

    An exchange ends ``complete``, ``stopped``, ``interrupted`` or ``error``; ``streaming`` is
    the history's.
    """

    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    ERROR = "error"


def received_anything(
    text: str, reasoning: str | None, usage: Usage | None, tool_calls: Sequence[ToolCall] = ()
) -> bool:
    """Whether anything of an answer arrived: text, reasoning, a tool call or a reported output
    token. An answer that received nothing is not billed (it costs $0): providers do not charge
    a request they refused or never got.
    """
    return bool(text or reasoning or tool_calls or (usage is not None and usage.output_tokens))


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One answer as it ended: complete, stopped or failed (partial text kept).

    Attributes:
        text: the answer text.
        reasoning: the reasoning ("thinking") text, or None when the model streamed none.
        tool_calls: the tool calls the model asked for, in order.
        usage: the counts billed: the provider's reported usage, or local (tiktoken) estimates
            when it reported none (see ``estimated``); None when nothing was billed or nothing
            is known.
        estimated: ``usage`` (and so ``cost_usd``) are local estimates.
        cost_usd: what the answer cost in USD; 0.0 when nothing was billed, None when the
            price or the counts are unknown.
        billed: something of the answer arrived (:func:`received_anything`).
        ttft_ms: milliseconds from sending to the first token, None when none came.
        duration_ms: milliseconds from sending to the end, None when not measured.
        finish_reason / finish_reason_raw: why generation ended, ours and the provider's word.
        error_code / error_message: the :class:`~openmaas_tui.core.errors.ErrorCode` and the
            (key-masked) message of a failed answer, else None.
        retry_after_s: seconds the provider asked to wait before asking again (429, 503,
            529), when a failed answer's provider said; None otherwise.
        state: ``complete``, ``stopped``, ``interrupted`` or ``error`` (see
            :class:`MessageState`).
        provider / model: who answered (``openai`` / ``gpt-4o-mini``), None when not known.
        reasoning_blocks: the signed or redacted reasoning blocks to send back with the turn
            (see :mod:`openmaas_tui.core.reasoning`), empty when there are none.
        server_tools: the tools the provider ran itself while answering (web search, code
            execution; :mod:`openmaas_tui.core.server_tools`), in order; never tool calls the
            person answers.
    """

    text: str = ""
    reasoning: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None
    estimated: bool = False
    cost_usd: float | None = None
    billed: bool = True
    ttft_ms: float | None = None
    duration_ms: float | None = None
    finish_reason: FinishReason | None = None
    finish_reason_raw: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    retry_after_s: float | None = None
    state: MessageState = MessageState.COMPLETE
    provider: str | None = None
    model: str | None = None
    reasoning_blocks: tuple[ReasoningBlock, ...] = ()
    server_tools: tuple[ServerToolCall, ...] = ()

    @property
    def interrupted(self) -> bool:
        """The stream broke off by itself (STREAM_INTERRUPTED), what arrived kept."""
        return self.error_code == ErrorCode.STREAM_INTERRUPTED

    @property
    def error(self) -> dict[str, str] | None:
        """``{"code", "message"}`` of a failed answer (the ``error`` of ``--json``), or None."""
        if self.error_code is None:
            return None
        return {"code": self.error_code, "message": self.error_message or ""}
