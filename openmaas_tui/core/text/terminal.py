"""Text made inert for a terminal: every control character shown, none obeyed.

A model's answer, a provider's error body, a session title or an imported file may hold bytes a
terminal obeys rather than shows: ``ESC ] 52 ; c ; … BEL`` writes the clipboard (OSC 52),
``ESC ] 0 ; … BEL`` retitles the window, ``ESC [ 2 J`` clears the screen, ``ESC [ 6 n`` and
DECRQSS make the terminal *type a reply* into whatever reads its input. :func:`terminal_safe`
replaces each such character with a visible stand-in, so the sequence is shown and never run.

What counts as a control character follows ECMA-48 (5th edition, 1991, section 5 "Coded
representation", https://ecma-international.org/publications-and-standards/standards/ecma-48/):

- **C0** is 00/00–01/15 (U+0000–U+001F); ESC (01/11, U+001B) opens every escape and control
  sequence (CSI ``ESC [``, OSC ``ESC ]``, DCS ``ESC P``, APC, PM, SOS). Each is shown as its
  Unicode Control Picture (U+2400–U+241F: ESC as ``␛``, BEL as ``␇``, NUL as ``␀``), except
  LF (kept: text has lines) and HT (kept: text has tabs). CR LF is kept as LF; a lone CR, which
  would send the cursor back to overwrite the line, is shown as ``␍``.
- **DEL** (07/15, U+007F; ECMA-6, not a control function of ECMA-48, but obeyed by some
  terminals as one) is shown as ``␡``.
- **C1** is 08/00–09/15 (U+0080–U+009F): single-character forms of CSI (U+009B), OSC
  (U+009D), DCS (U+0090) and ST (U+009C) that some terminals obey in UTF-8 too. Control Pictures
  has no glyphs for them; each is shown escaped, as ``\\u009b``.
- **Bidirectional formatting** characters (Unicode UAX #9, https://unicode.org/reports/tr9/):
  the embeddings and overrides U+202A–U+202E (LRE, RLE, PDF, LRO, RLO) and the isolates
  U+2066–U+2069 (LRI, RLI, FSI, PDI) reorder what is shown so that text reads other than it is
  ("Trojan Source", CVE-2021-42574). They are shown escaped, as ``\\u202e``. The marks LRM/RLM
  and the zero-width joiners (U+200C, U+200D) are left alone: scripts such as Persian and every
  emoji sequence need them, and they reorder or hide nothing by themselves.

The text a person sees changes; what is stored does not: the history and files written keep the
raw characters, and only what is drawn on a terminal goes through here.
"""

from __future__ import annotations

import re
from typing import Final

_BIDI: Final = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))

_SHOWN: Final[dict[str, str]] = {
    **{chr(c): chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)},
    "\x7f": "\u2421",
    **{chr(c): f"\\u{c:04x}" for c in (*range(0x80, 0xA0), *_BIDI)},
}
"""Each unsafe character to what is shown instead."""

_UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]\n?")
"""Every key of :data:`_SHOWN`, with the new line after it if any (so that CR LF is one match:
a pattern that starts with a character class is scanned for fast, an alternation is not)."""


def _shown(match: re.Match[str]) -> str:
    found = match.group()
    if found == "\r\n":
        return "\n"
    return _SHOWN[found[0]] + found[1:]


def terminal_safe(text: str) -> str:
    """``text`` with every C0 and C1 control character, DEL and bidirectional override made
    visible and inert (see the module's docstring for each one's stand-in).

    One pass of one compiled pattern (``python bench/terminal_text.py``: 20–50 ms for 10 MB of
    prose without control characters, about 0.4 s for 10 MB with an escape sequence every
    dozen characters, on one core).
    Safe on streamed pieces: each character is replaced on its own, so an escape sequence split
    across two pieces is still shown (a CR LF split across them shows as ``␍`` and a new line;
    :class:`TerminalStream` holds a trailing CR back to avoid that).

    Args:
        text: any text from outside.

    Returns:
        The text to write to a terminal or put in a widget.
    """
    return _UNSAFE.sub(_shown, text)


def has_unsafe(text: str) -> bool:
    """Whether :func:`terminal_safe` would change ``text``."""
    return _UNSAFE.search(text) is not None


_UNSAFE_CHAR: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """``text`` with every character :func:`terminal_safe` would show dropped instead (LF and
    HT kept). For text already laid out, where a stand-in would change its width (each such
    character takes no cell; its stand-in takes one or more): a last line of defence behind
    :func:`terminal_safe`, which is what shows them."""
    return _UNSAFE_CHAR.sub("", text)


_JSON_RAW: Final = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What ``json.dumps(..., ensure_ascii=False)`` leaves raw that a terminal may obey or that
reorders what is shown (it escapes C0 itself)."""


def json_terminal_safe(json_text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL, the C1 controls and
    the bidirectional overrides written as ``\\u`` escapes: the same JSON value, safe to print.
    (Those characters can only stand inside JSON strings, where the escape means the same.)"""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


class TerminalStream:
    """:func:`terminal_safe` over a stream of pieces: a CR at the end of a piece is held back
    until the next piece says whether it starts a CR LF (then shown as one new line)."""

    def __init__(self) -> None:
        self._held_cr = False

    def feed(self, piece: str) -> str:
        """The safe text of ``piece`` that can be shown now."""
        if self._held_cr:
            piece = "\r" + piece
            self._held_cr = False
        if piece.endswith("\r"):
            piece = piece[:-1]
            self._held_cr = True
        return terminal_safe(piece)

    def flush(self) -> str:
        """What is still held back (a lone CR, shown as ``␍``), at the end of the stream."""
        held, self._held_cr = self._held_cr, False
        return terminal_safe("\r") if held else ""
