"""``openmaas compare`` end to end on loopback: ``--json`` field by field, the exit status, the
pairing of --base-url with -m, and the Markdown printed when stdout is not a terminal."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.compare.export import SCHEMA_VERSION
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

TEXT = "anthropic/stream_text.sse"
RATE_LIMITED = "openai/error_429_rate_limit.json"
TARGET_FIELDS = {
    "model",
    "provider",
    "text",
    "finish_reason",
    "usage",
    "ttft_ms",
    "duration_ms",
    "tokens_per_s",
    "cost_usd",
    "error",
    "retry_after_s",
}


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def served() -> Iterator[tuple[ReplayServer, ReplayServer]]:
    ok = ReplayServer(fixture_reply(fixture_path(TEXT)))
    limited = ReplayServer(fixture_reply(fixture_path(RATE_LIMITED)))
    ok.start_in_thread()
    limited.start_in_thread()
    yield ok, limited
    ok.stop_thread()
    limited.stop_thread()


def _compare(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", "compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_one_object_field_by_field(
    served: tuple[ReplayServer, ReplayServer], capsys: pytest.CaptureFixture[str]
) -> None:
    ok, limited = served
    argv = ["-m", "claude-sonnet-4-5", "-m", "gpt-4o-mini", "--provider", "anthropic"]
    argv += ["--provider", "openai", "--base-url", ok.url, "--base-url", limited.url]
    code, out, err = _compare([*argv, "--json", "--temperature", "0.5", "Two names"], capsys)
    assert code == 0  # one target answered
    result = json.loads(out)
    assert result["schema_version"] == SCHEMA_VERSION and result["prompt"] == "Two names"
    first, second = result["targets"]
    assert set(first) == TARGET_FIELDS and set(second) == TARGET_FIELDS
    want = expected(TEXT)
    assert first["model"] == "claude-sonnet-4-5" and first["provider"] == "anthropic"
    assert first["text"] == want["text"]
    assert first["finish_reason"] == "stop"
    assert first["usage"]["input_tokens"] == want["usage"]["input_tokens"]
    assert first["usage"]["output_tokens"] == want["usage"]["output_tokens"]
    assert first["ttft_ms"] is not None and first["duration_ms"] >= first["ttft_ms"]
    assert first["cost_usd"] is not None and first["cost_usd"] > 0
    assert first["error"] is None
    assert second["model"] == "gpt-4o-mini" and second["provider"] == "openai"
    assert second["text"] == "" and second["finish_reason"] is None
    assert second["ttft_ms"] is None and second["tokens_per_s"] is None
    assert second["error"]["code"] == "RATE_LIMITED"
    assert second["retry_after_s"] == 20 and first["retry_after_s"] is None  # the 429's header
    assert "Rate limit reached" in second["error"]["message"]
    assert ok.last.json()["temperature"] == 0.5 and limited.last.json()["temperature"] == 0.5
    summary = result["summary"]
    assert summary["order"] == [0, 1] and summary["succeeded"] == 1 and summary["failed"] == 1
    assert summary["cheapest"] == 0 and summary["fastest_ttft"] == 0
    assert "[2] gpt-4o-mini: error RATE_LIMITED" in err


def test_exit_status_is_one_only_when_every_target_failed(
    served: tuple[ReplayServer, ReplayServer], capsys: pytest.CaptureFixture[str]
) -> None:
    _ok, limited = served
    argv = ["-m", "gpt-4o-mini", "-m", "gpt-4o", "--provider", "openai", "--base-url"]
    code, out, err = _compare([*argv, limited.url, "--json", "hi"], capsys)
    assert code == 1
    assert [t["error"]["code"] for t in json.loads(out)["targets"]] == ["RATE_LIMITED"] * 2
    assert err.count("RATE_LIMITED") == 2


def test_missing_key_is_one_targets_error_and_never_shows_a_key(
    served: tuple[ReplayServer, ReplayServer],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok, _limited = served
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-value-123456")
    argv = ["-m", "claude-sonnet-4-5", "-m", "gpt-4o-mini", "--provider", "anthropic"]
    argv += ["--provider", "openai", "--base-url", ok.url, "--base-url", "-"]
    code, out, err = _compare([*argv, "--json", "hi"], capsys)
    result: dict[str, Any] = json.loads(out)
    assert code == 0
    assert result["targets"][0]["error"] is None
    assert result["targets"][1]["error"]["code"] == "MISSING_KEY"
    assert "secret-value" not in out + err
    assert ok.last.headers["x-api-key"] == "sk-ant-secret-value-123456"


def test_base_urls_must_be_one_or_one_per_model(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["-m", "a", "-m", "b", "-m", "c", "--base-url", "http://127.0.0.1:9"]
    code, _out, err = _compare([*argv, "--base-url", "http://127.0.0.1:9", "hi"], capsys)
    assert code == 1 and "INVALID_REQUEST" in err and "2 --base-url for 3 models" in err


def test_text_mode_to_a_file_prints_the_run_as_markdown(
    served: tuple[ReplayServer, ReplayServer], capsys: pytest.CaptureFixture[str]
) -> None:
    ok, limited = served
    argv = ["-m", "claude-sonnet-4-5", "-m", "gpt-4o-mini", "--provider", "anthropic"]
    argv += ["--provider", "openai", "--base-url", ok.url, "--base-url", limited.url]
    code, out, _err = _compare([*argv, "-"], capsys)
    assert code == 1  # '-' reads stdin, which is empty here: nothing to send
    sys.stdin = io.StringIO("Two names")
    code, out, _err = _compare([*argv, "-"], capsys)
    assert code == 0
    assert out.startswith("# Compare") and "## Summary" in out
    assert "| 2 | gpt-4o-mini | RATE_LIMITED |" in out
    assert expected(TEXT)["text"].strip() in out
