"""OpenAI's built-in tools (web search, code interpreter, file search) read from Responses
output items.

Item shapes (https://platform.openai.com/docs/api-reference/responses/object, ``output``):

- ``web_search_call``: ``id``, ``status``, ``action`` (``{"type": "search", "query"}``,
  ``open_page`` with ``url``, ``find_in_page`` with ``url`` and ``pattern``);
- ``code_interpreter_call``: ``id``, ``status``, ``code``, ``outputs`` (``{"type": "logs",
  "logs"}`` or ``{"type": "image", "url"}``, null unless asked for);
- ``file_search_call``: ``id``, ``status``, ``queries``, ``results`` (``filename``, ``text``,
  null unless asked for).

The stream opens each with ``response.output_item.added`` (in progress) and closes it with
``response.output_item.done`` (whole); both become a use, folded by ``id``.
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.providers.base import text_or_none

SERVER_ITEMS = {
    "web_search_call": "web_search",
    "code_interpreter_call": "code_interpreter",
    "file_search_call": "file_search",
}
"""Output item types that are tools OpenAI runs itself, to the tool's name."""


def server_tool_of(item: dict[str, Any]) -> ServerToolCall | None:
    """The use an output item reports, or None for any other item.

    Raises:
        TypeError: an item without a string ``id``.
    """
    name = SERVER_ITEMS.get(item.get("type") or "")
    if name is None:
        return None
    call_id = item["id"]
    if not isinstance(call_id, str):
        raise TypeError("an output item's id is a string")
    given: dict[str, Any] = {}
    result: str | None = None
    if name == "web_search":
        action = item.get("action")
        if isinstance(action, dict):
            given = {k: v for k, v in action.items() if k != "sources" and v is not None}
    elif name == "code_interpreter":
        if item.get("code"):
            given = {"code": item["code"]}
        outputs = item.get("outputs")
        if isinstance(outputs, list):
            result = "\n".join(_output(o) for o in outputs if isinstance(o, dict))
    else:
        if item.get("queries"):
            given = {"queries": item["queries"]}
        results = item.get("results")
        if isinstance(results, list):
            result = "\n".join(
                text_or_none(r.get("filename")) or "" for r in results if isinstance(r, dict)
            )
    shown = json.dumps(given, ensure_ascii=False) if given else ""
    return ServerToolCall(call_id, name, shown, result, text_or_none(item.get("status")))


def _output(output: dict[str, Any]) -> str:
    if output.get("type") == "logs":
        return text_or_none(output.get("logs")) or ""
    return f"[{output.get('type')}] {text_or_none(output.get('url')) or ''}".strip()


__all__ = ["SERVER_ITEMS", "server_tool_of"]
