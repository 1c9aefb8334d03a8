"""The tools a provider ran itself (web search, code execution), as a small read-only block in
an answer: one line per use (``⚙ web_search "query" · completed``) and the first line of what it
gave back. Never something to answer: the person's tool calls have their own blocks."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.text.terminal import terminal_safe

MARK = "⚙"
RESULT_CHARS = 100
"""The most characters of a result's first line shown under its use."""


def server_tool_lines(calls: Iterable[ServerToolCall]) -> list[str]:
    """The block's lines, made inert: per use its summary and status, then ``→`` and the first
    line of its result (cut at :data:`RESULT_CHARS`) when it came."""
    lines: list[str] = []
    for call in calls:
        head = f"{MARK} {call.summary()}"
        if call.status:
            head += f" · {call.status}"
        lines.append(terminal_safe(head))
        if call.result:
            first = call.result.strip().splitlines()[0] if call.result.strip() else ""
            if len(first) > RESULT_CHARS:
                first = first[: RESULT_CHARS - 1] + "…"
            if first:
                lines.append(terminal_safe(f"  → {first}"))
    return lines


class ServerToolsBlock(Static):
    """The uses of one answer's server tools, updated as their pieces stream in (folded by
    id). Read-only: nothing in it can be focused or answered.

    Attributes:
        calls: the uses so far, in the order they came.
    """

    DEFAULT_CSS = """
    ServerToolsBlock {
        height: auto; color: $text-muted; padding: 0 1; margin: 0 0 1 0;
        border-left: outer $secondary;
    }
    """

    def __init__(self, calls: Iterable[ServerToolCall] = ()) -> None:
        super().__init__("", markup=False, classes="server-tools")
        self._calls: dict[str, ServerToolCall] = {}
        for call in calls:
            self._fold(call)
        self.update("\n".join(server_tool_lines(self._calls.values())))

    @property
    def calls(self) -> tuple[ServerToolCall, ...]:
        """The uses so far, in order."""
        return tuple(self._calls.values())

    def _fold(self, call: ServerToolCall) -> None:
        known = self._calls.get(call.id)
        self._calls[call.id] = call if known is None else known.merged(call)

    def take(self, call: ServerToolCall) -> None:
        """Add one piece of a use and show the block again."""
        self._fold(call)
        self.update("\n".join(server_tool_lines(self._calls.values())))


async def show_server_tool(answer: Widget, call: ServerToolCall, *, before: Widget) -> None:
    """Show one piece of a use in ``answer``'s block, mounting the block (above ``before``,
    the answer's text) with the first use."""
    found = answer.query_children(ServerToolsBlock)
    if found:
        found.first().take(call)
    else:
        await answer.mount(ServerToolsBlock((call,)), before=before)


__all__ = ["MARK", "ServerToolsBlock", "server_tool_lines", "show_server_tool"]
