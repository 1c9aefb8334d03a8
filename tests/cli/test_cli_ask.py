"""``openmaas ask`` end to end: a recorded stream of each provider served on loopback comes out
exactly as recorded, in text and in ``--json``; errors carry their code; the demo needs nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.models.provider_specs import SPECS
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

ROOT = Path(__file__).resolve().parents[2]

# provider, recorded (or, for Ollama's native API, constructed) stream
CASES = [
    ("anthropic", "anthropic/stream_text.sse"),
    ("anthropic", "anthropic/stream_thinking.sse"),
    ("openai", "openai/chat_stream_tool_call_usage.sse"),
    ("gemini", "gemini/sse_text.sse"),
    ("ollama", "ollama/chat_stream_text.ndjson"),
]


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[ReplayServer]:
    server = ReplayServer(fixture_reply(fixture_path(request.param)))
    server.start_in_thread()
    yield server
    server.stop_thread()


def _our_usage(provider: str, name: str) -> dict[str, Any]:
    usage = dict(expected(name)["usage"])
    if provider == "gemini" and usage["reasoning_tokens"]:
        usage["output_tokens"] += usage["reasoning_tokens"]
    return usage


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing piped in (a StringIO is not a terminal, so ``ask`` reads it: empty)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def _ask(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", "ask", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("provider", "name"), CASES)
def test_json_carries_the_recorded_text_and_usage(
    provider: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server = ReplayServer(fixture_reply(fixture_path(name)))
    server.start_in_thread()
    try:
        code, out, _err = _ask(
            ["--provider", provider, "--base-url", server.url, "--json", "hi"], capsys
        )
    finally:
        server.stop_thread()
    result = json.loads(out)
    want = expected(name)
    assert code == 0
    assert result["text"] == want["text"]
    assert result["reasoning"] == want["reasoning"]
    assert result["finish_reason_raw"] == want["finish_reason"]
    assert result["usage"] == _our_usage(provider, name)
    assert result["provider"] == provider
    assert result["model"] == SPECS[provider].default_model
    sent = server.last
    assert sent.json().get("model") == result["model"] or result["model"] in sent.path
    assert result["error"] is None
    assert result["ttft_ms"] is not None and result["duration_ms"] >= result["ttft_ms"]
    assert [c["name"] for c in result["tool_calls"]] == [c["name"] for c in want["tool_calls"]]


@pytest.mark.parametrize("served", ["anthropic/stream_text.sse"], indirect=True)
def test_text_mode_streams_only_the_answer_to_stdout(
    served: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _ask(["--provider", "anthropic", "--base-url", served.url, "hi"], capsys)
    assert code == 0
    assert out == "- Captain\n- Scoop\n"
    body = served.last.json()
    assert body["messages"] == [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("served", ["anthropic/stream_text.sse"], indirect=True)
def test_parameters_reach_the_request(
    served: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "-m",
        "claude-sonnet-4-0",
        "--base-url",
        served.url,
        "--system",
        "be brief",
        "--temperature",
        "0.3",
        "--top-p",
        "0.9",
        "--max-tokens",
        "50",
        "--stop",
        "END",
        "hi",
    ]
    code, _out, _err = _ask(argv, capsys)
    body = served.last.json()
    assert code == 0
    assert body["model"] == "claude-sonnet-4-0"
    assert body["system"] == "be brief"
    assert (body["temperature"], body["top_p"], body["max_tokens"]) == (0.3, 0.9, 50)
    assert body["stop_sequences"] == ["END"]


@pytest.mark.parametrize("served", ["anthropic/stream_text.sse"], indirect=True)
def test_a_dropped_parameter_is_noted_not_sent(
    served: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-m", "claude-haiku-4-5", "--base-url", served.url, "--temperature", "0.3"]
    code, _out, err = _ask([*argv, "--top-p", "0.9", "hi"], capsys)
    body = served.last.json()
    assert code == 0
    assert body["temperature"] == 0.3 and "top_p" not in body
    assert "note: claude-haiku-4-5 takes temperature or top_p, not both" in err


def test_missing_key_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ask(["-m", "claude-sonnet-4-5", "--json", "hi"], capsys)
    assert code == 1
    result = json.loads(out)
    assert result["error"]["code"] == "MISSING_KEY"
    assert result["provider"] == "anthropic" and result["text"] == ""
    assert result["usage"] == dict.fromkeys(
        ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens")
    )
    assert result["model"] == "claude-sonnet-4-5" and result["tool_calls"] == []
    assert result["cost_usd"] is None and result["ttft_ms"] is None
    assert result["duration_ms"] is None and result["finish_reason"] is None
    assert "MISSING_KEY" in err and "openmaas keys set anthropic" in err
    assert "Traceback" not in err


def test_unknown_model_and_empty_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _ask(["-m", "llama3.2", "hi"], capsys)
    assert code == 1 and "INVALID_MODEL" in err
    code, _out, err = _ask(["-m", "demo", "   "], capsys)
    assert code == 1 and "EMPTY_MESSAGE" in err


def test_dropped_stream_keeps_the_partial_answer(capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_path("anthropic/stream_text.sse")
    body = path.read_bytes()
    server = ReplayServer(fixture_reply(path, drop_after=body.index(b"oop")))
    server.start_in_thread()
    try:
        code, out, err = _ask(
            ["--provider", "anthropic", "--base-url", server.url, "--json", "hi"], capsys
        )
    finally:
        server.stop_thread()
    result = json.loads(out)
    assert code == 1
    assert result["error"]["code"] == "STREAM_INTERRUPTED"
    assert result["text"] == "- Captain\n- Sc"
    assert "STREAM_INTERRUPTED" in err


def test_demo_answers_with_no_key_and_no_network(isolated_home: Path) -> None:
    """The real command in a child process: no keys, no keyring, nothing but loopback."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env["OPENMAAS_HOME"] = str(isolated_home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    result = subprocess.run(
        [sys.executable, "-m", "openmaas_tui", "ask", "-m", "demo", "--json", "hi"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["provider"] == "demo"
    assert answer["text"].strip()
    assert "demo" in answer["text"].lower()
    assert answer["usage"]["output_tokens"] > 0
    assert answer["cost_usd"] == 0
    assert answer["finish_reason"] == "stop"


@pytest.mark.parametrize("served", ["anthropic/stream_text.sse"], indirect=True)
def test_piped_stdin_is_context_before_the_prompt(
    served: ReplayServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("def f(): pass\n"))
    code = main(
        ["--no-keyring", "ask", "--provider", "anthropic", "--base-url", served.url, "explain this"]
    )
    capsys.readouterr()
    assert code == 0
    content = served.last.json()["messages"][0]["content"]
    assert content == "def f(): pass\n\nexplain this"


def test_models_discover_lists_ollama_models(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ReplayServer(fixture_reply(fixture_path("ollama/tags.json")))
    server.start_in_thread()
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    try:
        code = main(["--no-keyring", "models", "--discover"])
    finally:
        server.stop_thread()
    out = capsys.readouterr().out
    names = [m["name"] for m in json.loads(fixture_path("ollama/tags.json").read_text())["models"]]
    assert code == 0
    assert server.last.path == "/api/tags"
    assert all(f"ollama/{name}" in out for name in names)
    assert "anthropic/claude-sonnet-4-5" in out


@pytest.mark.parametrize("served", ["anthropic/stream_text.sse"], indirect=True)
def test_model_options_may_stand_before_ask(
    served: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--no-keyring", "-m", "claude-haiku-4-5", "--base-url", served.url, "ask", "hi"])
    capsys.readouterr()
    assert code == 0
    assert served.last.json()["model"] == "claude-haiku-4-5"
