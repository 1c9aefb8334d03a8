"""Request parameters without a UI: ranges, schemas, JSON answers, steps, durations."""

from __future__ import annotations

import pytest

from openmaas_tui.core.exchange.durations import (
    expected_duration_s,
    forget_durations,
    record_duration,
)
from openmaas_tui.core.exchange.json_check import check_json_answer
from openmaas_tui.core.models.request_params import RequestParams, parse_schema, schema_name
from openmaas_tui.core.sessions.params_state import FIELD_BY_NAME, format_stop, parse_stop
from openmaas_tui.core.types import FinishReason, Message, ResponseFormat

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def test_params_make_the_request() -> None:
    params = RequestParams(temperature=0.5, seed=3, stream=False, reasoning_effort="high")
    request = params.request("gpt-5", [Message.user("hi")])
    assert (request.model, request.temperature, request.seed) == ("gpt-5", 0.5, 3)
    assert request.stream is False and request.reasoning_effort == "high"
    assert request.messages == (Message.user("hi"),)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{", "schema is not JSON: Expecting property name"),
        ("[1]", "schema must be a JSON object"),
        ('{"type": "objekt"}', "schema is not a valid JSON Schema"),
    ],
)
def test_bad_schemas_say_why(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_schema(text)


def test_schema_names_fit_openai() -> None:
    assert schema_name({"title": "Weather report!"}) == "Weather_report"
    assert schema_name({}) == "answer"
    assert schema_name({"title": "x" * 80}) == "x" * 64


@pytest.mark.parametrize(
    ("text", "finish", "verdict"),
    [
        ('{"n": 1}', FinishReason.STOP, "valid"),
        ('{"n": 1}', FinishReason.LENGTH, "truncated"),  # cut off, even if it parses
        ('{"n": ', FinishReason.LENGTH, "truncated"),
        ('{"n": "1"}', FinishReason.STOP, "schema_violation"),
        ("{}", FinishReason.STOP, "schema_violation"),
        ("Sure! {", FinishReason.STOP, "invalid_json"),
        ("", None, "invalid_json"),
    ],
)
def test_json_answers(text: str, finish: FinishReason | None, verdict: str) -> None:
    check = check_json_answer(text, ResponseFormat("json_schema", SCHEMA), finish)
    assert check.verdict == verdict
    assert check.ok is (verdict == "valid")


def test_json_object_mode_only_needs_to_parse() -> None:
    check = check_json_answer("[1, 2]", ResponseFormat("json_object"), FinishReason.STOP)
    assert check.ok and check.value == [1, 2]


def test_stop_sequences_round_trip() -> None:
    stop = ("END", "\n\n", "a,b", "back\\slash")
    assert parse_stop(format_stop(stop)) == stop
    assert parse_stop("  ") == ()
    with pytest.raises(ValueError, match="empty"):
        parse_stop("a,,b")


@pytest.mark.parametrize(
    ("name", "start", "direction", "steps"),
    [
        ("temperature", None, 1, [1.1, 1.2]),
        ("temperature", 1.95, 1, [2.0, 2.0]),
        ("top_p", 0.05, -1, [0.0, 0.0]),
        ("max_tokens", None, 1, [2048, 4096]),
        ("max_tokens", 300, -1, [256, 128]),
        ("max_tokens", 2, -1, [1, 1]),
        ("thinking_budget", 1, -1, [0, 0]),
        ("seed", None, -1, [0, 0]),
        ("frequency_penalty", None, -1, [-0.1, -0.2]),
    ],
)
def test_steps(name: str, start: float | None, direction: int, steps: list[float]) -> None:
    step = FIELD_BY_NAME[name].step
    assert step is not None
    value = start
    seen = []
    for _ in steps:
        value = step(value, direction)
        seen.append(value)
    assert seen == pytest.approx(steps)


def test_expected_durations_are_the_median_of_the_recent() -> None:
    forget_durations()
    assert expected_duration_s("openai/gpt-4o") is None
    for seconds in (1.0, 9.0, 2.0, 0.0):
        record_duration("openai/gpt-4o", seconds)
    assert expected_duration_s("openai/gpt-4o") == 2.0
    assert expected_duration_s("openai/gpt-4o-mini") is None
    forget_durations()
