"""Masking of API keys in anything shown, logged or exported.

Every key the :class:`~openmaas_tui.core.credentials.keys.KeyStore` hands out is registered here, so
that :func:`redact` can mask it even when a provider's error body echoes it back. Key-shaped strings
that were never registered (``sk-…``, ``AIza…``) are masked too.
"""

from __future__ import annotations

import re
import threading

_lock = threading.Lock()
_secrets: set[str] = set()

# Shapes of provider keys: OpenAI / Anthropic / OpenRouter / DeepSeek ``sk-…``, Google ``AIza…``,
# Groq ``gsk_…``, Hugging Face ``hf_…``, and bearer tokens in echoed headers.
_KEY_PATTERN = re.compile(
    r"(?:sk-[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|gsk_[A-Za-z0-9]{16,}|hf_[A-Za-z0-9]{16,}"
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
    8 characters are ignored (masking them would mangle ordinary text)."""
    if len(value) >= 8:
        with _lock:
            _secrets.add(value)


def forget_secret(value: str) -> None:
    """Stop masking ``value`` (after its key was deleted)."""
    with _lock:
        _secrets.discard(value)


def redact(text: str) -> str:
    """``text`` with every registered secret and every key-shaped string masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, mask(secret))
    return _KEY_PATTERN.sub(lambda m: mask(m.group(0)), text)
