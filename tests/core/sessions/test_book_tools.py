"""Tool calls and their results in a chat: an answer's calls and the person's results are kept
in the session, sent as context in the provider-neutral form and read back after a restart; a
chat's tool definitions and choice are kept with its settings."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session, unanswered_calls
from openmaas_tui.core.sessions.settings import params_from_json, params_json
from openmaas_tui.core.sessions.store_map import answer_message
from openmaas_tui.core.types import (
    ChatRequest,
    Message,
    Role,
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
)

WEATHER = ToolDefinition(
    "get_weather",
    "The weather in a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
CALLS = (
    ToolCall("get_weather", '{"city": "Paris"}', "call_1"),
    ToolCall("get_weather", '{"city": "Oslo"}', "call_2"),
)


def _answer() -> AnswerRecord:
    return AnswerRecord(
        billed=False,
        ttft_ms=10.0,
        duration_ms=20.0,
        state=MessageState.COMPLETE,
        provider="openai",
        model="gpt-4o-mini",
        tool_calls=CALLS,
    )


async def test_calls_and_results_are_context_and_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    store = await AsyncStore.open(path)
    book = SessionBook()
    await book.attach(store, default_model="demo")
    session = await book.create("gpt-4o-mini")
    await book.add_user(session, "Weather in Paris and Oslo?")
    recorder = await book.start_answer(session, provider="openai", model="gpt-4o-mini")
    assert recorder is not None
    record = _answer()
    await recorder.finish(record)
    answer = answer_message(record, ChatRequest("gpt-4o-mini", ()))
    kept = await book.add_answer(session, answer, recorder)
    assert kept is answer and unanswered_calls(session, answer)
    results = (
        Message.tool_result("call_1", "get_weather", "21 C"),
        Message.tool_result("call_2", "get_weather", "no such city", is_error=True),
    )
    await book.add_tool_results(session, results)
    assert not unanswered_calls(session, answer)
    want = (Message.user("Weather in Paris and Oslo?"), Message.assistant("", CALLS), *results)
    assert session.context() == want
    await store.aclose()

    store = await AsyncStore.open(path)
    book = SessionBook()
    await book.attach(store, default_model="demo")
    [stored] = await store.call(Store.list_sessions)
    reopened = book.listed(stored)
    await book.load(reopened)
    assert reopened.context() == want
    assert [m.role for m in reopened.messages] == [Role.USER, Role.ASSISTANT, Role.TOOL, Role.TOOL]
    await store.aclose()


def test_an_answer_of_calls_alone_is_kept() -> None:
    session = Session(model="gpt-4o-mini")
    answer = answer_message(_answer(), ChatRequest("gpt-4o-mini", ()))
    assert session.add(answer) is answer


def test_tools_are_kept_with_the_chat_settings_as_ask_records_them() -> None:
    params = RequestParams(
        temperature=0.5, tools=(WEATHER,), tool_choice=ToolChoice(ToolChoiceMode.REQUIRED)
    )
    data = params_json(params)
    assert data["tools"] == [WEATHER.to_openai()]
    assert data["tool_choice"] == "required"
    assert params_from_json(data) == params
    request = params.request("gpt-4o-mini", ())
    assert request.tools == (WEATHER,) and request.tool_choice == params.tool_choice


def test_unreadable_tools_read_as_none() -> None:
    params = params_from_json({"tools": [{"type": "function", "function": {"name": "a b"}}]})
    assert params.tools == () and params.tool_choice is None
    assert params_from_json({"tool_choice": "auto"}).tool_choice is None
