"""The gateway lends keys to no one: a token on every request, loopback only, no CORS, and no
key (nor any 8 characters of one) in any file it leaves or anything it prints, even after a
provider's 401 echoes the key back."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import anthropic
import httpx
import openai
import pytest

from openmaas_tui.core.credentials.redact import FRAGMENT_CHARS
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.gateway.auth import bearer_matches, check_host, is_loopback
from tests.conftest import FIXTURES
from tests.support.gateway import KEYS, ROOT, GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply
from tests.support.synth import openai_stream_reply


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong-token-0000000000"}, {"authorization": "Basic x"}],
)
async def test_a_request_without_the_token_is_401(
    gateway: GatewayProcess, upstream: ReplayServer, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient() as raw:
        for path in ("/models", "/chat/completions", "/nowhere"):
            reply = await raw.post(gateway.url + path, json={}, headers=headers)
            assert reply.status_code == 401
            assert reply.json()["error"]["type"] == "authentication_error"
    assert upstream.requests == []


async def test_no_cors_headers_and_no_preflight(gateway: GatewayProcess) -> None:
    origin = {"origin": "https://evil.example", "access-control-request-method": "POST"}
    async with httpx.AsyncClient() as raw:
        preflight = await raw.options(gateway.url + "/chat/completions", headers=origin)
        listed = await raw.get(
            gateway.url + "/models",
            headers={**origin, "authorization": f"Bearer {gateway.token}"},
        )
    assert preflight.status_code == 401
    assert listed.status_code == 200
    for reply in (preflight, listed):
        assert not [h for h in reply.headers if h.lower().startswith("access-control-")]


def test_a_host_beyond_this_machine_is_refused(isolated_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openmaas_tui", "--no-keyring", "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"OPENMAAS_HOME": str(isolated_home), "PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert result.returncode == 1
    assert "error INVALID_REQUEST: refusing to listen on 0.0.0.0" in result.stderr
    assert "--allow-remote" in result.stderr and result.stdout == ""


def test_loopback_is_told_apart_and_the_token_compared_whole() -> None:
    assert all(map(is_loopback, ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost")))
    assert not any(map(is_loopback, ("0.0.0.0", "192.168.1.2", "::", "example.com")))
    with pytest.raises(OpenMaaSError):
        check_host("::", allow_remote=False)
    check_host("0.0.0.0", allow_remote=True)
    assert bearer_matches(b"Bearer tok-123", b"tok-123")
    assert not bearer_matches(b"Bearer tok-12", b"tok-123")
    assert not bearer_matches(None, b"tok-123")


def _slices(key: str) -> set[str]:
    return {key[i : i + FRAGMENT_CHARS] for i in range(len(key) - FRAGMENT_CHARS + 1)}


async def test_no_key_anywhere_after_a_session(upstream: ReplayServer, tmp_path: Path) -> None:
    """A session of requests, one of them answered by a 401 that echoes the OpenAI key, then a
    SIGTERM: every file under the gateway's home (data, config, cache, logs) and everything it
    printed holds no key and no 8-character slice of one."""
    process = GatewayProcess(tmp_path / "home", upstream.url)
    try:
        sdk = openai.AsyncOpenAI(base_url=process.url, api_key=process.token, max_retries=0)
        upstream.queue(openai_stream_reply(["fine"]))
        upstream.queue(fixture_reply(FIXTURES / "openai/error_401_invalid_key.json"))
        upstream.queue(fixture_reply(FIXTURES / "anthropic/json_text.json"))
        upstream.queue(fixture_reply(FIXTURES / "gemini/json_text.json"))
        stream = await sdk.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        bodies = [chunk.model_dump_json() async for chunk in stream]
        with pytest.raises(openai.AuthenticationError) as caught:
            await sdk.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
            )
        bodies.append(json.dumps(caught.value.body))
        for model in ("claude-sonnet-4-5", "gemini-2.5-flash"):
            answer = await sdk.chat.completions.create(
                model=model, messages=[{"role": "user", "content": "hi"}]
            )
            bodies.append(answer.model_dump_json())
        assert "Incorrect API key provided" in bodies[-3]
        assert process.stop() == 0
    finally:
        process.kill()
    assert "POST /v1/chat/completions model=gpt-4o-mini status=401" in process.err
    _assert_no_key_anywhere(process, bodies)
    assert {("gateway", "openai"), ("gateway", "anthropic")} <= _ledger_sources(process)


async def test_no_key_anywhere_after_a_session_on_the_messages_surface(
    upstream: ReplayServer, tmp_path: Path
) -> None:
    """The same sweep through ``/v1/messages`` with the ``anthropic`` SDK: answers from
    Anthropic, OpenAI and Gemini upstreams, streamed and whole, a count, and two upstream 401s
    that echo the OpenAI and the Anthropic key."""
    echo = f"invalid x-api-key: {KEYS['ANTHROPIC_API_KEY']}"
    process = GatewayProcess(tmp_path / "home", upstream.url)
    try:
        root = process.url.removesuffix("/v1")
        sdk = anthropic.AsyncAnthropic(base_url=root, api_key=process.token, max_retries=0)
        hi: list[anthropic.types.MessageParam] = [{"role": "user", "content": "hi"}]
        upstream.queue(fixture_reply(FIXTURES / "anthropic/stream_text.sse"))
        upstream.queue(fixture_reply(FIXTURES / "openai/error_401_invalid_key.json"))
        upstream.queue(Reply.json_body({"type": "error", "error": {"message": echo}}, 401))
        upstream.queue(openai_stream_reply(["fine"]))
        upstream.queue(fixture_reply(FIXTURES / "gemini/json_text.json"))
        upstream.queue(Reply.json_body({"input_tokens": 3}), path="/v1/messages/count_tokens")
        bodies: list[str] = []
        async with sdk.messages.stream(
            model="claude-sonnet-4-5", max_tokens=64, messages=hi
        ) as stream:
            bodies += [event.model_dump_json() async for event in stream]
        errors = []
        for model in ("gpt-4o-mini", "claude-sonnet-4-5"):
            with pytest.raises(anthropic.AuthenticationError) as caught:
                await sdk.messages.create(model=model, max_tokens=64, messages=hi)
            errors.append(json.dumps(caught.value.body))
        bodies += errors
        stream_answer = await sdk.messages.create(
            model="gpt-4o-mini", max_tokens=64, messages=hi, stream=True
        )
        bodies += [event.model_dump_json() async for event in stream_answer]
        answer = await sdk.messages.create(model="gemini-2.5-flash", max_tokens=64, messages=hi)
        bodies.append(answer.model_dump_json())
        counted = await sdk.messages.count_tokens(model="claude-sonnet-4-5", messages=hi)
        bodies.append(counted.model_dump_json())
        assert "Incorrect API key provided" in errors[0] and "invalid x-api-key" in errors[1]
        assert process.stop() == 0
    finally:
        process.kill()
    assert "POST /v1/messages model=claude-sonnet-4-5 status=401" in process.err
    _assert_no_key_anywhere(process, bodies)
    assert {("gateway", "openai"), ("gateway", "anthropic"), ("gateway", "gemini")} <= (
        _ledger_sources(process)
    )


def _assert_no_key_anywhere(process: GatewayProcess, bodies: list[str]) -> None:
    """No key, nor any 8-character slice of one, in what the gateway printed, what its clients
    got, or any file under its home (data, config, cache, logs)."""
    texts = {"stdout": process.out, "stderr": process.err, "answers": "\n".join(bodies)}
    files = [p for p in process.home.rglob("*") if p.is_file()]
    assert any(p.name == "gateway.log" for p in files)
    assert any(p.name == "history.db" for p in files)
    for path in files:
        texts[str(path)] = path.read_bytes().decode("latin-1")
    for key in KEYS.values():
        for where, text in texts.items():
            assert key not in text, where
            leaked = [s for s in _slices(key) if s in text]
            assert leaked == [], (where, leaked)


def _ledger_sources(process: GatewayProcess) -> set[tuple[str, str]]:
    db = sqlite3.connect(process.home / "data" / "history.db")
    try:
        return set(db.execute("SELECT source, provider FROM spend_ledger").fetchall())
    finally:
        db.close()


async def test_sigterm_mid_stream_stops_cleanly(upstream: ReplayServer, tmp_path: Path) -> None:
    process = GatewayProcess(tmp_path / "home", upstream.url)
    try:
        upstream.queue(openai_stream_reply([f"w{i} " for i in range(2000)], chunk_delay_s=0.01))
        sdk = openai.AsyncOpenAI(base_url=process.url, api_key=process.token, max_retries=0)
        stream = await sdk.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        async for _ in stream:
            break
        process.process.send_signal(signal.SIGTERM)
        with pytest.raises(openai.APIError):  # closed after the grace, never hung
            async for _ in stream:
                pass
        assert process.stop(None) == 0
    finally:
        process.kill()
    assert "gateway stopped" in process.err and "Traceback" not in process.err
