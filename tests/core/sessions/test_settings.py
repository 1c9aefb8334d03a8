"""A chat's settings as ``sessions.params`` keeps them, and the one owner of the current chat."""

from __future__ import annotations

from typing import Any

import pytest

from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.current import CurrentChat
from openmaas_tui.core.sessions.settings import params_from_json, params_json, params_of_request
from openmaas_tui.core.types import ChatRequest, Message, ResponseFormat

EVERYTHING = RequestParams(
    system="be terse",
    temperature=0.3,
    top_p=0.9,
    max_tokens=256,
    stop=("\n\n", "END"),
    seed=7,
    presence_penalty=-0.5,
    frequency_penalty=1.0,
    reasoning_effort="low",
    thinking_budget=2048,
    response_format=ResponseFormat("json_schema", {"title": "Pet", "type": "object"}, "Pet"),
    stream=False,
)


def test_every_setting_goes_there_and_back() -> None:
    assert params_from_json(params_json(EVERYTHING)) == EVERYTHING
    assert params_from_json(params_json(RequestParams())) == RequestParams()
    assert params_json(RequestParams()) == {}


def test_what_ask_records_reads_as_settings() -> None:
    """``openmaas ask`` stores the request's parameters under the same keys."""
    stored = {"system": "hi", "temperature": 0.2, "max_tokens": 10, "stop": ["x"], "seed": 1}
    assert params_from_json(stored) == RequestParams(
        system="hi", temperature=0.2, max_tokens=10, stop=("x",), seed=1
    )


@pytest.mark.parametrize(
    "stored",
    [
        {"temperature": 9},
        {"temperature": "hot"},
        {"temperature": True},
        {"max_tokens": 0},
        {"max_tokens": 1.5},
        {"stop": "x"},
        {"stop": ["a", "b", "c", "d", "e"]},
        {"reasoning_effort": "extreme"},
        {"response_format": {"type": "json_schema"}},
        {"response_format": "json"},
        {"system": 3},
        {"unknown": 1},
    ],
)
def test_a_value_that_cannot_be_sent_reads_as_the_default(stored: dict[str, Any]) -> None:
    assert params_from_json(stored) == RequestParams()


def test_a_requests_settings_are_what_it_carried() -> None:
    request = EVERYTHING.request("demo", (Message.user("hi"),))
    assert params_of_request(request) == EVERYTHING
    assert params_of_request(ChatRequest(model="demo", messages=())) == RequestParams()


def test_the_current_chat_has_one_owner() -> None:
    first, second = Session(model="demo"), Session(model="demo")
    current = CurrentChat(first)
    assert current.session is first and first in current and current.changes == 0
    assert current.set(second) is first
    assert current.session is second and first not in current and current.changes == 1
    assert current.set(second) is second and current.changes == 1
