"""Every provider the product promises answers through ``openmaas ask`` and through
``openmaas compare`` (two races of five: a compare takes at most eight), each from one of its
own recordings replayed on loopback: the recorded text and usage come out exactly, and the cost
is the price table's arithmetic on that usage.

Credentials are the provider's own kind each time (a key in the environment, AWS access keys
and region, an Azure key, a Vertex AI express-mode key with its project stored in the keyring),
and a sweep over everything printed checks that none of them shows."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.credentials.keys import SERVICE
from openmaas_tui.core.pricing.prices import cost_usd, load_price_table
from openmaas_tui.core.types import Usage
from tests.support.memory_keyring import MemoryKeyring
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECRETS = {
    "OPENAI_API_KEY": "sk-fake-qzxopenai-0001",
    "ANTHROPIC_API_KEY": "sk-ant-fake-qzxclaude-0002",
    "GEMINI_API_KEY": "AIza-fake-qzxgemini-0003",
    "MISTRAL_API_KEY": "fake-qzxmistral-0004",
    "CO_API_KEY": "fake-qzxcohere-0005",
    "AZURE_OPENAI_API_KEY": "fake-qzxazure-0006",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
}
VERTEX_KEY = "fake-qzxvertex-0007"


@dataclass(frozen=True)
class Case:
    """One provider asked for one model, answered by one recording."""

    provider: str
    model: str
    recording: str
    api: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.provider}-{self.api}" if self.api else self.provider


CASES = [
    Case("openai", "gpt-4o-mini", "openai/chat_stream_tool_call_usage.sse"),
    Case("openai", "gpt-5", "openai_responses/stream_usage_reasoning.sse", api="responses"),
    Case("anthropic", "claude-sonnet-4-5", "anthropic/stream_thinking.sse"),
    Case("gemini", "gemini-2.5-flash", "gemini/sse_text.sse"),
    Case("ollama", "llama3.2", "ollama/chat_stream_text.ndjson"),
    Case("mistral", "mistral-small-latest", "mistral/json_text.json"),
    Case("cohere", "command-r", "cohere/stream_text.sse"),
    Case("azure", "my-gpt5", "azure/responses_json_gpt5.json", api="responses"),
    Case("bedrock", "amazon.nova-micro-v1:0", "bedrock/converse_stream_nova.bin"),
    Case("vertex", "gemini-2.5-flash", "gemini/sse_vertex_flex.sse"),
]


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    """Each provider's own kind of credentials; nothing piped in."""
    for name, value in {**SECRETS, "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    memory_keyring.store[(SERVICE, "vertex")] = json.dumps(
        {"api_key": VERTEX_KEY, "project": "every-provider-test"}
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def servers() -> Iterator[dict[str, ReplayServer]]:
    """A replay server per case, serving its recording byte for byte as often as asked."""
    started: dict[str, ReplayServer] = {}
    for case in CASES:
        reply = fixture_reply(fixture_path(case.recording))
        server = ReplayServer(reply)
        server.start_in_thread()
        started[case.id] = server
    yield started
    for server in started.values():
        server.stop_thread()


def _our_usage(case: Case) -> Usage:
    """The recording's usage in our convention (DESIGN.md: output counts reasoning; input
    counts every prompt token)."""
    usage: dict[str, Any] = expected(case.recording)["usage"]
    out = usage["output_tokens"]
    if case.provider in ("gemini", "vertex") and usage["reasoning_tokens"]:
        out += usage["reasoning_tokens"]
    return Usage(
        usage["input_tokens"], out, usage["cached_input_tokens"], usage["reasoning_tokens"]
    )


def _sweep(text: str) -> None:
    for secret in [*SECRETS.values(), VERTEX_KEY]:
        assert secret not in text and secret[-12:] not in text, secret


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_ask_gives_the_recorded_answer_usage_and_cost(
    case: Case, servers: dict[str, ReplayServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = servers[case.id]
    argv = ["ask", "--provider", case.provider, "-m", case.model, "--base-url", server.url]
    code = main([*argv, *(["--api", case.api] if case.api else []), "--json", "hi"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    want = expected(case.recording)
    assert result["error"] is None
    assert result["text"] == want["text"]
    usage = _our_usage(case)
    got = result["usage"]
    assert (got["input_tokens"], got["output_tokens"]) == (usage.input_tokens, usage.output_tokens)
    price = load_price_table().price(case.provider, case.model)
    assert result["cost_usd"] == pytest.approx(cost_usd(price, Usage(**got)), abs=0)
    _sweep(out + err)


@pytest.mark.parametrize("half", [CASES[:5], CASES[5:]], ids=["first-five", "new-five"])
def test_a_compare_races_every_provider(
    half: list[Case], servers: dict[str, ReplayServer], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare"]
    for case in half:
        argv += ["-m", case.model]
    for case in half:
        argv += ["--provider", case.provider]
    for case in half:
        argv += ["--base-url", servers[case.id].url]
    for case in half:
        argv += ["--api", case.api or "-"]
    code = main([*argv, "--json", "hi"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    lanes = result["targets"]
    assert len(lanes) == len(half)
    for case, lane in zip(half, lanes, strict=True):
        assert lane["error"] is None, (case.id, lane["error"])
        assert lane["text"] == expected(case.recording)["text"], case.id
        assert lane["usage"]["output_tokens"] == _our_usage(case).output_tokens, case.id
    _sweep(out + err)
