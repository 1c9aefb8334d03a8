"""Gemini's built-in tools read from a candidate: code execution and URL context.

- Code execution (https://ai.google.dev/gemini-api/docs/code-execution): an ``executableCode``
  part (``language``, ``code``) and then a ``codeExecutionResult`` part (``outcome``:
  ``OUTCOME_OK``, ``OUTCOME_FAILED``, ``OUTCOME_DEADLINE_EXCEEDED``; ``output``). Neither has
  an id: each code part is numbered (``code_execution_0``, …) and a result belongs to the
  code part before it.
- URL context (https://ai.google.dev/gemini-api/docs/url-context): the candidate's
  ``urlContextMetadata.urlMetadata`` lists each page fetched (``retrievedUrl``,
  ``urlRetrievalStatus``).
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.providers.base import text_or_none


class GeminiServerTools:
    """Numbers the code parts of one answer and reports each fetched page once."""

    __slots__ = ("_code", "_urls")

    def __init__(self) -> None:
        self._code = 0
        self._urls: set[str] = set()

    def from_part(self, part: dict[str, Any]) -> ServerToolCall | None:
        """The use an ``executableCode`` or ``codeExecutionResult`` part reports, else None.

        Raises:
            TypeError: a part field without its documented type.
        """
        code = part.get("executableCode")
        if code is not None:
            call_id = f"code_execution_{self._code}"
            self._code += 1
            given = {"language": text_or_none(code.get("language")), "code": code.get("code")}
            return ServerToolCall(call_id, "code_execution", json.dumps(given, ensure_ascii=False))
        result = part.get("codeExecutionResult")
        if result is not None:
            call_id = f"code_execution_{max(self._code - 1, 0)}"
            output = text_or_none(result.get("output")) or ""
            return ServerToolCall(
                call_id, "", result=output, status=text_or_none(result.get("outcome"))
            )
        return None

    def from_candidate(self, candidate: dict[str, Any]) -> list[ServerToolCall]:
        """The pages a candidate's ``urlContextMetadata`` says were fetched, each once."""
        meta = candidate.get("urlContextMetadata")
        found: list[ServerToolCall] = []
        for page in (meta or {}).get("urlMetadata") or ():
            url = text_or_none(page.get("retrievedUrl"))
            if not url or url in self._urls:
                continue
            self._urls.add(url)
            status = text_or_none(page.get("urlRetrievalStatus"))
            given = json.dumps({"url": url}, ensure_ascii=False)
            found.append(
                ServerToolCall(
                    f"url_context_{len(self._urls) - 1}", "url_context", given, None, status
                )
            )
        return found


__all__ = ["GeminiServerTools"]
