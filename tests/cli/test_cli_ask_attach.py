"""``openmaas ask -a PATH``: images attached to the prompt reach the provider in its own form
and the history (once per content); a file that is not an image, and a model that takes none,
stop the ask before anything is sent."""

from __future__ import annotations

import base64
import io
import json
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from openmaas_tui.cli.ask import run_ask
from openmaas_tui.cli.main import build_parser, main
from openmaas_tui.core.history.blobs import images_of
from openmaas_tui.core.history.store import Store
from openmaas_tui.services import Services, open_services
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


@pytest.fixture
def pictures(tmp_path: Path) -> tuple[Path, Path]:
    cat, dog = tmp_path / "cat.png", tmp_path / "dog.jpg"
    cat.write_bytes(png(4, 3))
    dog.write_bytes(jpeg(6, 5))
    return cat, dog


def _ask(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", "ask", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_attached_images_reach_the_provider_in_order(
    served: ReplayServer, pictures: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cat, dog = pictures
    argv = ["-m", "claude-sonnet-4-5", "--base-url", served.url]
    code, out, err = _ask([*argv, "-a", str(cat), "--attach", str(dog), "which?"], capsys)
    assert code == 0, err
    assert out == "- Captain\n- Scoop\n"
    [message] = served.last.json()["messages"]
    assert message["content"] == [
        {"type": "text", "text": "which?"},
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": "image/png",
                "data": base64.b64encode(png(4, 3)).decode(),
            },
        },
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": "image/jpeg",
                "data": base64.b64encode(jpeg(6, 5)).decode(),
            },
        },
    ]


def test_a_file_that_is_not_an_image_stops_before_sending(
    served: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("just text")
    argv = ["-m", "claude-sonnet-4-5", "--base-url", served.url, "--json"]
    code, out, err = _ask([*argv, "-a", str(notes), "what is it?"], capsys)
    assert code == 1
    assert "error UNSUPPORTED_FILE_FORMAT: notes.png is not a supported image" in err
    assert "png, jpeg, webp, gif" in err
    assert json.loads(out)["error"]["code"] == "UNSUPPORTED_FILE_FORMAT"
    assert served.requests == []


def test_a_model_without_vision_refuses_before_sending(
    served: ReplayServer, pictures: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-m", "claude-3-5-haiku-latest", "--base-url", served.url]
    code, _out, err = _ask([*argv, "-a", str(pictures[0]), "what is it?"], capsys)
    assert code == 1
    assert "anthropic/claude-3-5-haiku-latest does not take images" in err
    assert served.requests == []


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def test_the_images_are_kept_with_the_session(
    server: ReplayServer, services: Services, pictures: tuple[Path, Path]
) -> None:
    server.queue(fixture_reply(fixture_path("anthropic/stream_text.sse")))
    cat, _ = pictures
    argv = ["ask", "-m", "claude-sonnet-4-5", "--base-url", server.url, "-a", str(cat), "-a"]
    args = build_parser().parse_args([*argv, str(cat), "two cats?"])
    exchange = await run_ask(services, args, "two cats?", io.StringIO(), io.StringIO())
    assert exchange.error is None
    store = await services.history()
    [session] = await store.call(Store.list_sessions)
    user, _answer = await store.call(Store.messages, session.id)
    images = images_of(user.attachments)
    assert [(i.name, i.media_type, i.width, i.height) for i in images] == [
        ("cat.png", "image/png", 4, 3),
        ("cat.png", "image/png", 4, 3),
    ]
    blobs = await store.call(
        Store.read, lambda conn: conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    )
    assert blobs == 1  # the same picture twice is kept once
