"""Token counting with tiktoken, offline: the encodings ship inside the package.

``o200k_base`` and ``cl100k_base`` are bundled in ``openmaas_tui/core/tokens/encodings/`` (copies of
https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken). They are read on first
use, checked against the SHA-256 recorded here, and turned into a ``tiktoken.Encoding``
directly, so tiktoken never downloads anything nor writes a cache. ``tiktoken`` itself is
imported only then, which keeps it off the app's start-up path.

For OpenAI models a text's count is what the model's own tokenizer gives (reported usage may
add a few format tokens); for every other model it is a local estimate with cl100k_base,
shown with ``≈``. Images count by each provider's published rule
(:mod:`openmaas_tui.core.tokens.images`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from openmaas_tui.core.attachments.images import part_dimensions
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.tokens.images import image_tokens
from openmaas_tui.core.types import ImagePart, Message

if TYPE_CHECKING:
    import tiktoken

ENCODINGS_DIR = Path(__file__).parent / "encodings"
"""Where the bundled ``.tiktoken`` files live."""

SHA256: dict[str, str] = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
"""SHA-256 of each bundled file (the same as ``expected_hash`` in tiktoken_ext.openai_public)."""

# Split patterns and special tokens, copied from tiktoken 0.14's tiktoken_ext/openai_public.py
# (functions cl100k_base() and o200k_base(); they are not exposed as constants there).
_CL100K_PAT = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_SPECIALS: dict[str, tuple[str, dict[str, int]]] = {
    "cl100k_base": (
        _CL100K_PAT,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
    ),
    "o200k_base": (_O200K_PAT, {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}),
}

_O200K_MODEL = re.compile(r"^(?:o\d|gpt-(?:4o|4\.1|4\.5|[5-9])|chatgpt-4o|gpt-oss)")
"""OpenAI models on o200k_base (after tiktoken/model.py MODEL_PREFIX_TO_ENCODING)."""

TOKENS_PER_MESSAGE = 3
"""Chat-format overhead per message (``<|start|>{role}<|message|>…<|end|>`` less the role),
per the OpenAI cookbook "How to count tokens with tiktoken"
(https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken, gpt-4o and earlier)."""
REPLY_PRIMING_TOKENS = 3
"""Tokens that prime the reply (``<|start|>assistant<|message|>``), per the same cookbook."""
REASONING_REPLY_PRIMING_TOKENS = 2
"""The same for reasoning models (o-series, gpt-5 and later): one token fewer. Observed, not
documented: recorded usage of one-message prompts to gpt-5 and o3-mini
(tests/fixtures/openai/chat_json_gpt5, chat_json_o3_mini, chat_json_reasoning_tokens) is one
below the cookbook's count in each case."""
_REASONING_MODEL = re.compile(r"^(?:o\d|gpt-[5-9])")

_lock = threading.Lock()
_loaded: dict[str, tiktoken.Encoding] = {}


class EncodingCorrupted(OpenMaaSError):
    """A bundled encoding file is missing or does not match its recorded SHA-256."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            ErrorCode.STORAGE_FAILED,
            f"token encoding {path} {what}",
            hint="reinstall openmaas-tui (pip install --force-reinstall openmaas-tui)",
        )
        self.path = path


def load_encoding(name: str, directory: Path = ENCODINGS_DIR) -> tiktoken.Encoding:
    """Read ``{directory}/{name}.tiktoken``, verify it and build its encoding (no caching).

    Args:
        name: ``o200k_base`` or ``cl100k_base``.
        directory: where the file is (tests point it elsewhere).

    Raises:
        KeyError: ``name`` is not a bundled encoding.
        EncodingCorrupted: the file is missing, unreadable, or its SHA-256 differs.
    """
    pat_str, special_tokens = _SPECIALS[name]
    path = directory / f"{name}.tiktoken"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EncodingCorrupted(path, f"cannot be read ({exc.strerror})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[name]:
        raise EncodingCorrupted(path, f"is corrupted: sha256 {digest}, expected {SHA256[name]}")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)

    import tiktoken

    return tiktoken.Encoding(
        name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens=special_tokens
    )


def get_encoding(name: str) -> tiktoken.Encoding:
    """The bundled encoding ``name``, loaded once (thread-safe) on first use.

    Raises:
        EncodingCorrupted: the bundled file is missing or damaged.
    """
    with _lock:
        encoding = _loaded.get(name)
        if encoding is None:
            encoding = _loaded[name] = load_encoding(name)
        return encoding


def _model_name(model: str) -> str:
    return model.rsplit("/", 1)[-1].removeprefix("ft:").lower()


def encoding_name_for(provider: str, model: str) -> str:
    """``o200k_base`` for OpenAI's gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and o-series models (by
    id, at any provider: ``openrouter``'s ``openai/gpt-4o`` too); ``cl100k_base`` for older GPT
    models and, as an estimate, for every other model."""
    del provider  # the model id decides; kept for callers' symmetry and future tokenizers
    return "o200k_base" if _O200K_MODEL.match(_model_name(model)) else "cl100k_base"


def encoding_for(provider: str, model: str) -> tiktoken.Encoding:
    """The encoding used to count ``model``'s tokens (see :func:`encoding_name_for`)."""
    return get_encoding(encoding_name_for(provider, model))


def count_tokens(text: str, provider: str, model: str) -> int:
    """Tokens in ``text`` for ``model``; special-token markers count as plain text."""
    return len(encoding_for(provider, model).encode_ordinary(text))


