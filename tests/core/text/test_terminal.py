"""Text from outside is made visible and inert before a terminal sees it."""

from __future__ import annotations

import json

import pytest

from openmaas_tui.core.text.terminal import (
    TerminalStream,
    has_unsafe,
    json_terminal_safe,
    terminal_safe,
)

HOSTILE = [
    "\x1b]52;c;c2VjcmV0\x07",  # OSC 52: write the clipboard
    "\x1b]0;owned\x07",  # OSC 0: retitle the window
    "\x1b[2J",  # CSI 2J: clear the screen
    "\x1b[6n",  # CSI 6n: the terminal types the cursor position back
    "\x1bP$qm\x1b\\",  # DECRQSS: the terminal types a reply
    "\x9b6n",  # C1 CSI
    "\x9d52;c;x\x9c",  # C1 OSC … ST
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_control_character_is_left(text: str) -> None:
    shown = terminal_safe(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown), repr(shown)
    assert not has_unsafe(shown)


def test_escape_is_shown_as_its_control_picture() -> None:
    assert terminal_safe("a\x1b[2Jb") == "a␛[2Jb"
    assert terminal_safe("\x00\x07\x08\x7f") == "␀␇␈␡"


def test_c1_and_bidi_are_shown_escaped() -> None:
    assert terminal_safe("\x9b6n") == "\\u009b6n"
    assert terminal_safe("abc\u202edef\u2066x\u2069") == "abc\\u202edef\\u2066x\\u2069"


def test_lines_tabs_and_ordinary_unicode_are_kept() -> None:
    text = "line\n\tindented\nnaïve 日本語 👩‍💻 \u200d\u200c\u200f"
    assert terminal_safe(text) == text
    assert not has_unsafe(text)


def test_crlf_is_a_new_line_and_a_lone_cr_is_shown() -> None:
    assert terminal_safe("a\r\nb") == "a\nb"
    assert terminal_safe("safe\revil") == "safe␍evil"
    assert terminal_safe("\x1b\n") == "␛\n"


def test_a_stream_holds_a_trailing_cr_until_it_knows() -> None:
    stream = TerminalStream()
    shown = stream.feed("a\x1b") + stream.feed("[2J b\r") + stream.feed("\nc\r")
    assert shown == "a␛[2J b\nc"
    assert stream.flush() == "␍"
    assert stream.flush() == ""


def test_json_escape_keeps_the_value() -> None:
    value = {"text": "a\x1b[2J\x9b6n\u202e\x7f é"}
    dumped = json_terminal_safe(json.dumps(value, ensure_ascii=False))
    assert json.loads(dumped) == value
    assert not has_unsafe(dumped)
    assert "é" in dumped
