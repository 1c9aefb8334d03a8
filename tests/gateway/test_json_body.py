"""Every route reads a request body as JSON is written: NaN and the infinities, text that is
not JSON and nesting beyond Python's recursion are refused with the reason."""

from __future__ import annotations

import pytest

from openmaas_tui.gateway.json_body import NotJson, load_json


def test_json_is_read() -> None:
    assert load_json(b'{"a": [1, 2.5, "\\u00e9", null, true]}') == {"a": [1, 2.5, "é", None, True]}
    assert load_json('{"seed": 123456789012345678901234567890}') == {
        "seed": 123456789012345678901234567890  # an integer stays exact
    }


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_the_infinities_are_refused(constant: str) -> None:
    with pytest.raises(NotJson, match=f"holds {constant}, which JSON does not allow"):
        load_json(f'{{"temperature": {constant}}}')


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{", "is not valid JSON"),
        (b"\xff\xfe{}", "is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deep"),
    ],
)
def test_what_is_not_json_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(NotJson, match=reason):
        load_json(raw)
