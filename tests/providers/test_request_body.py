"""A request's JSON body is the bytes httpx's ``json=`` would send, whatever it holds; what
orjson cannot write is written by the standard library; the content type is set once."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

import httpx
import pytest

from openmaas_tui.providers.request_body import json_bytes, json_request


def _httpx_bytes(value: dict[str, Any]) -> bytes:
    return httpx.Request("POST", "http://127.0.0.1/", json=value).content


@pytest.mark.parametrize(
    "value",
    [
        {"model": "m", "messages": [{"role": "user", "content": "héllo \u2028 ✓ \U0001f600"}]},
        {"stream": True, "temperature": 0.7, "top_p": 1, "max_tokens": None, "stop": []},
        {"n": -(2**63), "big": 2**64 - 1, "tiny": 5e-324, "float": 0.1, "nested": {"a": [[]]}},
        {"quote": 'a "b" \\ c\n\t\x00\x1f', "tuple": (1, 2)},
    ],
)
def test_the_bytes_are_httpx_s(value: dict[str, Any]) -> None:
    assert json.loads(json_bytes(value)) == json.loads(_httpx_bytes(value))
    if all(not isinstance(v, float) for v in value.values()):
        assert json_bytes(value) == _httpx_bytes(value)


def test_what_orjson_cannot_write_the_standard_library_writes() -> None:
    value = {"seed": 2**70, "ids": {1: "one"}, "deep": _nested(300)}
    assert json_bytes(value) == _httpx_bytes(value)
    assert json_bytes(MappingProxyType({"a": 1})) == b'{"a":1}'
    with pytest.raises(ValueError):
        json_bytes({"seed": 2**70, "temperature": float("nan")})
    with pytest.raises(TypeError):
        json_bytes({"when": object()})


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def test_the_content_type_is_set_once() -> None:
    body, headers = json_request({"a": 1}, None, {"authorization": "Bearer x"})
    assert body == b'{"a":1}'
    assert headers == {"authorization": "Bearer x", "content-type": "application/json"}
    body, headers = json_request({"a": 1}, None, {"Content-Type": "application/json; x=1"})
    assert headers == {"Content-Type": "application/json; x=1"}
    body, headers = json_request(None, b"signed", {"x-amz-date": "1"})
    assert (body, headers) == (b"signed", {"x-amz-date": "1"})
