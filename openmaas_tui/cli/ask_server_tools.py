"""Tools a provider ran itself, as ``openmaas ask`` shows them: one short dim line on stderr
per use when it is a terminal (``⚙ web_search "query"``), and the ``server_tools`` list of
``--json`` (:func:`server_tools_json`)."""

from __future__ import annotations

from typing import Any, TextIO

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.text.terminal import terminal_safe

MARK = "⚙"
"""What heads a server tool's line."""

DIM, RESET = "\x1b[2m", "\x1b[0m"


class ServerToolEcho:
    """Writes one line per server tool use to ``err`` as soon as its input is known (or, for a
    use that never says, at :meth:`end`), each use once.

    Args:
        err: where to write (stderr).
        shown: whether to write at all (``ask`` shows them when stderr is a terminal and the
            answer is not ``--json``).
    """

    def __init__(self, err: TextIO, *, shown: bool) -> None:
        self.err = err
        self.shown = shown
        self._seen: dict[str, ServerToolCall] = {}
        self._written: set[str] = set()

    def feed(self, call: ServerToolCall, *, mid_line: bool = False) -> None:
        """Take one piece of a use; ``mid_line`` says the answer's last line is still open
        (the tool's line then starts on a line of its own)."""
        known = self._seen.get(call.id)
        whole = call if known is None else known.merged(call)
        self._seen[call.id] = whole
        if whole.input and whole.name:
            self._write(whole, mid_line)

    def end(self) -> None:
        """Write the uses that never said what they were asked (their name alone)."""
        for call in self._seen.values():
            self._write(call, False)

    def _write(self, call: ServerToolCall, mid_line: bool) -> None:
        if not self.shown or call.id in self._written or not call.name:
            return
        self._written.add(call.id)
        head = "\n" if mid_line else ""
        self.err.write(f"{head}{DIM}{MARK} {terminal_safe(call.summary())}{RESET}\n")
        self.err.flush()


def server_tools_json(calls: tuple[ServerToolCall, ...]) -> list[dict[str, Any]]:
    """The ``server_tools`` of ``--json``: each use's ``id``, ``name``, ``input`` (JSON text),
    ``result`` (text, when it came) and ``status`` (the provider's word, when it said)."""
    return [call.as_dict() for call in calls]


__all__ = ["MARK", "ServerToolEcho", "server_tools_json"]
