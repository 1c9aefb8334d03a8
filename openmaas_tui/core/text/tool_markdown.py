"""Tool calls and server tools as Markdown, for the exports of a chat and of a compare.

A model's tool call is a block the person answers: ``Tool call `get_weather` (call_1):`` over
its arguments in a ``json`` fence. A tool the provider ran itself (web search, code execution)
is shown as what it is, as the playground shows it (``⚙`` and what it was asked, then what it
gave back): ``⚙ Server tool `web_search` (srvtoolu_1), run by the provider · completed``, its
input in a ``json`` fence and its result, when it came, in a plain one. Fences are longer than
any run of backticks in what they hold, so a result quoting Markdown cannot end them early.
"""

from __future__ import annotations

import json
import re

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.tools import ToolCall

SERVER_MARK = "⚙"
"""The mark of a tool the provider ran itself (the playground's and ``ask``'s)."""

_BACKTICKS = re.compile(r"`{3,}")


def fenced(text: str, language: str = "") -> list[str]:
    """``text`` in a code fence longer than any run of backticks in it."""
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=2)
    fence = "`" * (longest + 1)
    return [f"{fence}{language}", text.rstrip("\n"), fence]


def _pretty(text: str) -> tuple[str, str]:
    """JSON text pretty-printed (two spaces) with language ``json``; anything else as it is."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False), "json"
    except ValueError:
        return text, ""


def tool_call_markdown(call: ToolCall) -> list[str]:
    """A model's tool call: its name and id over its arguments, then a blank line."""
    return [
        f"Tool call `{call.name}` ({call.id or 'no id'}):",
        "",
        *fenced(call.arguments or "{}", "json"),
        "",
    ]


def server_tool_markdown(call: ServerToolCall) -> list[str]:
    """A tool the provider ran itself: the mark, its name, id and status; what it was asked
    (pretty-printed when JSON); what it gave back when it came; then a blank line."""
    head = f"{SERVER_MARK} Server tool `{call.name}` ({call.id}), run by the provider"
    if call.status:
        head += f" · {call.status}"
    lines = [head, ""]
    if call.input.strip():
        shown, language = _pretty(call.input)
        lines += [*fenced(shown, language), ""]
    if call.result is not None:
        lines += ["Result:", "", *fenced(call.result), ""]
    return lines
