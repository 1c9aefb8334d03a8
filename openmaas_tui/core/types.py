"""Messages, requests, stream events and finished completions: the one shape every provider speaks.

A screen or the CLI builds a :class:`ChatRequest`; an adapter turns it into the provider's wire
format and yields :data:`StreamEvent` values; :class:`CompletionBuilder` folds those events into a
:class:`Completion`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from openmaas_tui.core.content import ContentPart as ContentPart
from openmaas_tui.core.content import ImagePart as ImagePart
from openmaas_tui.core.content import TextPart as TextPart
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.core.reasoning import REDACTED_LINE, ReasoningBlock, ReasoningBlocks
from openmaas_tui.core.server_tools import ServerToolCall as ServerToolCall
from openmaas_tui.core.tools import ToolCall as ToolCall
from openmaas_tui.core.tools import ToolChoice as ToolChoice
from openmaas_tui.core.tools import ToolChoiceMode as ToolChoiceMode
from openmaas_tui.core.tools import ToolDefinition as ToolDefinition


class Role(StrEnum):
    """Who wrote a message. The system prompt travels in :attr:`ChatRequest.system`; ``tool``
    carries a tool's result back to the model."""

    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of the conversation.

    Attributes:
        role: user, assistant or tool.
        content: plain text, or a list of parts when the turn carries images; for a tool
            result, the result's text.
        tool_calls: the calls an assistant turn made, in order (empty otherwise).
        tool_call_id: for a tool result, the id of the call it answers.
        tool_name: for a tool result, the function's name (Gemini and Ollama match results
            by name).
        is_error: for a tool result, whether the tool failed (Anthropic's and Bedrock's
            ``is_error`` / ``status: error``; other providers only see the text).
        reasoning_blocks: for an assistant turn, its signed or redacted reasoning blocks, in
            order, to be sent back as the provider requires (Anthropic and Bedrock thinking;
            see :mod:`openmaas_tui.core.reasoning`); empty otherwise.
    """

    role: Role
    content: str | tuple[ContentPart, ...]
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    tool_name: str | None = None
    is_error: bool = False
    reasoning_blocks: tuple[ReasoningBlock, ...] = ()

    @property
    def text(self) -> str:
        """The message's text, parts joined without separators."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))

    @classmethod
    def user(cls, text: str) -> Message:
        """A user message holding ``text``."""
        return cls(Role.USER, text)

    @classmethod
    def assistant(
        cls,
        text: str,
        tool_calls: tuple[ToolCall, ...] = (),
        reasoning_blocks: tuple[ReasoningBlock, ...] = (),
    ) -> Message:
        """An assistant message holding ``text``, the tool calls it made and its signed or
        redacted reasoning blocks."""
        return cls(Role.ASSISTANT, text, tool_calls, reasoning_blocks=reasoning_blocks)

    @classmethod
    def tool_result(cls, call_id: str, name: str, text: str, *, is_error: bool = False) -> Message:
        """The result ``text`` of the call ``call_id`` to the function ``name``."""
        return cls(Role.TOOL, text, tool_call_id=call_id, tool_name=name, is_error=is_error)


ResponseKind = Literal["text", "json_object", "json_schema"]
"""What shape the answer must take: free text, any JSON object, or JSON matching a schema."""