def count_messages(
    messages: Iterable[Message], system: str | None, provider: str, model: str
) -> int:
    """Prompt tokens of a chat request, by the OpenAI cookbook's method: each message's role
    and text plus :data:`TOKENS_PER_MESSAGE`, the system prompt as one more message, plus
    :data:`REPLY_PRIMING_TOKENS` (:data:`REASONING_REPLY_PRIMING_TOKENS` for reasoning
    models), plus each image's tokens by the provider's rule (:func:`image_tokens`; an
    image whose size cannot be read counts as 1024x1024). Matches OpenAI's reported
    ``prompt_tokens`` for plain-text chats; an estimate for other providers. Tool
    definitions are not counted.
    """
    name = encoding_name_for(provider, model)
    turns = [("system", system)] if system else []
    images: list[ImagePart] = []
    for m in messages:
        turns.append((str(m.role), m.text))
        if not isinstance(m.content, str):
            images += (p for p in m.content if isinstance(p, ImagePart))
    reasoning = _REASONING_MODEL.match(_model_name(model))
    total = REASONING_REPLY_PRIMING_TOKENS if reasoning else REPLY_PRIMING_TOKENS
    for role, text in turns:
        total += TOKENS_PER_MESSAGE + _tokens_in(name, role) + _tokens_in(name, text)
    for image in images:
        width, height = _image_size(image) or UNKNOWN_IMAGE_SIZE
        total += image_tokens(provider, model, width, height)
    return total


UNKNOWN_IMAGE_SIZE = (1024, 1024)
"""The size an image is counted at when its header cannot be read."""


def _image_size(image: ImagePart) -> tuple[int, int] | None:
    if image.width and image.height:
        return image.width, image.height
    return _header_size(image.data_base64)


@lru_cache(maxsize=64)
def _header_size(data_base64: str) -> tuple[int, int] | None:
    """An image's size read from its data, remembered (a prompt is counted again as it is
    typed); a string's hash is computed once, so a hit costs no decoding."""
    return part_dimensions(ImagePart(data_base64, ""))


@lru_cache(maxsize=4096)
def _tokens_in(encoding_name: str, text: str) -> int:
    """Tokens in ``text``, remembered: a conversation is counted again each time its prompt
    changes (the pre-send estimate) or it is sent, and only the new message needs encoding."""
    return len(get_encoding(encoding_name).encode_ordinary(text))


def _is_safe_cut(text: str, i: int) -> bool:
    """Whether ``count(text) == count(text[:i]) + count(text[i:])`` holds whatever follows.

    Two cuts are safe for both split patterns above (``_CL100K_PAT``, ``_O200K_PAT``):

    - after a newline, before a character that is neither whitespace nor ``/``: no piece of
      either pattern holds a newline followed by such a character (only o200k's punctuation
      piece runs on into ``/``), and every piece that reaches the newline ends there whether
      or not more text follows (cl100k's ``\\s++$`` and ``\\s*[\\r\\n]`` then take the
      same run);
    - before a space that follows a non-whitespace character and precedes a letter: the
      space always opens the next word's piece, and the piece before it stops at the space
      exactly as it would stop at the end of the text.

    The patterns have no look-behind, so the pieces after a cut do not depend on what came
    before it. BPE runs inside each piece, hence the counts add up.
    """
    if i <= 0 or i >= len(text):
        return False
    before, at = text[i - 1], text[i]
    if before == "\n":
        return not at.isspace() and at != "/"
    return at == " " and not before.isspace() and i + 1 < len(text) and text[i + 1].isalpha()


class IncrementalCounter:
    """Counts the tokens of a streamed answer without re-encoding it for every chunk.

    Text is committed up to the last safe cut (:func:`_is_safe_cut`: after a line break, or
    before a word's leading space) and its tokens are added to a running total; only the
    uncommitted tail (usually the current word or line) is encoded again when the count is
    read. Because each cut is one where counts add up whatever text follows, :attr:`tokens`
    always equals ``len(encoding.encode_ordinary(text))`` for the whole text fed so far.
    Text without any safe cut (one endless word) stays in the tail, costing a re-encode of
    that tail per read, never a wrong count.

    Args:
        encoding: the encoding to count with (see :func:`encoding_for`).
    """

    def __init__(self, encoding: tiktoken.Encoding) -> None:
        self._encoding = encoding
        self._committed_tokens = 0
        self._committed_chars = 0
        self._tail = ""
        self._tail_tokens: int | None = 0

    @classmethod
    def for_model(cls, provider: str, model: str) -> IncrementalCounter:
        """A counter with ``model``'s encoding."""
        return cls(encoding_for(provider, model))

    def feed(self, chunk: str) -> None:
        """Add the next piece of streamed text."""
        if not chunk:
            return
        scan_from = max(len(self._tail) - 1, 1)
        self._tail += chunk
        self._tail_tokens = None
        for i in range(len(self._tail) - 1, scan_from - 1, -1):
            if _is_safe_cut(self._tail, i):
                head, self._tail = self._tail[:i], self._tail[i:]
                self._committed_tokens += len(self._encoding.encode_ordinary(head))
                self._committed_chars += len(head)
                break

    @property
    def tokens(self) -> int:
        """Tokens in all text fed so far (exactly what a full count would give)."""
        if self._tail_tokens is None:
            self._tail_tokens = len(self._encoding.encode_ordinary(self._tail))
        return self._committed_tokens + self._tail_tokens

    @property
    def chars(self) -> int:
        """Characters fed so far."""
        return self._committed_chars + len(self._tail)

    @property
    def tail_chars(self) -> int:
        """Characters not yet committed (re-encoded when :attr:`tokens` is read)."""
        return len(self._tail)
