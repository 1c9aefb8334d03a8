"""Which parameters each model takes, and what is dropped (with a note) before sending."""

from __future__ import annotations

from dataclasses import replace

import pytest

from openmaas_tui.core.models.capabilities import ALL_PARAMS
from openmaas_tui.core.models.catalog import CATALOG, COMMON_PARAMS, applicable, model_info, route
from openmaas_tui.core.types import ChatRequest, Message, ResponseFormat

BASE = ChatRequest(model="x", messages=(Message.user("hi"),))


def _sent(spec: str, **changes: object) -> tuple[ChatRequest, list[str]]:
    return applicable(replace(BASE, **changes), model_info(route(spec)))  # type: ignore[arg-type]


def test_every_catalog_model_names_known_parameters_and_its_efforts() -> None:
    for info in CATALOG:
        assert info.params <= ALL_PARAMS, info.id
        assert bool(info.efforts) == ("reasoning_effort" in info.params), info.id


def test_unknown_models_take_the_common_openai_set() -> None:
    info = model_info(route("ollama/llama3.2"))
    assert info.params == COMMON_PARAMS
    sent, notes = _sent("ollama/llama3.2", presence_penalty=0.5, reasoning_effort="low")
    assert sent.presence_penalty == 0.5 and sent.reasoning_effort is None
    assert notes == ["reasoning effort is not supported by llama3.2; not sent"]


@pytest.mark.parametrize(
    ("spec", "effort", "kept"),
    [("gpt-5", "minimal", True), ("o3", "minimal", False), ("o3", "high", True)],
)
def test_reasoning_effort_only_where_the_model_offers_it(
    spec: str, effort: str, kept: bool
) -> None:
    sent, notes = _sent(spec, reasoning_effort=effort)
    assert (sent.reasoning_effort == effort) is kept
    assert bool(notes) is not kept


def test_extended_thinking_drops_temperature_and_low_top_p() -> None:
    sent, notes = _sent("claude-sonnet-4-0", thinking_budget=2048, temperature=0.3, top_p=0.5)
    assert sent.thinking_budget == 2048
    assert (sent.temperature, sent.top_p) == (None, None)
    assert len(notes) == 2
    kept, none = _sent("claude-sonnet-4-0", thinking_budget=2048, top_p=0.97)
    assert kept.top_p == 0.97 and none == []


def test_claude_takes_no_json_mode_nor_penalties_and_haiku_35_no_thinking() -> None:
    fmt = ResponseFormat("json_object")
    sent, notes = _sent("claude-haiku-4-5", response_format=fmt, frequency_penalty=1.0)
    assert sent.response_format is None and sent.frequency_penalty is None
    assert len(notes) == 2
    sent, notes = _sent("claude-3-5-haiku-latest", thinking_budget=1024)
    assert sent.thinking_budget is None
    assert notes == ["thinking budget is not supported by claude-3-5-haiku-latest; not sent"]


def test_gemini_25_refuses_penalties_but_takes_a_thinking_budget() -> None:
    sent, notes = _sent("gemini-2.5-flash", presence_penalty=0.5, thinking_budget=0)
    assert sent.presence_penalty is None and sent.thinking_budget == 0
    assert len(notes) == 1
    kept, _ = _sent("gemini-2.0-flash", presence_penalty=0.5)
    assert kept.presence_penalty == 0.5


def test_text_format_is_never_dropped() -> None:
    fmt = ResponseFormat("text")
    assert _sent("claude-haiku-4-5", response_format=fmt) == (
        replace(BASE, response_format=fmt),
        [],
    )
