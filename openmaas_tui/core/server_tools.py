"""Server-side tools: tools a provider runs itself while it answers (web search, code execution,
file search), shown as what they are and never as the person's tool calls to answer.

Each provider reports them in its own shape:

- Anthropic Messages: a ``server_tool_use`` block (``id``, ``name``, ``input``) and later a
  ``*_tool_result`` block quoting its ``tool_use_id`` (``web_search_tool_result``,
  ``code_execution_tool_result``, ``bash_code_execution_tool_result``, …)
  (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool and
  .../code-execution-tool);
- OpenAI Responses: ``web_search_call``, ``code_interpreter_call``, ``file_search_call`` output
  items (https://platform.openai.com/docs/api-reference/responses/object);
- Gemini: ``executableCode`` (``language``, ``code``) and ``codeExecutionResult`` (``outcome``,
  ``output``) parts (https://ai.google.dev/gemini-api/docs/code-execution).

A :class:`ServerToolCall` keeps one such use: what was asked (``input``, JSON text) and what
came back (``result``, text), folded by ``id`` from the
:class:`~openmaas_tui.core.types.ServerToolUse` events an adapter yields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

SUMMARY_CHARS = 80
"""The most characters of the input a one-line summary shows (``web_search "query"``)."""

_INPUT_KEYS = ("query", "command", "code", "url", "queries")
"""The input fields a summary quotes, first found wins (web search ``query``, bash
``command``, code execution ``code``, web fetch ``url``, file search ``queries``)."""


@dataclass(frozen=True, slots=True)
class ServerToolCall:
    """One tool a provider ran itself.

    Attributes:
        id: the provider's id for the use (Anthropic ``srvtoolu_…``, a Responses item id), or
            a made-up ``server_tool_N`` where the provider gives none (Gemini).
        name: the tool as the provider names it (``web_search``, ``code_execution``,
            ``bash_code_execution``, ``code_interpreter``, ``file_search``).
        input: what the tool was asked, as a JSON text (``{"query": …}``, ``{"code": …}``);
            "" while unknown.
        result: what it gave back, as text (JSON text for a structured result), or None
            before it has come.
        status: the provider's word for how it went (``completed``, ``failed``,
            ``OUTCOME_OK``), or None.
    """

    id: str
    name: str
    input: str = ""
    result: str | None = None
    status: str | None = None

    def input_object(self) -> Any:
        """The input parsed, ``{}`` when empty; a text that is not JSON stays a text."""
        if not self.input.strip():
            return {}
        try:
            return json.loads(self.input)
        except ValueError:
            return self.input

    def summary(self) -> str:
        """One line: the name and the quoted query, command or code
        (``web_search "latest python"``), cut at :data:`SUMMARY_CHARS`."""
        value = self.input_object()
        shown: Any = None
        if isinstance(value, dict):
            shown = next((value[k] for k in _INPUT_KEYS if value.get(k)), None)
        elif isinstance(value, str) and value:
            shown = value
        if shown is None:
            return self.name
        if not isinstance(shown, str):
            shown = json.dumps(shown, ensure_ascii=False)
        line = " ".join(shown.split())
        if len(line) > SUMMARY_CHARS:
            line = line[: SUMMARY_CHARS - 1] + "…"
        return f'{self.name} "{line}"'

    def merged(self, later: ServerToolCall) -> ServerToolCall:
        """This use with what ``later`` (the same id) adds: its name, input, result and status
        where set."""
        return replace(
            self,
            name=later.name or self.name,
            input=later.input or self.input,
            result=later.result if later.result is not None else self.result,
            status=later.status if later.status is not None else self.status,
        )

    def as_dict(self) -> dict[str, Any]:
        """The use as a JSON object: ``id``, ``name``, ``input`` and, when set, ``result`` and
        ``status`` (the ``server_tools`` of ``--json`` and of exports)."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "input": self.input}
        if self.result is not None:
            data["result"] = self.result
        if self.status is not None:
            data["status"] = self.status
        return data

    @classmethod
    def from_dict(cls, data: Any) -> ServerToolCall:
        """The use :meth:`as_dict` wrote.

        Raises:
            TypeError: when ``data`` is not such an object.
        """
        if not isinstance(data, dict):
            raise TypeError("a server tool use is an object")
        call_id, name, given = data.get("id"), data.get("name"), data.get("input", "")
        if not isinstance(call_id, str) or not isinstance(name, str) or not isinstance(given, str):
            raise TypeError("a server tool use's id, name and input are strings")
        result, status = data.get("result"), data.get("status")
        for value in (result, status):
            if value is not None and not isinstance(value, str):
                raise TypeError("a server tool use's result and status are strings")
        return cls(call_id, name, given, result, status)


def fold(calls: Iterable[ServerToolCall]) -> tuple[ServerToolCall, ...]:
    """The uses with the pieces of each id merged, in the order each id first came."""
    folded: dict[str, ServerToolCall] = {}
    for call in calls:
        known = folded.get(call.id)
        folded[call.id] = call if known is None else known.merged(call)
    return tuple(folded.values())


def text_of(value: Any) -> str:
    """A result as text: a string as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


__all__ = ["SUMMARY_CHARS", "ServerToolCall", "fold", "text_of"]
