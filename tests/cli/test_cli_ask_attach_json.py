"""``openmaas ask --json`` lists the prompt's attachments: name, media type, size in bytes and
SHA-256 of each image, in the order attached (the same digest the history keeps it under)."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.cli.main import main
from tests.support.images import jpeg, png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def served() -> Iterator[ReplayServer]:
    server = ReplayServer(fixture_reply(fixture_path("anthropic/stream_text.sse")))
    server.start_in_thread()
    yield server
    server.stop_thread()


def test_json_lists_each_attachment(
    served: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, dog = tmp_path / "cat.png", tmp_path / "dog.jpg"
    cat.write_bytes(png(4, 3))
    dog.write_bytes(jpeg(6, 5))
    argv = ["--no-keyring", "ask", "-m", "claude-sonnet-4-5", "--base-url", served.url, "--json"]
    code = main([*argv, "-a", str(cat), "-a", str(dog), "which?"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert result["attachments"] == [
        {
            "name": "cat.png",
            "media_type": "image/png",
            "size_bytes": len(png(4, 3)),
            "sha256": hashlib.sha256(png(4, 3)).hexdigest(),
        },
        {
            "name": "dog.jpg",
            "media_type": "image/jpeg",
            "size_bytes": len(jpeg(6, 5)),
            "sha256": hashlib.sha256(jpeg(6, 5)).hexdigest(),
        },
    ]


def test_json_without_attachments_has_an_empty_list(
    served: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--no-keyring", "ask", "-m", "claude-sonnet-4-5", "--base-url", served.url, "--json"]
    assert main([*argv, "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["attachments"] == []
