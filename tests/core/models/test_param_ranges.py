"""Each provider's parameter ranges: the table, the fallback by protocol, and the refusal."""

from __future__ import annotations

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.param_ranges import (
    DECIMALS,
    RANGES_BY_PROVIDER,
    Bounds,
    check_ranges,
    range_problems,
    ranges_for,
)
from openmaas_tui.core.models.provider_specs import SPECS, WireProtocol
from openmaas_tui.core.models.request_params import RANGES, RequestParams


@pytest.mark.parametrize(
    ("provider", "temperature"),
    [
        ("openai", (0, 2)),
        ("anthropic", (0, 1)),
        ("gemini", (0, 2)),
        ("vertex", (0, 2)),
        ("mistral", (0, 1.5)),
        ("cohere", (0, 1)),
        ("bedrock", (0, 1)),
        ("ollama", (0, 2)),
        ("demo", (0, 2)),
    ],
)
def test_temperature_range_per_provider(provider: str, temperature: tuple[float, float]) -> None:
    bounds = ranges_for(provider, SPECS[provider].protocol).of("temperature")
    assert (bounds.low, bounds.high) == temperature


def test_every_range_lies_within_the_widest_the_cli_parses() -> None:
    for ranges in RANGES_BY_PROVIDER.values():
        assert ranges.source.startswith("https://")
        for name in DECIMALS:
            low, high = RANGES[name]
            assert low <= ranges.of(name).low <= ranges.of(name).high <= high


def test_a_custom_endpoint_goes_by_its_protocol() -> None:
    assert ranges_for("my-claude-proxy", WireProtocol.ANTHROPIC).label == "Anthropic"
    assert ranges_for("local", WireProtocol.OPENAI_CHAT).label == "OpenAI-compatible servers"
    assert ranges_for("unknown").label == "OpenAI-compatible servers"
    assert ranges_for("demo", WireProtocol.OPENAI_CHAT).of("temperature").high == 2.0


def test_bounds_hold_clamp_and_say_themselves() -> None:
    bounds = Bounds(0.0, 1.0)
    assert bounds.holds(1.0) and bounds.holds(0.0)
    assert not bounds.holds(1.01) and not bounds.holds(float("nan"))
    assert bounds.clamp(1.7) == 1.0 and bounds.clamp(-3) == 0.0
    assert Bounds(-2.0, 2.0).text == "-2–2"


def test_check_ranges_names_every_value_out_of_range() -> None:
    cohere = ranges_for("cohere")
    params = RequestParams(temperature=1.2, top_p=0.995, presence_penalty=0.5)
    assert range_problems(params, cohere) == [
        "temperature must be between 0 and 1 for Cohere",
        "top_p must be between 0.01 and 0.99 for Cohere",
    ]
    with pytest.raises(OpenMaaSError) as caught:
        check_ranges(params, cohere, model="cohere/command-a-03-2025")
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.message.endswith("(cohere/command-a-03-2025)")
    assert "docs.cohere.com" in (caught.value.hint or "")
    check_ranges(RequestParams(temperature=1.0, top_p=0.99), cohere)
    check_ranges(RequestParams(), cohere)
