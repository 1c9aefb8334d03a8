"""``ask`` and ``compare`` refuse a parameter outside the range of the provider it goes to,
with INVALID_REQUEST naming the range, before anything is sent; a value in range goes through."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator

import pytest

from openmaas_tui.cli.main import main
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def anthropic() -> Iterator[ReplayServer]:
    server = ReplayServer(fixture_reply(fixture_path("anthropic/stream_text.sse")))
    server.start_in_thread()
    yield server
    server.stop_thread()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_refuses_a_temperature_above_anthropics_range(
    anthropic: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ask", "--provider", "anthropic", "--base-url", anthropic.url, "--json"]
    code, out, err = _run([*argv, "--temperature", "1.5", "hi"], capsys)
    assert code == 1
    error = json.loads(out)["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert "temperature must be between 0 and 1 for Anthropic" in error["message"]
    assert "INVALID_REQUEST" in err and "docs.anthropic.com/en/api/messages" in err
    assert anthropic.requests == []


def test_ask_sends_the_top_of_anthropics_range(
    anthropic: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ask", "--provider", "anthropic", "--base-url", anthropic.url]
    code, _out, _err = _run([*argv, "--temperature", "1", "hi"], capsys)
    assert code == 0
    assert anthropic.last.json()["temperature"] == 1.0


def test_ask_takes_openais_wider_range_for_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(["ask", "-m", "demo", "--temperature", "1.5", "hi"], capsys)
    assert code == 0 and out.strip()


def test_compare_refuses_the_whole_run_naming_the_model(
    anthropic: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare", "-m", "demo", "-m", "claude-haiku-4-5", "--json"]
    urls = ["--base-url", "-", "--base-url", anthropic.url]
    code, out, err = _run([*argv, *urls, "--temperature", "1.2", "hi"], capsys)
    assert code == 1
    error = json.loads(out)["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert error["message"] == (
        "temperature must be between 0 and 1 for Anthropic (anthropic/claude-haiku-4-5)"
    )
    assert anthropic.requests == []
    assert "INVALID_REQUEST" in err


def test_compare_in_range_for_every_target_runs(
    anthropic: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare", "-m", "demo", "-m", "claude-haiku-4-5", "--json", "--no-log"]
    urls = ["--base-url", "-", "--base-url", anthropic.url]
    code, out, _err = _run([*argv, *urls, "--temperature", "0.9", "hi"], capsys)
    assert code == 0
    assert [t["error"] for t in json.loads(out)["targets"]] == [None, None]
