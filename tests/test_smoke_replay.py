"""The replay server serves recorded bodies byte for byte, records requests and drops on cue."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import network_guard
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply, split_events

ROOT = Path(__file__).resolve().parent.parent


async def test_replays_bytes_exactly_and_records_the_request() -> None:
    path = fixture_path("gemini/sse_text.sse")
    server = ReplayServer(fixture_reply(path, chunk_delay_s=0.001))
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            response = await client.post(server.url + "/v1/x?alt=sse", json={"q": 1})
        assert response.content == path.read_bytes()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert server.last.path == "/v1/x"
        assert server.last.query == {"alt": "sse"}
        assert server.last.json() == {"q": 1}
    finally:
        await server.stop()


async def test_drop_after_cuts_the_connection() -> None:
    path = fixture_path("anthropic/stream_text.sse")
    server = ReplayServer(fixture_reply(path, drop_after=200))
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(server.url + "/v1/messages", json={})
    finally:
        await server.stop()


def test_split_events_keeps_every_byte() -> None:
    for name in ("gemini/sse_text.sse", "anthropic/stream_text.sse"):
        body = fixture_path(name).read_bytes()
        pieces = split_events(body)
        assert len(pieces) > 1
        assert b"".join(pieces) == body


def test_the_replay_command_serves_a_recording_until_interrupted() -> None:
    """``python -m tests.support.replay FILE --port N``, as the README shows it."""
    path = fixture_path("anthropic/stream_text.sse")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.replay", str(path), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with network_guard.child_server(port):
        try:
            assert child.stdout is not None
            url = child.stdout.readline().strip()
            assert url == f"http://127.0.0.1:{port}"
            for _ in range(2):  # every request gets the recording
                response = httpx.post(url + "/v1/messages", json={}, timeout=10)
                assert response.content == path.read_bytes()
            child.send_signal(signal.SIGINT)
            assert child.wait(10) == 0
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(10)
