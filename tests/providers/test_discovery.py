"""Model discovery: Ollama and the custom endpoints asked at once, each failure kept apart."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.providers.discovery import discover_models
from openmaas_tui.services import open_services
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

TAGS = fixture_path("ollama/tags.json")
OLLAMA_NAMES = [m["name"] for m in json.loads(TAGS.read_text(encoding="utf-8"))["models"]]

# GET /v1/models as the API reference shows it
# (https://platform.openai.com/docs/api-reference/models/list); LM Studio, vLLM and llama.cpp
# answer in this shape. Constructed: the corpus holds no recorded model listing.
ENDPOINT_MODELS = {
    "object": "list",
    "data": [
        {"id": "qwen2.5-7b-instruct", "object": "model", "created": 1726000000, "owned_by": "me"},
        {"id": "gpt-4o-2024-08-06", "object": "model", "created": 1722814719, "owned_by": "me"},
    ],
}
KEY = "sk-test-discovery-0000"


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _write_config(home: Path, endpoints: dict[str, str], key_env: str | None = None) -> None:
    lines = []
    for name, url in endpoints.items():
        lines += [f"[endpoints.{name}]", f'base_url = "{url}"']
        if key_env:
            lines.append(f'api_key_env = "{key_env}"')
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
async def ollama(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ReplayServer]:
    """A replayed Ollama answering ``/api/tags``, reached through ``OLLAMA_HOST``."""
    server = ReplayServer(fixture_reply(TAGS, chunked=False))
    await server.start()
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    yield server
    await server.stop()


@pytest.fixture
async def endpoint() -> AsyncIterator[ReplayServer]:
    """An OpenAI-compatible endpoint answering ``/v1/models``."""
    server = ReplayServer(Reply.json_body(ENDPOINT_MODELS))
    await server.start()
    yield server
    await server.stop()


async def test_ollama_and_an_endpoint_are_both_listed(
    ollama: ReplayServer,
    endpoint: ReplayServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LABBOX_KEY", KEY)
    _write_config(isolated_home, {"labbox": endpoint.url + "/v1"}, key_env="LABBOX_KEY")
    services = open_services(use_keyring=False)
    try:
        models, errors = await discover_models(services.providers)
    finally:
        await services.aclose()
    assert errors == []
    assert [m.ref for m in models] == [
        *(f"ollama/{name}" for name in OLLAMA_NAMES),
        "labbox/qwen2.5-7b-instruct",
        "labbox/gpt-4o-2024-08-06",
    ]
    assert ollama.last.path == "/api/tags"
    assert endpoint.last.path == "/v1/models"
    assert endpoint.last.headers["authorization"] == f"Bearer {KEY}"
    assert "authorization" not in ollama.last.headers


async def test_a_source_that_is_down_is_an_error_and_the_others_still_answer(
    ollama: ReplayServer, endpoint: ReplayServer, isolated_home: Path
) -> None:
    down = f"http://127.0.0.1:{_closed_port()}/v1"
    _write_config(isolated_home, {"down": down, "labbox": endpoint.url + "/v1"})
    services = open_services(use_keyring=False)
    try:
        models, errors = await discover_models(services.providers)
    finally:
        await services.aclose()
    assert [(e.provider, e.code) for e in errors] == [("down", ErrorCode.STREAM_CONNECTION_FAILED)]
    refs = [m.ref for m in models]
    assert refs[: len(OLLAMA_NAMES)] == [f"ollama/{name}" for name in OLLAMA_NAMES]
    assert refs[len(OLLAMA_NAMES) :] == [
        "labbox/qwen2.5-7b-instruct",
        "labbox/gpt-4o-2024-08-06",
    ]


async def test_no_ollama_and_no_endpoints_is_one_error_and_no_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{_closed_port()}")
    services = open_services(use_keyring=False)
    try:
        models, errors = await discover_models(services.providers)
    finally:
        await services.aclose()
    assert models == []
    assert [(e.provider, e.code) for e in errors] == [
        ("ollama", ErrorCode.STREAM_CONNECTION_FAILED)
    ]


async def test_a_source_too_slow_is_given_up_on(ollama: ReplayServer, isolated_home: Path) -> None:
    slow = ReplayServer(Reply.json_body(ENDPOINT_MODELS))
    slow.queue(Reply(body=json.dumps(ENDPOINT_MODELS).encode(), first_byte_delay_s=5.0))
    await slow.start()
    _write_config(isolated_home, {"slow": slow.url + "/v1"})
    services = open_services(use_keyring=False)
    try:
        models, errors = await discover_models(services.providers, timeout_s=1.0)
    finally:
        await services.aclose()
        await slow.stop()
    assert [(e.provider, e.code) for e in errors] == [("slow", ErrorCode.STREAM_TIMEOUT)]
    assert [m.ref for m in models] == [f"ollama/{name}" for name in OLLAMA_NAMES]


async def test_a_bad_answer_is_a_parsing_error_of_that_source(
    ollama: ReplayServer, endpoint: ReplayServer, isolated_home: Path
) -> None:
    endpoint.queue(Reply(body=b"<html>not json</html>", content_type="text/html"))
    _write_config(isolated_home, {"labbox": endpoint.url + "/v1"})
    services = open_services(use_keyring=False)
    try:
        models, errors = await discover_models(services.providers)
    finally:
        await services.aclose()
    assert [(e.provider, e.code) for e in errors] == [("labbox", ErrorCode.STREAM_PARSING_FAILED)]
    assert len(models) == len(OLLAMA_NAMES)
