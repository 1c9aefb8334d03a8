"""Keys are masked in what is shown, stored or logged: whole, in any 8-character part, and by
their well-known shapes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openmaas_tui.core.credentials.redact import (
    FRAGMENT_CHARS,
    forget_secret,
    mask_fragments,
    redact,
    register_secret,
)
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

KEY = "sk-proj-fake-qzxredact-not-a-key-0001"


def slices(key: str) -> list[str]:
    """Every 8-character slice of ``key``."""
    return [key[i : i + FRAGMENT_CHARS] for i in range(len(key) - FRAGMENT_CHARS + 1)]


def shows_part_of(text: str, key: str) -> bool:
    return any(part in text for part in slices(key))


@pytest.fixture
def registered() -> Iterator[str]:
    register_secret(KEY)
    yield KEY
    forget_secret(KEY)


def test_a_401_body_echoing_part_of_the_key_shows_no_8_characters_of_it(registered: str) -> None:
    body = (
        '{"error": {"message": "Incorrect API key provided: '
        f'{KEY[:14]}********{KEY[-6:]}. You can find your API key at …", "code": 401}}'
    )
    shown = redact(body)
    assert not shows_part_of(shown, KEY)
    assert "Incorrect API key provided: " in shown and "You can find your API key" in shown


def test_a_middle_part_and_overlapping_parts_become_one_mark(registered: str) -> None:
    middle = KEY[10:30]
    assert mask_fragments(f"key {middle} was refused") == "key … was refused"
    assert mask_fragments(f"a {KEY[5:13]} b {KEY[20:27]} c") == f"a … b {KEY[20:27]} c"


def test_an_error_message_is_masked_before_it_is_shown_or_stored(registered: str) -> None:
    error = OpenMaaSError(ErrorCode.AUTH_FAILED, f"invalid key ...{KEY[12:24]}...")
    assert not shows_part_of(error.message, KEY)


def test_ordinary_text_and_forgotten_keys_are_left_alone() -> None:
    text = "The quick brown fox jumps over the lazy dog; nothing secret here."
    register_secret(KEY)
    assert redact(text) == text
    forget_secret(KEY)
    assert mask_fragments(f"x {KEY[10:30]} y") == f"x {KEY[10:30]} y"


@pytest.mark.parametrize(
    "key",
    [
        "sk-ant-FAKEqzr1xv9wk2jqtb",
        "sk-proj-AbCdEfGhIjKlMnOpQrStUv",
        "AKIAIOSFODNN7EXAMPLE",
        "AIza-FAKE-qzx7wv1kj3mp8rt",
        "gsk_FAKEqzx2wv4kj6mp8r",
        "xai-AbCdEfGhIjKlMnOpQrSt",
    ],
)
def test_well_known_key_shapes_are_masked_unregistered(key: str) -> None:
    assert not shows_part_of(redact(f"header: {key} end"), key)


def test_registering_a_key_again_keeps_its_index(registered: str) -> None:
    from openmaas_tui.core.credentials import redact as module

    index = module._fragments
    register_secret(registered)  # every request registers its key again: no rebuild
    assert module._fragments is index
    register_secret(registered + "-2")
    assert module._fragments is not index  # a new key is indexed
    forget_secret(registered + "-2")
