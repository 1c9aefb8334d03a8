"""Chat sessions: their messages with what each answer cost, the context sent with the next
request, and the session's running totals.

A :class:`Session` is what the playground's sidebar lists and what a request's ``messages`` are
built from. It is plain data (no Textual): the durable store saves and loads exactly these
fields. Each message is a :class:`SessionMessage`: its role and content, and for an answer the
model that wrote it, its usage and cost, and how it ended (finish reason, stopped, error).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.totals import Totals, total
from openmaas_tui.core.types import (
    ContentPart,
    FinishReason,
    ImagePart,
    Message,
    Role,
    TextPart,
    ToolCall,
    Usage,
)

TITLE_CHARS = 40
"""Longest title taken from the first user message, in characters."""

NEW_TITLE = "New chat"

_ids = itertools.count(1)
_message_ids = itertools.count(1)

ParamValue = float | int | str | None
"""A request parameter's value as recorded with an answer."""


def title_from(text: str) -> str:
    """A one-line title from a user message: its first line, cut at :data:`TITLE_CHARS`."""
    line = " ".join(text.split())
    if len(line) <= TITLE_CHARS:
        return line or NEW_TITLE
    return line[: TITLE_CHARS - 1].rstrip() + "…"


@dataclass(slots=True, eq=False)
class SessionMessage:
    """One message of a session, with what the store keeps about it.

    Compared by identity: two messages with the same text are still two messages.

    Attributes:
        role: user, assistant, or tool (a tool's result, as the person typed it).
        content: plain text, or parts when the message carries images.
        id: unique within this run (``m1``, ``m2``…); the store may give its own.
        created_at: seconds since the epoch.
        reasoning: the answer's reasoning text, if the model streamed any.
        provider: the provider that answered (``openai``, ``demo``…).
        model: the model id that answered, as the provider knows it.
        params: the request parameters the answer was asked with (only those set).
        usage: the token counts in force (reported, or local estimates), None if unknown.
        cost_usd: what the answer cost in USD; None when the price is unknown or nothing
            was billed.
        billed: whether the answer counts towards the session's totals (a refused or
            unreachable request bills nothing: see
            :func:`~openmaas_tui.core.exchange.record.received_anything`).
        estimated: the counts (and so the cost) are local estimates, not the provider's.
        ttft_ms: milliseconds from sending to the first token.
        duration_ms: milliseconds from sending to the end of the stream.
        finish_reason: why generation ended, as the provider said (None if it did not say).
        stopped: the person stopped the stream.
        interrupted: the stream ended early by itself (a dropped connection, a killed process).
        error_code: the OpenMaaSError code the answer ended with, or None.
        error_message: that error's message (key-masked), or None.
        store_id: its id in the history store once saved, else None.
        reasoning_blocks: an answer's signed or redacted reasoning blocks, sent back with it.
        tool_calls: the tool calls an answer made, in order.
        tool_call_id / tool_name / is_error: for a tool result, the call it answers, the
            function's name and whether the tool failed.
        server_tools: the tools the provider ran itself for an answer (shown, never sent).
    """

    role: Role
    content: str | tuple[ContentPart, ...]
    id: str = field(default_factory=lambda: f"m{next(_message_ids)}")
    created_at: float = field(default_factory=time.time)
    reasoning: str | None = None
    provider: str | None = None
    model: str | None = None
    params: dict[str, ParamValue] = field(default_factory=dict)
    usage: Usage | None = None
    cost_usd: float | None = None
    billed: bool = False
    estimated: bool = False
    ttft_ms: float | None = None
    duration_ms: float | None = None
    finish_reason: FinishReason | None = None
    stopped: bool = False
    interrupted: bool = False
    error_code: str | None = None
    error_message: str | None = None
    store_id: int | None = None
    reasoning_blocks: tuple[ReasoningBlock, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    tool_name: str | None = None
    is_error: bool = False
    server_tools: tuple[ServerToolCall, ...] = ()

    @property
    def text(self) -> str:
        """The message's text, parts joined without separators."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def images(self) -> tuple[ImagePart, ...]:
        """The images the message carries, in order (none for plain text)."""
        if isinstance(self.content, str):
            return ()
        return tuple(p for p in self.content if isinstance(p, ImagePart))

    @property
    def is_user(self) -> bool:
        """Whether the person wrote it."""
        return self.role == Role.USER

    @property
    def message(self) -> Message:
        """The message as sent in a request's context."""
        return Message(
            self.role,
            self.content,
            self.tool_calls,
            self.tool_call_id,
            self.tool_name,
            self.is_error,
            self.reasoning_blocks,
        )

    @property
    def is_tool_result(self) -> bool:
        """Whether it is a tool's result."""
        return self.role == Role.TOOL


@dataclass(slots=True)
class Session:
    """One conversation.

    Attributes:
        model: the model spec last used (``gpt-4o-mini``, ``ollama/llama3.2``, ``demo``).
        params: the system prompt and request parameters the chat's next request carries
            (the parameter panel shows them while the chat is the current one).
        id: unique within this run (``s1``, ``s2``…); the store may give its own.
        messages: every message, oldest first (failed answers too: see :meth:`context`).
        title: from the first user message, or ``New chat``, or as the person renamed it.
        created_at / updated_at: seconds since the epoch.
        store_id: its id in the history store once saved, else None.
        loaded: False while only the store's summary is known (its messages not read yet).
        listed: the store's totals, used until the messages are loaded.
        listed_count: the store's count of messages, used until they are loaded.
        source: the face that started it (the sidebar marks it, and can list only the
            playground's).
        base_url: where :attr:`model` is asked when not at its provider's own endpoint (an
            OpenAI-compatible server a compare column asked, ``--base-url``), or None. Never
            holds a credential (see :func:`~openmaas_tui.core.sessions.endpoint.storable_url`).
        api: ``chat`` or ``responses`` when one was chosen for :attr:`model` (``--api``), or
            None for the model's own. Both belong to :attr:`model`: choosing another model
            drops them (:meth:`choose_model`).
    """

    model: str
    params: RequestParams = field(default_factory=RequestParams)
    id: str = field(default_factory=lambda: f"s{next(_ids)}")
    messages: list[SessionMessage] = field(default_factory=list)
    title: str = NEW_TITLE
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    store_id: str | None = None
    loaded: bool = True
    listed: Totals | None = None
    listed_count: int = 0
    source: SessionSource = SessionSource.PLAYGROUND
    base_url: str | None = None
    api: str | None = None

    def choose_model(self, model: str) -> None:
        """Ask ``model`` from now on, at its provider's own endpoint (a base URL or API kept
        for the previous model is dropped; the same model keeps them)."""
        if model != self.model:
            self.model, self.base_url, self.api = model, None, None

    @property
    def message_count(self) -> int:
        """How many messages the session holds (the store's count until loaded)."""
        return len(self.messages) if self.loaded else self.listed_count

    @property
    def totals(self) -> Totals:
        """Tokens and cost of the answers the session holds now (the store's totals until
        its messages are loaded)."""
        if not self.loaded and self.listed is not None:
            return self.listed
        return total(
            Totals.of_answer(m.usage, m.cost_usd, estimated=m.estimated)
            for m in self.messages
            if m.billed and m.usage is not None
        )

    def context(self) -> tuple[Message, ...]:
        """The messages to send with the next request: every user message and tool result,
        and every answer with text or tool calls (a failed answer with nothing in it is left
        out)."""
        return tuple(
            m.message
            for m in self.messages
            if m.is_user or m.is_tool_result or m.text or m.tool_calls
        )

    def touch(self) -> None:
        """Mark the session as active now (it moves to the top of the sidebar)."""
        self.updated_at = time.time()

    def add_user(self, text: str, images: tuple[ImagePart, ...] = ()) -> SessionMessage:
        """Append the user's message (its text, then its images); the first one names a
        session that has no title yet."""
        content: str | tuple[ContentPart, ...] = (TextPart(text), *images) if images else text
        message = SessionMessage(Role.USER, content)
        if self.title == NEW_TITLE:
            self.title = title_from(text)
        self.messages.append(message)
        self.touch()
        return message

    def add_answer(self, text: str) -> SessionMessage | None:
        """Append an assistant answer of plain ``text`` (see :meth:`add`)."""
        return self.add(SessionMessage(Role.ASSISTANT, text))

    def add(self, message: SessionMessage) -> SessionMessage | None:
        """Append ``message``. An answer is kept whatever it holds (a partial one too: what
        arrived stays in the context) unless it holds nothing at all: no text, reasoning,
        tool call, error or billed usage.

        Returns:
            The message, or None when it was not kept.
        """
        self.touch()
        if message.role == Role.ASSISTANT and not (
            message.text
            or message.reasoning
            or message.tool_calls
            or message.error_code
            or message.billed
        ):
            return None
        self.messages.append(message)
        return message

    def index(self, message: SessionMessage) -> int:
        """Where ``message`` is in :attr:`messages`.

        Raises:
            ValueError: it is not in this session.
        """
        for i, candidate in enumerate(self.messages):
            if candidate is message:
                return i
        raise ValueError(f"{message.id} is not in session {self.id}")

    def truncate(self, message: SessionMessage) -> list[SessionMessage]:
        """Drop ``message`` and everything after it (edit and resend, regenerate); returns
        what was dropped."""
        at = self.index(message)
        dropped = self.messages[at:]
        del self.messages[at:]
        self.touch()
        return dropped

    def remove(self, message: SessionMessage) -> None:
        """Delete one message."""
        del self.messages[self.index(message)]
        self.touch()

    def clear(self) -> None:
        """Delete every message; the title stays."""
        self.messages.clear()
        self.touch()

    def rename(self, title: str) -> None:
        """Give the session a title of the person's choosing (blank: ``New chat``)."""
        self.title = " ".join(title.split()) or NEW_TITLE

    def last_answer(self) -> SessionMessage | None:
        """The last message if it is an answer, else None."""
        if self.messages and self.messages[-1].role == Role.ASSISTANT:
            return self.messages[-1]
        return None


def unanswered_calls(session: Session, answer: SessionMessage) -> bool:
    """Whether ``answer`` made tool calls and no tool result follows it yet (the person may
    still type their results)."""
    if not answer.tool_calls:
        return False
    after = session.messages[session.index(answer) + 1 :]
    return not any(m.is_tool_result for m in after) and not any(m.is_user for m in after)


def matches(session: Session, query: str) -> bool:
    """Whether ``query`` is in ``session``'s title or in any of its messages (case-insensitive
    substring; an empty query matches everything)."""
    needle = query.strip().casefold()
    if not needle:
        return True
    return needle in session.title.casefold() or any(
        needle in m.text.casefold() for m in session.messages
    )


def search(sessions: Iterable[Session], query: str) -> list[Session]:
    """The sessions that :func:`matches` ``query``, in the given order."""
    return [s for s in sessions if matches(s, query)]