REASONING_EFFORTS: tuple[str, ...] = ("minimal", "low", "medium", "high")
"""Every reasoning effort a :class:`ChatRequest` may carry, least first (OpenAI's
``reasoning_effort``, https://platform.openai.com/docs/api-reference/chat/create)."""


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    """The shape the answer must take.

    Attributes:
        kind: ``text`` (no constraint), ``json_object`` (the answer must parse as a JSON
            object) or ``json_schema`` (the answer must also match :attr:`schema`).
        schema: the JSON Schema for ``json_schema``, or None.
        name: the schema's name, as OpenAI's ``json_schema.name`` wants one
            (``^[a-zA-Z0-9_-]{1,64}$``).
    """

    kind: ResponseKind = "text"
    schema: dict[str, Any] | None = None
    name: str = "answer"

    @property
    def is_json(self) -> bool:
        """Whether the answer must be JSON."""
        return self.kind != "text"


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """Everything needed for one chat call, in provider-neutral form.

    Attributes:
        model: the model id as the provider knows it (``gpt-4o-mini``, ``claude-sonnet-4-5``,
            ``llama3.2``), without any ``provider/`` prefix.
        messages: the conversation, oldest first.
        system: the system prompt, or None.
        temperature: sampling temperature (0..2 for OpenAI, 0..1 for Anthropic), or None for
            the provider's default.
        top_p: nucleus sampling mass in (0, 1], or None.
        max_tokens: the most output tokens to generate, or None for the provider's default
            (Anthropic requires one; its adapter fills a default in).
        stop: stop sequences.
        seed: sampling seed where the provider supports one.
        stream: whether the caller wants a stream; adapters' ``stream`` always streams and
            ``complete`` never does, so this only tells callers which one to use.
        presence_penalty: -2..2, penalises tokens that appeared at all (OpenAI, Gemini,
            Ollama), or None.
        frequency_penalty: -2..2, penalises tokens by how often they appeared, or None.
        reasoning_effort: one of :data:`REASONING_EFFORTS` for models that take one (OpenAI
            o-series and GPT-5; Gemini 3's ``thinkingLevel``), or None for the default.
        thinking_budget: the most tokens the model may think, for models that take a budget
            (Anthropic extended thinking ``budget_tokens``, at least 1024 and below
            ``max_tokens``; Gemini 2.5 ``thinkingBudget``, 0 turns thinking off on Flash), or
            None for the provider's default (Anthropic: no extended thinking).
        response_format: the answer's required shape, or None for free text.
        tools: the functions the model may call (none: no tools are sent).
        tool_choice: whether and which tool the model must call, or None for the provider's
            default (auto when tools are given); only sent along with tools.
        passthrough: the client's own body in the target's protocol and the tap for the
            answer's bytes (:mod:`openmaas_tui.core.passthrough`; the gateway's same-protocol
            requests), or None: the adapter builds the body from the fields above.
    """

    model: str
    messages: tuple[Message, ...]
    system: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    stream: bool = True
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    reasoning_effort: str | None = None
    thinking_budget: int | None = None
    response_format: ResponseFormat | None = None
    tools: tuple[ToolDefinition, ...] = ()
    tool_choice: ToolChoice | None = None
    passthrough: Passthrough | None = None

    @property
    def json_mode(self) -> ResponseFormat | None:
        """The response format when the answer must be JSON, else None."""
        fmt = self.response_format
        return fmt if fmt is not None and fmt.is_json else None

    def with_model(self, model: str) -> ChatRequest:
        """A copy of this request aimed at ``model``."""
        return replace(self, model=model)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage in one convention for every provider.

    Attributes:
        input_tokens: every prompt token, cached ones included (for Anthropic: its
            input_tokens + cache_read_input_tokens + cache_creation_input_tokens).
        output_tokens: everything billed as output, reasoning included (for Gemini:
            candidatesTokenCount + thoughtsTokenCount).
        cached_input_tokens: the part of ``input_tokens`` read from a cache.
        reasoning_tokens: the reasoning part of ``output_tokens``, where the provider says.

    None means the provider did not report that count.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    reasoning_tokens: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        """The four counts as a plain dict (the ``usage`` object of ``--json`` output)."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "reasoning_tokens": self.reasoning_tokens,
        }


class FinishReason(StrEnum):
    """Why generation ended, in one vocabulary; the provider's own word is kept beside it."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of answer text, in arrival order."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of reasoning text, in arrival order; faces show ``text``. ``signature`` closes
    the block being streamed, ``redacted`` is a whole redacted block, ``origin`` the wire that
    signed it; ``id`` closes a Responses item, with its summary ``parts``
    (:class:`~openmaas_tui.core.reasoning.ReasoningBlock`)."""

    text: str
    signature: str | None = None
    redacted: str | None = None
    origin: str = ""
    id: str | None = None
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call. ``index`` identifies the call; ``id`` and ``name`` come at least
    once per call (usually in its first delta); ``arguments`` is a fragment of the JSON argument
    string, to be concatenated in order; ``signature`` is an opaque token to send back with the
    call (Gemini's ``thoughtSignature``)."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class ServerToolUse:
    """A tool the provider ran itself (:mod:`openmaas_tui.core.server_tools`), never one the
    person answers: what it was asked or gave back; events with one ``call.id`` add up."""

    call: ServerToolCall


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Token usage reported by the provider. The last report in a stream wins."""

    usage: Usage


