"""``openmaas ask --preset NAME``: the preset's parameters travel, options given override them."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.cli.main import main
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

PRESETS = """\
[presets.terse]
model = "gpt-4o-mini"
system = "One line only."
temperature = 0.2
max_tokens = 64
stop = ["END"]
presence_penalty = 0.5
response_format = "json_object"
"""


@pytest.fixture
def served() -> Iterator[ReplayServer]:
    server = ReplayServer(fixture_reply(fixture_path("crusoe/stream_text.sse")))
    server.start_in_thread()
    yield server
    server.stop_thread()


@pytest.fixture(autouse=True)
def presets(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "presets.toml").write_text(PRESETS, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def test_the_preset_travels_and_options_override_it(
    served: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--no-keyring", "ask", "--preset", "terse", "--provider", "openai"]
    code = main([*argv, "--base-url", served.url, "--temperature", "0.9", "count"])
    out, err = capsys.readouterr()
    assert code == 0, err
    body = served.last.json()
    assert body["model"] == "gpt-4o-mini"  # the preset's model
    assert body["temperature"] == 0.9  # the option wins
    assert body["max_tokens"] == 64 and body["stop"] == ["END"]
    assert body["presence_penalty"] == 0.5
    assert body["response_format"] == {"type": "json_object"}
    assert body["messages"][0] == {"role": "system", "content": "One line only."}
    assert out.startswith("1, 2, 3")


def test_an_unknown_preset_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--no-keyring", "ask", "--preset", "nope", "-m", "demo", "hi"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "no preset named 'nope'" in err and "terse" in err
