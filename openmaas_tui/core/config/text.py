"""Text that comes from outside, checked where it enters: UTF-8 bytes, no lone surrogates, no
nesting deeper than a person writes.

Python reads undecodable bytes of stdin and argv as lone surrogates (``surrogateescape``,
PEP 383), and JSON's ``\\ud800`` escapes make them too; such a string cannot be encoded to
UTF-8, so SQLite, a file or the terminal would fail on it later, far from where it came in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

MAX_NESTING = 64
"""The deepest nesting of tables or arrays accepted in a TOML or JSON document we read: far
more than any real file, far less than the recursion limit of the parsers."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")


class NotText(ValueError):
    """Input that is not UTF-8 text; the message says where (``line 3, column 7: byte 0xff``)."""


def decode_utf8(data: bytes) -> str:
    """``data`` decoded as UTF-8 (a leading byte-order mark dropped).

    Raises:
        NotText: naming the line, column and byte of the first bad sequence.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise NotText(
            f"not UTF-8 text: line {line}, column {column}: byte 0x{data[exc.start]:02x}"
        ) from None


def check_text(text: str) -> str:
    """``text``, if it has no lone surrogate (so it encodes to UTF-8).

    Raises:
        NotText: naming the position of the first one.
    """
    found = _SURROGATE.search(text)
    if found is not None:
        raise NotText(f"not UTF-8 text: character {found.start() + 1} is a lone surrogate")
    return text


def _children(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        yield from value.keys()
        yield from value.values()
    elif isinstance(value, list | tuple):
        yield from value


def find_bad_text(value: Any) -> str | None:
    """Where in a parsed document (dicts, lists, strings, numbers) a string holds a lone
    surrogate, as ``what is wrong``; None when every string is text. Walks without recursion,
    so any depth is safe."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                shown = _SURROGATE.sub("\N{REPLACEMENT CHARACTER}", item[:40])
                return f"lone surrogate (not UTF-8 text) in {shown!r}"
        else:
            stack.extend(_children(item))
    return None


def depth(value: Any) -> int:
    """How deeply ``value`` nests dicts and lists (a scalar is 0), counted without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level) for child in children)
    return deepest
