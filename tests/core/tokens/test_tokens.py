"""Token counting: bundled encodings, offline loading, hash checks, chat overhead, and the
incremental counter against full counts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.tokens import count as tokens
from openmaas_tui.core.tokens.count import (
    EncodingCorrupted,
    IncrementalCounter,
    count_messages,
    count_tokens,
    encoding_name_for,
    get_encoding,
    load_encoding,
)
from openmaas_tui.core.types import Message, Role
from tests.conftest import FIXTURES

ENCODINGS = ("o200k_base", "cl100k_base")

# Token ids computed once with these encodings (and matching the ids published for
# "hello world": o200k [24912, 2375], cl100k [15339, 1917]).
KNOWN = [
    ("hello world", [24912, 2375], [15339, 1917]),
    ("Hello, world!", [13225, 11, 2375, 0], [9906, 11, 1917, 0]),
]
KNOWN_COUNTS = [
    ("The quick brown fox jumps over the lazy dog.", 10, 10),
    ("def f(x):\n    return x * 2\n", 11, 11),
    ("Ça va? 日本語のテキスト 👋", 11, 14),
    ("<|endoftext|>", 7, 7),  # special-token markers in user text count as plain text
    ("", 0, 0),
]


@pytest.mark.parametrize(("text", "o200k", "cl100k"), KNOWN)
def test_known_token_ids(text: str, o200k: list[int], cl100k: list[int]) -> None:
    assert get_encoding("o200k_base").encode_ordinary(text) == o200k
    assert get_encoding("cl100k_base").encode_ordinary(text) == cl100k


@pytest.mark.parametrize(("text", "o200k", "cl100k"), KNOWN_COUNTS)
def test_known_counts(text: str, o200k: int, cl100k: int) -> None:
    assert count_tokens(text, "openai", "gpt-4o") == o200k
    assert count_tokens(text, "openai", "gpt-4") == cl100k


@pytest.mark.parametrize("name", ENCODINGS)
def test_definitions_match_tiktokens_own(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our split pattern and special tokens are those of tiktoken_ext.openai_public; its
    download is replaced by our bundled ranks, so nothing is fetched."""
    import tiktoken_ext.openai_public as public

    ours = get_encoding(name)
    ranks = ours._mergeable_ranks
    calls: list[tuple[str, str | None]] = []

    def fake_load(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        calls.append((url, expected_hash))
        return ranks

    monkeypatch.setattr(public, "load_tiktoken_bpe", fake_load)
    reference: dict[str, Any] = getattr(public, name)()
    assert calls and calls[0][0].endswith(f"/{name}.tiktoken")
    assert calls[0][1] == tokens.SHA256[name]
    assert ours._pat_str == reference["pat_str"]
    assert ours._special_tokens == reference["special_tokens"]


@pytest.mark.parametrize(
    ("provider", "model", "name"),
    [
        ("openai", "gpt-4o", "o200k_base"),
        ("openai", "gpt-4o-mini-2024-07-18", "o200k_base"),
        ("openai", "gpt-4.1-nano", "o200k_base"),
        ("openai", "gpt-5", "o200k_base"),
        ("openai", "o1", "o200k_base"),
        ("openai", "o3-mini", "o200k_base"),
        ("openai", "o4-mini", "o200k_base"),
        ("openai", "chatgpt-4o-latest", "o200k_base"),
        ("openai", "ft:gpt-4o-mini:acme::abc", "o200k_base"),
        ("openrouter", "openai/gpt-4o", "o200k_base"),
        ("openai", "gpt-4", "cl100k_base"),
        ("openai", "gpt-4-turbo", "cl100k_base"),
        ("openai", "gpt-3.5-turbo", "cl100k_base"),
        ("anthropic", "claude-sonnet-4-5", "cl100k_base"),
        ("gemini", "gemini-2.5-pro", "cl100k_base"),
        ("ollama", "llama3.2", "cl100k_base"),
    ],
)
def test_encoding_per_model(provider: str, model: str, name: str) -> None:
    assert encoding_name_for(provider, model) == name


@pytest.mark.parametrize(
    "fixture", ["chat_json_gpt5", "chat_json_o3_mini", "chat_json_reasoning_tokens"]
)
def test_count_messages_matches_recorded_prompt_tokens(fixture: str) -> None:
    meta = json.loads((FIXTURES / "openai" / f"{fixture}.meta.json").read_text("utf-8"))
    body = meta["request"]["body"]
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), None)
    messages = [
        Message(Role(m["role"]), m["content"]) for m in body["messages"] if m["role"] != "system"
    ]
    counted = count_messages(messages, system, "openai", body["model"])
    assert counted == meta["expected"]["usage"]["input_tokens"]


