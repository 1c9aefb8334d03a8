"""What the demo model says: bundled Markdown answers, how one is chosen for a request, how it
is cut into token-like pieces and to the token limit, and how a prompt's size is estimated.

The answers live in ``samples/*.md`` beside this module. Each starts with a line saying it comes
from the offline demo model, so nobody mistakes it for a real model's words. The choice is
deterministic: keywords in the last user message pick an answer (``table``, ``code``, a
greeting, ...), otherwise a stable hash of that message does.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DEMO_MARK = "*Demo model (offline)"
"""How every answer begins."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One bundled answer.

    Attributes:
        name: the sample's file name without ``.md`` (``greeting``, ``code``, ...).
        keywords: lowercase words of a prompt that pick this answer.
        text: the Markdown text.
    """

    name: str
    keywords: frozenset[str]
    text: str


# Checked in this order: the first answer with a keyword in the prompt wins, so a greeting
# followed by a real request ("hi, show me a table") gets the requested answer.
_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("code", "code python function script program snippet def class debug bug"),
    ("table", "table tables compare comparison versus vs"),
    ("lists", "list lists steps step plan recipe checklist todo bullet bullets coffee"),
    ("tour", "markdown quote blockquote stream streaming render rendering token tokens"),
    ("greeting", "hi hello hey hiya yo hola bonjour hallo ciao greetings welcome help who demo"),
)
GREETING = "greeting"
"""The answer given to greetings and to a conversation without a user message."""


@cache
def answers() -> tuple[Answer, ...]:
    """Every bundled answer, in a fixed order."""
    folder = resources.files(__package__ or "openmaas_tui.demo") / "samples"
    return tuple(
        Answer(name, frozenset(words.split()), (folder / f"{name}.md").read_text("utf-8"))
        for name, words in _KEYWORDS
    )


def answer_named(name: str) -> Answer:
    """The bundled answer called ``name``.

    Raises:
        KeyError: no answer has that name.
    """
    for answer in answers():
        if answer.name == name:
            return answer
    raise KeyError(name)


_WORD = re.compile(r"[a-z0-9]+")


def choose_answer(prompt: str) -> Answer:
    """The answer for ``prompt`` (the last user message): by keyword, else by a stable hash.

    An empty prompt gets the greeting.
    """
    words = set(_WORD.findall(prompt.lower()))
    for answer in answers():
        if words & answer.keywords:
            return answer
    if not prompt.strip():
        return answer_named(GREETING)
    digest = hashlib.sha256(prompt.strip().encode("utf-8")).digest()
    pool = answers()
    return pool[int.from_bytes(digest[:8], "big") % len(pool)]


def message_text(message: Any) -> str:
    """The text of an OpenAI chat message: its string content or its text parts joined."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return "\n".join(texts)
    return ""


def last_user_text(messages: Sequence[Any]) -> str:
    """The text of the last message whose role is ``user``; empty when there is none."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return message_text(message)
    return ""


# Roughly what cl100k-style tokenizers do before merging bytes: contractions, a word with one
# leading space or punctuation mark, digits in groups of three, punctuation runs, newlines and
# other whitespace. Every character falls in some branch, so the pieces join back to the text.
_PIECE = re.compile(
    r"'(?i:[sdmt]|ll|ve|re)"
    r"|(?:[^\r\n\w]|_)?[^\W\d_]+"
    r"|\d{1,3}"
    r"| ?(?:[^\w\s]|_)+[\r\n]*"
    r"|\s*[\r\n]+"
    r"|\s+(?!\S)"
    r"|\s+"
)


def split_pieces(text: str) -> list[str]:
    """Cut ``text`` into token-like pieces (words with their leading space, punctuation,
    newlines); ``"".join(split_pieces(text)) == text``."""
    return _PIECE.findall(text)


_CHARS_PER_TOKEN = 4
_TOKENS_PER_MESSAGE = 4
_TOKENS_PER_IMAGE = 85
_REPLY_PRIMING = 3


def estimate_prompt_tokens(messages: Sequence[Any]) -> int:
    """A deterministic estimate of a request's prompt tokens: about four characters a token,
    a few tokens per message, a fixed amount per image."""
    total = _REPLY_PRIMING
    for message in messages:
        total += _TOKENS_PER_MESSAGE + math.ceil(len(message_text(message)) / _CHARS_PER_TOKEN)
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            images = [p for p in content if isinstance(p, dict) and p.get("type") == "image_url"]
            total += _TOKENS_PER_IMAGE * len(images)
    return total


class InvalidRequest(ValueError):
    """A chat request the demo cannot answer, described as the OpenAI API would.

    Attributes:
        param: the offending request field, if any.
        code: OpenAI's error code (``missing_required_parameter``, ``invalid_type``, ...).
    """

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.param = param
        self.code = code


@dataclass(frozen=True, slots=True)
class Plan:
    """How one request is answered.

    Attributes:
        pieces: the content pieces to send, one token each.
        finish_reason: ``stop``, or ``length`` when the token limit cut the answer.
        prompt_tokens: the estimated prompt size.
    """

    pieces: list[str]
    finish_reason: str
    prompt_tokens: int

    @property
    def usage(self) -> dict[str, Any]:
        """The OpenAI ``usage`` object for this answer."""
        completion = len(self.pieces)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }


def _limit(body: dict[str, Any]) -> int | None:
    limits: list[int] = []
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            kind = type(value).__name__
            raise InvalidRequest(
                f"Invalid type for '{name}': expected an integer, but got {kind} instead.",
                param=name,
                code="invalid_type",
            )
        if value < 1:
            raise InvalidRequest(
                f"Invalid '{name}': integer below minimum value. "
                f"Expected a value >= 1, but got {value} instead.",
                param=name,
                code="integer_below_min_value",
            )
        limits.append(value)
    return min(limits) if limits else None


def _stops(body: dict[str, Any]) -> list[str]:
    stop = body.get("stop")
    if isinstance(stop, str):
        return [stop] if stop else []
    if isinstance(stop, list):
        return [s for s in stop if isinstance(s, str) and s]
    return []


def plan_answer(body: dict[str, Any]) -> Plan:
    """Decide the answer to a Chat Completions request body: the answer chosen from the last
    user message, ended before the first ``stop`` string, cut to ``max_tokens`` /
    ``max_completion_tokens`` (the smaller when both are given).

    Raises:
        InvalidRequest: ``messages`` is missing or empty, or a token limit is not a positive
            integer.
    """
    messages = body.get("messages")
    if messages is None:
        raise InvalidRequest(
            "Missing required parameter: 'messages'.",
            param="messages",
            code="missing_required_parameter",
        )
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest(
            "Invalid 'messages': expected a non-empty array of messages.",
            param="messages",
            code="empty_array" if isinstance(messages, list) else "invalid_type",
        )
    limit = _limit(body)
    text = choose_answer(last_user_text(messages)).text
    found = [i for i in (text.find(s) for s in _stops(body)) if i >= 0]
    if found:
        text = text[: min(found)]
    pieces = split_pieces(text)
    finish = "stop"
    if limit is not None and len(pieces) > limit:
        pieces, finish = pieces[:limit], "length"
    return Plan(pieces, finish, estimate_prompt_tokens(messages))