@dataclass(frozen=True, slots=True)
class Finish:
    """The end of generation: ``reason`` in our vocabulary, ``raw`` as the provider said it."""

    reason: FinishReason
    raw: str | None


StreamEvent = TextDelta | ReasoningDelta | ToolCallDelta | ServerToolUse | UsageReport | Finish


@dataclass(frozen=True, slots=True)
class Completion:
    """A finished answer, assembled from a stream or read from a non-streaming response."""

    text: str
    reasoning: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: FinishReason | None
    finish_reason_raw: str | None
    usage: Usage
    model: str
    reasoning_blocks: tuple[ReasoningBlock, ...] = ()  # signed or redacted: to send back
    server_tools: tuple[ServerToolCall, ...] = ()  # tools the provider ran itself, in order

    def events(self) -> Iterator[StreamEvent]:
        """The events that would have streamed this answer (a whole answer turned into the one
        stream shape: for requests not streamed, and servers that answer a stream request with
        one JSON body)."""
        for b in self.reasoning_blocks:
            text = REDACTED_LINE if b.redacted is not None else b.text
            yield ReasoningDelta(text, b.signature, b.redacted, b.origin, b.id, b.parts)
        if self.reasoning and not self.reasoning_blocks:
            yield ReasoningDelta(self.reasoning)
        for server in self.server_tools:
            yield ServerToolUse(server)
        if self.text:
            yield TextDelta(self.text)
        for index, call in enumerate(self.tool_calls):
            yield ToolCallDelta(index, call.id, call.name, call.arguments, call.signature)
        yield UsageReport(self.usage)
        if self.finish_reason is not None:
            yield Finish(self.finish_reason, self.finish_reason_raw)


@dataclass(slots=True)
class _ToolCallParts:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)
    signature: str | None = None


@dataclass(slots=True)
class CompletionBuilder:
    """Folds stream events into a :class:`Completion`. Each ``add`` is O(1) per event.

    Tool-call names that repeat in every delta (as some servers send them) are kept once.
    """

    model: str
    _text: list[str] = field(default_factory=list)
    _reasoning: list[str] = field(default_factory=list)
    _blocks: ReasoningBlocks = field(default_factory=ReasoningBlocks)
    _tools: dict[int, _ToolCallParts] = field(default_factory=dict)
    _server: dict[str, ServerToolCall] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    finish: Finish | None = None

    def add(self, event: StreamEvent) -> None:
        """Take one event into account."""
        if isinstance(event, TextDelta):
            self._text.append(event.text)
        elif isinstance(event, ReasoningDelta):
            self._reasoning.append(event.text)
            self._blocks.add(event)
        elif isinstance(event, ToolCallDelta):
            parts = self._tools.setdefault(event.index, _ToolCallParts())
            if event.id and not parts.id:
                parts.id = event.id
            if event.name and not parts.name:
                parts.name = event.name
            if event.arguments:
                parts.arguments.append(event.arguments)
            if event.signature and not parts.signature:
                parts.signature = event.signature
        elif isinstance(event, ServerToolUse):
            known = self._server.get(event.call.id)
            self._server[event.call.id] = event.call if known is None else known.merged(event.call)
        elif isinstance(event, UsageReport):
            self.usage = event.usage
        else:
            self.finish = event

    @property
    def text(self) -> str:
        """The answer text so far."""
        return "".join(self._text)

    def reasoning_blocks(self) -> tuple[ReasoningBlock, ...]:
        """The reasoning blocks so far, when any is signed or redacted (else none: see
        :func:`~openmaas_tui.core.reasoning.replayable`); a block still streaming is left
        out, unsigned."""
        return self._blocks.replayable()

    def build(self) -> Completion:
        """The completion as received so far."""
        reasoning = "".join(self._reasoning) or None  # a signature alone shows nothing
        tools = tuple(
            ToolCall(name=p.name, arguments="".join(p.arguments), id=p.id, signature=p.signature)
            for _, p in sorted(self._tools.items())
        )
        return Completion(
            text=self.text,
            reasoning=reasoning,
            tool_calls=tools,
            finish_reason=self.finish.reason if self.finish else None,
            finish_reason_raw=self.finish.raw if self.finish else None,
            usage=self.usage,
            model=self.model,
            reasoning_blocks=self.reasoning_blocks(),
            server_tools=tuple(self._server.values()),
        )
