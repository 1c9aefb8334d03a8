"""Tools a provider ran itself in the Markdown export of a chat: each shown as what it is (the
mark ``⚙``, "run by the provider", its name, id and status), what it was asked pretty-printed,
what it gave back, above the answer's text and apart from the tool calls the person answers;
a result holding a code fence cannot end its own fence early."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.export import session_markdown
from openmaas_tui.core.text.tool_markdown import fenced, server_tool_markdown
from openmaas_tui.core.types import FinishReason, Role, ToolCall, Usage

SEARCH = ServerToolCall(
    "srvtoolu_1", "web_search", '{"query": "weather Paris"}', "Météo <https://m.fr>", "completed"
)
CODE = ServerToolCall("srvtoolu_2", "code_execution", '{"code": "print(1)"}')
CALL = ToolCall("get_weather", '{"city": "Paris"}', "toolu_1")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.db")
    yield s
    s.close()


def test_a_chat_export_shows_server_tools_as_what_they_are(store: Store) -> None:
    session = store.create_session(provider="anthropic", model="claude-sonnet-4-5").id
    store.add_message(session, Role.USER, "Weather in Paris?")
    answer = store.add_message(session, Role.ASSISTANT, state=MessageState.STREAMING)
    record = AnswerRecord(
        text="Searching, then asking.",
        tool_calls=(CALL,),
        usage=Usage(20, 90),
        finish_reason=FinishReason.TOOL_CALLS,
        server_tools=(SEARCH, CODE),
    )
    store.finish_message(answer, record)
    stored = store.get_session(session)
    assert stored is not None
    markdown = session_markdown(stored, store.messages(session))
    search = "\n".join(
        [
            "⚙ Server tool `web_search` (srvtoolu_1), run by the provider · completed",
            "",
            "```json",
            '{\n  "query": "weather Paris"\n}',
            "```",
            "",
            "Result:",
            "",
            "```",
            "Météo <https://m.fr>",
            "```",
        ]
    )
    assert search in markdown
    code = "⚙ Server tool `code_execution` (srvtoolu_2), run by the provider\n\n```json\n"
    assert code in markdown
    assert markdown.index("srvtoolu_2") < markdown.index("Searching, then asking.")
    assert markdown.index("Searching, then asking.") < markdown.index("Tool call `get_weather`")
    assert "Tool call `web_search`" not in markdown  # never shown as a call to answer
    assert markdown.count("Result:") == 1  # the code execution's result never came


def test_a_result_with_a_fence_keeps_its_own_fence_whole() -> None:
    use = ServerToolCall("s", "code_execution", "not json", "```py\nx = 1\n```\ndone")
    lines = server_tool_markdown(use)
    assert lines[2:5] == ["```", "not json", "```"]  # input that is not JSON, as it is
    assert lines[-4:] == ["````", "```py\nx = 1\n```\ndone", "````", ""]
    assert fenced("plain", "json") == ["```json", "plain", "```"]
