"""``openmaas ask`` end to end against loopback servers: a stream cut before its protocol's end
exits 1 with the text printed and the answer kept as interrupted; a 429 is waited out and asked
again, the wait on stderr; ``--timeout`` names its limit; a proxy's error page is summarised;
``--json`` carries ``retry_after_s`` and ``state``."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Iterator

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.records import StoredMessage
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role
from openmaas_tui.services import open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply, split_events
from tests.support.server import Reply
from tests.support.synth import openai_stream_reply

_BUSY = b'{"error": {"message": "slow down", "type": "requests"}}'


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    served = ReplayServer()
    served.start_in_thread()
    yield served
    served.stop_thread()


def _ask(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", "ask", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _answers() -> list[StoredMessage]:
    """The assistant messages of the history, oldest session first."""

    async def read() -> list[StoredMessage]:
        services = open_services(use_keyring=False)
        try:
            store = await services.history()
            found: list[StoredMessage] = []
            for session in await store.call(Store.list_sessions):
                messages = await store.call(Store.messages, session.id)
                found += [m for m in messages if m.role == Role.ASSISTANT]
            return found
        finally:
            await services.aclose()

    return asyncio.run(read())


@pytest.mark.parametrize(
    ("provider", "name"),
    [
        ("openai", "snowflake/stream_text.sse"),
        ("gemini", "gemini/sse_text.sse"),
        ("anthropic", "anthropic/stream_text.sse"),
        ("ollama", "ollama/chat_stream_text.ndjson"),
    ],
)
def test_a_stream_cut_before_its_end_exits_1_and_keeps_the_text_as_interrupted(
    server: ReplayServer, capsys: pytest.CaptureFixture[str], provider: str, name: str
) -> None:
    """The server closes the response cleanly, one event before the protocol's end."""
    pieces = split_events(fixture_path(name).read_bytes())
    kept = pieces[:-2] if provider == "openai" else pieces[:-1]  # openai: before [DONE]
    full = fixture_reply(fixture_path(name))
    server.default = Reply(content_type=full.content_type, chunks=kept)
    code, out, err = _ask(
        ["--provider", provider, "--base-url", server.url, "-m", "m", "hi"], capsys
    )
    assert code == 1
    assert "error STREAM_INTERRUPTED" in err
    assert out.strip() and expected(name)["text"].startswith(out.rstrip("\n"))
    [answer] = _answers()
    assert answer.state is MessageState.INTERRUPTED
    assert answer.content == out.rstrip("\n") and answer.error_code == "STREAM_INTERRUPTED"


def test_an_empty_200_is_interrupted_with_nothing_printed(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.default = Reply(content_type="text/event-stream", chunks=[b""])
    argv = ["--provider", "openai", "--base-url", server.url, "-m", "m", "--json", "hi"]
    code, out, err = _ask(argv, capsys)
    result = json.loads(out)
    assert code == 1 and result["error"]["code"] == "STREAM_INTERRUPTED"
    assert result["state"] == "interrupted" and result["text"] == ""
    assert "before any event" in err


def test_a_429_is_waited_out_and_asked_again(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.queue(Reply(status=429, body=_BUSY, headers={"retry-after-ms": "20"}))
    server.queue(openai_stream_reply(["Hello", " world"]))
    argv = ["--provider", "openai", "--base-url", server.url, "-m", "m", "hi"]
    code, out, err = _ask(argv, capsys)
    assert code == 0 and out == "Hello world\n"
    assert "note: rate limited (HTTP 429), retrying in 0.0 s… (1 of 2)" in err
    assert len(server.requests) == 2
    assert [a.state for a in _answers()] == [MessageState.COMPLETE]  # one answer row


def test_a_long_retry_after_is_shown_in_text_and_json(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.default = Reply(status=429, body=_BUSY, headers={"retry-after": "60"})
    argv = ["--provider", "openai", "--base-url", server.url, "-m", "m", "--json", "hi"]
    code, out, err = _ask(argv, capsys)
    result = json.loads(out)
    assert code == 1 and result["error"]["code"] == "RATE_LIMITED"
    assert result["retry_after_s"] == 60.0 and result["state"] == "error"
    assert "retry after: 1 min (the provider's wait)" in err
    assert len(server.requests) == 1  # longer than the cap: not waited


def test_timeout_names_its_limit(server: ReplayServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.default = fixture_reply(fixture_path("crusoe/stream_text.sse"), first_byte_delay_s=1.0)
    argv = ["--provider", "openai", "--base-url", server.url, "-m", "m", "--timeout", "0.2", "hi"]
    code, _out, err = _ask(argv, capsys)
    assert code == 1
    assert "error STREAM_TIMEOUT: no data from openai for 0.2 s (read_timeout_s)" in err
    assert "--timeout" in err


@pytest.mark.parametrize("bad", ["0", "-3", "soon", "nan", "inf"])
def test_timeout_must_be_a_positive_number(capsys: pytest.CaptureFixture[str], bad: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--no-keyring", "ask", "-m", "demo", "--timeout", bad, "hi"])
    assert exited.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_a_proxy_error_page_is_summarised(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
    server.default = Reply(status=502, body=page, content_type="text/html")
    argv = ["--provider", "openai", "--base-url", server.url, "-m", "m", "hi"]
    code, _out, err = _ask(argv, capsys)
    assert code == 1
    assert "openai answered with HTTP 502, a web page: “502 Bad Gateway”" in err
    assert "<html>" not in err
