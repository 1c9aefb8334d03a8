"""Masking of API keys in anything shown, logged or exported.

Every key the :class:`~openmaas_tui.core.credentials.keys.KeyStore` hands out is registered here, so
that :func:`redact` can mask it even when a provider's error body echoes it back, whole or in part
(any :data:`FRAGMENT_CHARS` consecutive characters of it). Key-shaped strings that were never
registered (``sk-…``, ``AIza…``, ``AKIA…``) are masked too.
"""

from __future__ import annotations

import re
import threading

FRAGMENT_CHARS = 8
"""The shortest run of a registered key's characters that :func:`redact` masks wherever it
appears (a provider's 401 body may echo a key in part: ``Incorrect API key provided: sk-abc…``)."""

_lock = threading.Lock()
_secrets: set[str] = set()
_fragments: frozenset[str] = frozenset()
"""Every :data:`FRAGMENT_CHARS`-character slice of every registered secret."""

# Shapes of provider keys: OpenAI / Anthropic / OpenRouter / DeepSeek ``sk-…`` (``sk-ant-…``,
# ``sk-proj-…``), Google ``AIza…``, Groq ``gsk_…``, Hugging Face ``hf_…``, xAI ``xai-…``, AWS
# access key ids ``AKIA…`` / ``ASIA…`` (20 characters: https://docs.aws.amazon.com/IAM/latest/
# UserGuide/reference_identifiers.html), and bearer tokens in echoed headers.
_KEY_PATTERN = re.compile(
    r"(?:sk-[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|gsk_[A-Za-z0-9]{16,}|hf_[A-Za-z0-9]{16,}"
    r"|xai-[A-Za-z0-9]{16,}|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
    r"|(?<=Bearer )[A-Za-z0-9._\-]{16,})"
)


def mask(key: str) -> str:
    """A key shown safely: its prefix up to the first dash (at most 4 characters) and its last
    4 characters, e.g. ``sk-…1a2b``. Keys of 8 characters or fewer become ``…``."""
    if len(key) <= 8:
        return "…"
    head = key[:3] if key.startswith("sk-") else key[:4] if len(key) > 16 else ""
    return f"{head}…{key[-4:]}"


def register_secret(value: str) -> None:
    """Remember ``value`` so :func:`redact` masks it wherever it appears. Values shorter than
    8 characters are ignored (masking them would mangle ordinary text). A value already
    registered costs one set lookup (adapters register the key on every request)."""
    if len(value) >= 8 and value not in _secrets:
        with _lock:
            _secrets.add(value)
            _index_fragments()


def forget_secret(value: str) -> None:
    """Stop masking ``value`` (after its key was deleted)."""
    with _lock:
        _secrets.discard(value)
        _index_fragments()


def _index_fragments() -> None:
    """Rebuild :data:`_fragments` (under the lock): keys are few, so this is a few hundred
    slices, and :func:`redact` then checks each position of a text with one set lookup."""
    global _fragments
    n = FRAGMENT_CHARS
    _fragments = frozenset(s[i : i + n] for s in _secrets for i in range(len(s) - n + 1))


def mask_fragments(text: str) -> str:
    """``text`` with every run of characters that holds :data:`FRAGMENT_CHARS` consecutive
    characters of a registered secret replaced by ``…``.

    One set lookup per position of ``text`` (O(len(text)); a 10 kB error body takes about a
    millisecond), whatever the number of keys.
    """
    fragments, n = _fragments, FRAGMENT_CHARS
    if not fragments or len(text) < n:
        return text
    covered_to = -1  # the end of the run being masked
    runs: list[list[int]] = []
    for i in range(len(text) - n + 1):
        if text[i : i + n] in fragments:
            if i <= covered_to:
                runs[-1][1] = i + n
            else:
                runs.append([i, i + n])
            covered_to = i + n
    if not runs:
        return text
    parts, last = [], 0
    for start, end in runs:
        parts += [text[last:start], "…"]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def redact(text: str) -> str:
    """``text`` with every registered secret masked (whole: :func:`mask`; in part: any
    :data:`FRAGMENT_CHARS` consecutive characters of one, see :func:`mask_fragments`) and every
    key-shaped string masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, mask(secret))
    text = _KEY_PATTERN.sub(lambda m: mask(m.group(0)), text)  # before the parts: a part
    return mask_fragments(text)  # masked first (a shared prefix, ``sk-proj-``) hides the shape
