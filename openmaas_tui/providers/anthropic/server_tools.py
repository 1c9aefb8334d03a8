"""Anthropic's server tools (web search, web fetch, code execution) read from content blocks.

A ``server_tool_use`` block (``id``, ``name``, ``input``; in a stream the input arrives as
``input_json_delta`` fragments) asks; a block whose type ends in ``_tool_result`` (``tool_use_id``,
``content``) answers: a list of ``web_search_result`` objects (``url``, ``title``), a
``*code_execution_result`` (``stdout``, ``stderr``, ``return_code``), or an error object
(``*_tool_result_error``, ``error_code``)
(https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool,
https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/code-execution-tool).
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.server_tools import ServerToolCall, text_of
from openmaas_tui.providers.base import text_or_none

SERVER_TOOL_USE = "server_tool_use"


def is_result(kind: str) -> bool:
    """Whether a block type is a server tool's result (``web_search_tool_result``, …); a
    client's ``tool_result`` never comes from the model."""
    return kind.endswith("_tool_result") and kind != "tool_result"


def use_of(block: dict[str, Any], input_json: str | None = None) -> ServerToolCall:
    """The use a ``server_tool_use`` block asks for; ``input_json`` is its streamed input
    (default the block's own ``input``).

    Raises:
        KeyError, TypeError: a block without ``id`` or ``name``.
    """
    given = input_json if input_json else json.dumps(block.get("input") or {}, ensure_ascii=False)
    return ServerToolCall(_string(block["id"]), _string(block["name"]), given)


def result_of(block: dict[str, Any]) -> ServerToolCall:
    """The result a ``*_tool_result`` block gives (its ``tool_use_id``), as readable text:
    search results one ``title <url>`` a line, code's stdout and stderr, an error's code.

    Raises:
        KeyError, TypeError: a block without ``tool_use_id``.
    """
    content = block.get("content")
    status = "completed"
    if isinstance(content, list) and all(isinstance(c, dict) and "url" in c for c in content):
        text = "\n".join(f"{c.get('title') or ''} <{c['url']}>".strip() for c in content)
    elif isinstance(content, dict) and "error_code" in content:
        text, status = f"error: {text_of(content['error_code'])}", "failed"
    elif isinstance(content, dict) and ("stdout" in content or "stderr" in content):
        text = text_or_none(content.get("stdout")) or ""
        if content.get("stderr"):
            text += ("\n" if text else "") + text_of(content["stderr"])
        code = content.get("return_code")
        if isinstance(code, int) and code != 0:
            status = f"return code {code}"
    else:
        text = text_of(content)
    return ServerToolCall(_string(block["tool_use_id"]), "", result=text, status=status)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


__all__ = ["SERVER_TOOL_USE", "is_result", "result_of", "use_of"]
