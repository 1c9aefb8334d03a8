"""The model's reasoning on stderr while ``openmaas ask`` streams its answer to stdout.

Shown only when stderr is a terminal (a pipe or a file gets the answer alone; ``--json`` has
a ``reasoning`` field instead), dim, and made inert like every word a model says
(:mod:`openmaas_tui.core.text.terminal`): a reasoning that holds escape sequences shows them
as ``␛…`` and cannot restyle the terminal.
"""

from __future__ import annotations

from typing import TextIO

from openmaas_tui.core.text.terminal import TerminalStream

DIM, RESET = "\x1b[2m", "\x1b[0m"
"""SGR 2 (faint) and SGR 0 (reset): ours, written around the model's inert text."""


class ReasoningEcho:
    """Writes reasoning pieces to ``err`` as they arrive, dim, and ends the block with a new
    line when the answer starts (or the stream ends).

    Args:
        err: where to write (stderr).
        shown: whether to write at all (default: when ``err`` is a terminal).
    """

    def __init__(self, err: TextIO, *, shown: bool | None = None) -> None:
        self.err = err
        self.shown = err.isatty() if shown is None else shown
        self._stream = TerminalStream()
        self._open = False

    def feed(self, text: str) -> None:
        """Show one piece of reasoning."""
        if not self.shown or not text:
            return
        self.err.write(f"{DIM}{self._stream.feed(text)}{RESET}")
        self.err.flush()
        self._open = True

    def end(self) -> None:
        """Close the reasoning shown so far (the answer begins below it); idempotent."""
        if not self._open:
            return
        self._open = False
        self.err.write(f"{DIM}{self._stream.flush()}{RESET}\n")
        self.err.flush()
