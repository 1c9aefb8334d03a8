"""Model -> provider routing and capability filtering."""

from __future__ import annotations

import pytest

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import CATALOG, applicable, find_model, model_info, route
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.types import ChatRequest, Message


@pytest.mark.parametrize(
    ("spec", "provider", "model"),
    [
        ("gpt-4o-mini", "openai", "gpt-4o-mini"),
        ("chatgpt-4o-latest", "openai", "chatgpt-4o-latest"),
        ("o1", "openai", "o1"),
        ("o3-mini", "openai", "o3-mini"),
        ("o4-mini", "openai", "o4-mini"),
        ("claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"),
        ("gemini-2.5-flash", "gemini", "gemini-2.5-flash"),
        ("ollama/llama3.2", "ollama", "llama3.2"),
        ("myendpoint/qwen2.5", "myendpoint", "qwen2.5"),
        ("openrouter/meta-llama/llama-3.1-8b", "openrouter", "meta-llama/llama-3.1-8b"),
        ("demo", "demo", "demo"),
    ],
)
def test_routing(spec: str, provider: str, model: str) -> None:
    endpoints = {"myendpoint": Endpoint("myendpoint", "http://localhost:8000/v1")}
    r = route(spec, endpoints=endpoints)
    assert (r.provider, r.model) == (provider, model)


def test_explicit_provider_passes_the_model_verbatim() -> None:
    r = route("meta-llama/llama-3.3-70b-instruct", provider="openrouter")
    assert (r.provider, r.model) == ("openrouter", "meta-llama/llama-3.3-70b-instruct")


def test_unknown_model_and_provider_are_clear_errors() -> None:
    with pytest.raises(OpenMaaSError) as info:
        route("llama3.2")
    assert info.value.code is ErrorCode.INVALID_MODEL
    assert "PROVIDER/MODEL" in (info.value.hint or "")
    with pytest.raises(OpenMaaSError) as info:
        route("x", provider="nosuch")
    assert info.value.code is ErrorCode.INVALID_REQUEST


def test_catalog_is_consistent() -> None:
    ids = [(m.provider, m.id) for m in CATALOG]
    assert len(ids) == len(set(ids))
    for info in CATALOG:
        assert info.provider in SPECS
        assert info.context_window and info.context_window > 0
        assert route(info.ref).provider == info.provider


def test_dated_snapshots_find_their_family() -> None:
    info = find_model("anthropic", "claude-sonnet-4-5-20250929")
    assert info is not None and info.id == "claude-sonnet-4-5"
    info = find_model("openai", "gpt-4o-mini-2024-07-18")
    assert info is not None and info.id == "gpt-4o-mini"


def test_unsupported_parameters_are_dropped_with_a_note() -> None:
    request = ChatRequest(
        model="o3-mini",
        messages=(Message.user("hi"),),
        temperature=0.3,
        top_p=0.9,
        max_tokens=100,
        stop=("END",),
    )
    sent, notes = applicable(request, model_info(route("o3-mini")))
    assert sent.temperature is None and sent.top_p is None and sent.stop == ()
    assert sent.max_tokens == 100
    assert len(notes) == 3 and all("o3-mini" in n for n in notes)
    kept, none = applicable(request, model_info(route("ollama/llama3.2")))
    assert kept == request and none == []


def test_claude_45_takes_temperature_or_top_p_not_both() -> None:
    request = ChatRequest(
        model="claude-sonnet-4-5", messages=(Message.user("hi"),), temperature=0.5, top_p=0.9
    )
    sent, notes = applicable(request, model_info(route("claude-sonnet-4-5-20250929")))
    assert (sent.temperature, sent.top_p) == (0.5, None)
    assert notes == ["claude-sonnet-4-5 takes temperature or top_p, not both; top_p not sent"]
    only_top_p = ChatRequest(model="claude-haiku-4-5", messages=(), top_p=0.9)
    assert applicable(only_top_p, model_info(route("claude-haiku-4-5"))) == (only_top_p, [])
