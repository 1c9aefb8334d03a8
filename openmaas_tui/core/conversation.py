"""Chat sessions held in memory: the messages sent as context and this session's running totals.

A :class:`Session` is what the playground's sidebar lists and what a request's ``messages`` are
built from. It is plain data (no Textual), so the durable store can later save and load it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from openmaas_tui.core.money import format_usd
from openmaas_tui.core.types import Message, Usage

TITLE_CHARS = 40
"""Longest title taken from the first user message, in characters."""

NEW_TITLE = "New chat"

_ids = itertools.count(1)


def title_from(text: str) -> str:
    """A one-line title from a user message: its first line, cut at :data:`TITLE_CHARS`."""
    line = " ".join(text.split())
    if len(line) <= TITLE_CHARS:
        return line or NEW_TITLE
    return line[: TITLE_CHARS - 1].rstrip() + "…"


@dataclass(slots=True)
class Totals:
    """Tokens and cost summed over the answers of one session.

    Attributes:
        input_tokens: prompt tokens, as reported (or estimated where nothing was reported).
        output_tokens: output tokens, reasoning included.
        cost_usd: the sum of the answers' costs, USD.
        cost_known: False once any answer had a model without a known price.
        estimated: True once any count came from a local estimate rather than the provider.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cost_known: bool = True
    estimated: bool = False

    @property
    def cost_text(self) -> str:
        """The total cost as shown: ``$0.0042``, ``≈$0.0042`` when it includes estimates, or
        ``price unknown`` (never $0) once any answer's price was unknown."""
        if not self.cost_known:
            return "price unknown"
        return ("≈" if self.estimated else "") + format_usd(self.cost_usd)

    def add(self, usage: Usage, cost_usd: float | None, *, estimated: bool = False) -> None:
        """Add one answer's usage and cost (``None`` cost: the price is unknown)."""
        self.input_tokens += usage.input_tokens or 0
        self.output_tokens += usage.output_tokens or 0
        if cost_usd is None:
            self.cost_known = False
        else:
            self.cost_usd += cost_usd
        self.estimated = self.estimated or estimated


@dataclass(slots=True)
class Session:
    """One conversation.

    Attributes:
        id: unique within this run (``s1``, ``s2``…).
        model: the model spec last used (``gpt-4o-mini``, ``ollama/llama3.2``, ``demo``).
        messages: the context sent with the next request, oldest first.
        title: from the first user message, or ``New chat``.
        created_at / updated_at: seconds since the epoch.
        totals: tokens and cost of its answers.
    """

    model: str
    id: str = field(default_factory=lambda: f"s{next(_ids)}")
    messages: list[Message] = field(default_factory=list)
    title: str = NEW_TITLE
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    totals: Totals = field(default_factory=Totals)

    def add_user(self, text: str) -> Message:
        """Append the user's message; the first one also names the session."""
        message = Message.user(text)
        if not any(m.role == message.role for m in self.messages):
            self.title = title_from(text)
        self.messages.append(message)
        self.updated_at = time.time()
        return message

    def add_answer(self, text: str) -> None:
        """Append an assistant answer (a partial one too: what arrived stays in the context)."""
        if text:
            self.messages.append(Message.assistant(text))
        self.updated_at = time.time()