def test_count_messages_overhead_follows_the_cookbook() -> None:
    enc = get_encoding("o200k_base")
    msgs = [Message.user("Hi there"), Message.assistant("Hello!"), Message.user("Bye")]
    text_tokens = sum(len(enc.encode_ordinary(m.text)) + 1 for m in msgs)  # +1: the role
    system_tokens = len(enc.encode_ordinary("Be brief.")) + 1
    expected = text_tokens + system_tokens + 3 * 4 + 3  # 3 per message, 3 to prime the reply
    assert count_messages(msgs, "Be brief.", "openai", "gpt-4o") == expected
    assert count_messages(msgs, None, "openai", "gpt-4o") == text_tokens + 3 * 3 + 3


def test_loads_offline_without_tiktoken_downloads_or_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tiktoken.load

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("tiktoken tried to read or fetch a file")

    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", refuse)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tokens, "_loaded", {})
    assert count_tokens("hello world", "openai", "gpt-4o") == 2
    assert count_tokens("hello world", "anthropic", "claude-haiku-4-5") == 2
    assert not (tmp_path / "cache").exists()


def test_tiktoken_is_imported_only_on_first_count() -> None:
    code = (
        "import sys\n"
        "from openmaas_tui.core.tokens import count as tokens\n"
        "assert 'tiktoken' not in sys.modules, 'imported at module import'\n"
        "assert tokens.count_tokens('hello world', 'openai', 'gpt-4o') == 2\n"
        "assert 'tiktoken' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_corrupted_encoding_is_refused(tmp_path: Path) -> None:
    shutil.copy(tokens.ENCODINGS_DIR / "cl100k_base.tiktoken", tmp_path)
    path = tmp_path / "cl100k_base.tiktoken"
    assert load_encoding("cl100k_base", tmp_path).encode_ordinary("hello world") == [15339, 1917]
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(EncodingCorrupted) as caught:
        load_encoding("cl100k_base", tmp_path)
    assert caught.value.code is ErrorCode.STORAGE_FAILED
    assert str(path) in caught.value.message
    assert tokens.SHA256["cl100k_base"] in caught.value.message
    assert caught.value.hint and "reinstall" in caught.value.hint


def test_missing_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EncodingCorrupted, match="cannot be read"):
        load_encoding("o200k_base", tmp_path)


# --- incremental counting --------------------------------------------------------------------

# Characters that stress the split patterns: newlines before "/" and letters, spaces before
# letters and after whitespace, contractions, digits, unicode whitespace and marks.
_TRICKY = list("aZé中👋 \n\r\t/'.-#*|`09") + [
    "'s",
    "'ll",
    " \n",
    "\n/",
    "\u00a0",
    "\u2028",
    "\u0301",
]
_texts = st.one_of(
    st.lists(st.sampled_from(_TRICKY), max_size=80).map("".join),
    st.text(max_size=120),
)


def _feed(counter: IncrementalCounter, text: str, cuts: list[int]) -> None:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    for start, end in zip(points, points[1:], strict=False):
        counter.feed(text[start:end])
        assert counter.chars == end


@pytest.mark.parametrize("name", ENCODINGS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts, cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=40))
def test_incremental_count_equals_full_count(name: str, text: str, cuts: list[int]) -> None:
    encoding = get_encoding(name)
    counter = IncrementalCounter(encoding)
    _feed(counter, text, cuts)
    assert counter.tokens == len(encoding.encode_ordinary(text))


def test_incremental_count_after_every_chunk() -> None:
    encoding = get_encoding("o200k_base")
    text = "Sure!\n\n```python\nprint('hi')  # a/b\n```\n\n- one\n- two\n\nThat's all, folks."
    counter = IncrementalCounter.for_model("openai", "gpt-4o")
    for i in range(0, len(text), 3):
        counter.feed(text[i : i + 3])
        assert counter.tokens == len(encoding.encode_ordinary(text[: i + 3]))


def test_incremental_counter_keeps_only_a_small_tail() -> None:
    """A long Markdown answer streamed in small chunks never leaves more than a line or two
    uncommitted, so each read re-encodes a few dozen characters, not the whole answer."""
    encoding = get_encoding("cl100k_base")
    block = "Here is **bold** text and `code`.\n\n- item one\n- item two\n\n| a | b |\n|---|---|\n"
    text = block * 200
    counter = IncrementalCounter(encoding)
    longest_tail = 0
    for i in range(0, len(text), 7):
        counter.feed(text[i : i + 7])
        longest_tail = max(longest_tail, counter.tail_chars)
    assert longest_tail < 40
    assert counter.tokens == len(encoding.encode_ordinary(text))


def test_text_without_safe_cuts_is_still_counted_exactly() -> None:
    encoding = get_encoding("o200k_base")
    text = "x" * 3_000
    counter = IncrementalCounter(encoding)
    for i in range(0, len(text), 50):
        counter.feed(text[i : i + 50])
    assert counter.tail_chars == len(text)
    assert counter.tokens == len(encoding.encode_ordinary(text))
