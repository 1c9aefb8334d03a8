"""Gemini on Vertex AI: the recorded Vertex stream through VertexAdapter, the two ways it signs
(application default credentials faked at ``google.auth.default``; an express-mode key), the
paths each uses, countTokens' body, google-genai reading the same bytes, and the refusals."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, FinishReason, Message, Usage
from openmaas_tui.providers.vertex import auth
from openmaas_tui.providers.vertex.adapter import EXPRESS_BASE_URL, VertexAdapter
from tests.providers.helpers import Drained, drain
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

NAME = "gemini/sse_vertex_flex.sse"
MODEL = "gemini-3-flash-preview"
REQUEST = ChatRequest(
    model=MODEL, messages=(Message.user("Reply with exactly: OK"),), system="Be brief"
)
ADC = Credentials("vertex", {Part.PROJECT: "my-project", Part.LOCATION: "global"})
EXPRESS = Credentials("vertex", {Part.API_KEY: "express-mode-key-0123456789"})
TOKEN = "ya29.fake-access-token-0123456789"


class FakeCredentials:
    """What ``google.auth.default`` returns: refreshable credentials with a token."""

    quota_project_id: str | None = None

    def __init__(self) -> None:
        self.token: str | None = None
        self.expiry: datetime.datetime | None = None
        self.refreshes = 0

    @property
    def valid(self) -> bool:
        return self.token is not None

    @property
    def expired(self) -> bool:
        return False

    def refresh(self, request: Any) -> None:
        self.refreshes += 1
        self.token = TOKEN


@pytest.fixture(autouse=True)
def fake_adc(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCredentials]:
    fake = FakeCredentials()
    calls: list[list[str]] = []

    def default(scopes: list[str]) -> tuple[FakeCredentials, str]:
        calls.append(scopes)
        return fake, "my-project"

    auth.forget_cached_credentials()
    monkeypatch.setattr("google.auth.default", default)
    yield fake
    auth.forget_cached_credentials()
    assert all(s == ["https://www.googleapis.com/auth/cloud-platform"] for s in calls)


async def _run(reply: Reply, creds: Credentials, *, op: str = "stream") -> tuple[Any, ReplayServer]:
    server = ReplayServer(reply)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = VertexAdapter(client, base_url=server.url)
            if op == "stream":
                result: Any = await drain(adapter.stream(REQUEST, creds), MODEL)
            elif op == "complete":
                result = await adapter.complete(REQUEST, creds)
            elif op == "count":
                result = await adapter.count_tokens(REQUEST, creds)
            else:
                result = await adapter.list_models(creds)
        return result, server
    finally:
        await server.stop()


async def test_the_recorded_vertex_stream_matches_expected(fake_adc: FakeCredentials) -> None:
    drained, server = await _run(fixture_reply(fixture_path(NAME)), ADC)
    assert isinstance(drained, Drained) and drained.error is None
    completion, want = drained.builder.build(), expected(NAME)
    assert completion.text == want["text"] and completion.reasoning == want["reasoning"]
    assert (completion.finish_reason, completion.finish_reason_raw) == (FinishReason.STOP, "STOP")
    reported = want["usage"]
    assert completion.usage == Usage(
        input_tokens=reported["input_tokens"],
        output_tokens=reported["output_tokens"] + reported["reasoning_tokens"],
        reasoning_tokens=reported["reasoning_tokens"],
    )
    received = server.last
    assert received.path == (
        f"/v1/projects/my-project/locations/global/publishers/google/models/{MODEL}"
        ":streamGenerateContent"
    )
    assert received.query == {"alt": "sse"}
    assert received.headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-goog-api-key" not in received.headers
    assert received.json()["systemInstruction"] == {"parts": [{"text": "Be brief"}]}


async def test_the_token_is_cached_until_it_expires(fake_adc: FakeCredentials) -> None:
    for _ in range(2):
        await _run(fixture_reply(fixture_path(NAME)), ADC)
    assert fake_adc.refreshes == 1
    fake_adc.token = None  # expired
    await _run(fixture_reply(fixture_path(NAME)), ADC)
    assert fake_adc.refreshes == 2


async def test_express_mode_sends_the_key_without_project_or_location(
    fake_adc: FakeCredentials,
) -> None:
    drained, server = await _run(fixture_reply(fixture_path(NAME)), EXPRESS)
    assert drained.builder.text == "OK"
    received = server.last
    assert received.path == f"/v1/publishers/google/models/{MODEL}:streamGenerateContent"
    assert received.headers["x-goog-api-key"] == EXPRESS.api_key
    assert "authorization" not in received.headers
    assert fake_adc.refreshes == 0
    assert EXPRESS.api_key not in received.path + str(received.query) + received.body.decode()


def test_express_mode_uses_the_global_endpoint_for_a_google_base_url() -> None:
    adapter = VertexAdapter(
        httpx.AsyncClient(), base_url="https://us-central1-aiplatform.googleapis.com"
    )
    url = adapter._url(EXPRESS, MODEL, "generateContent")
    assert url == f"{EXPRESS_BASE_URL}/v1/publishers/google/models/{MODEL}:generateContent"
    regional = adapter._url(ADC, MODEL, "generateContent")
    assert regional.startswith(
        "https://us-central1-aiplatform.googleapis.com/v1/projects/my-project/"
    )


async def test_generate_content_through_complete() -> None:
    body = fixture_path(NAME).read_bytes().split(b"data: ", 1)[1].strip()
    completion, server = await _run(Reply(body=body), ADC, op="complete")
    assert completion.text == "OK"
    assert server.last.path.endswith(f"/models/{MODEL}:generateContent")


async def test_count_tokens_sends_the_contents_unwrapped() -> None:
    count, server = await _run(Reply.json_body({"totalTokens": 9}), ADC, op="count")
    assert count == 9
    sent = server.last.json()
    assert set(sent) == {"contents", "systemInstruction"}
    assert server.last.path.endswith(f"/models/{MODEL}:countTokens")


async def test_a_stream_without_a_finish_reason_is_interrupted() -> None:
    chunk = b'data: {"candidates": [{"content": {"parts": [{"text": "O"}]}}]}\r\n\r\n'
    drained, _ = await _run(Reply(body=chunk, content_type="text/event-stream"), ADC)
    assert drained.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert drained.builder.text == "O"


async def test_models_are_listed_from_the_model_garden() -> None:
    listing = {
        "publisherModels": [
            {"name": "publishers/google/models/gemini-2.5-flash"},
            {"name": "publishers/google/models/imagen-4"},
            {"name": "publishers/google/models/gemini-new"},
        ]
    }
    models, server = await _run(Reply.json_body(listing), ADC, op="list")
    assert [(m.id, m.provider) for m in models] == [
        ("gemini-2.5-flash", "vertex"),
        ("gemini-new", "vertex"),
    ]
    assert models[0].context_window == 1_048_576
    assert server.last.path == "/v1beta1/publishers/google/models"


async def test_no_project_is_missing_key_with_the_exact_hint() -> None:
    with pytest.raises(OpenMaaSError) as caught:
        await _run(Reply.json_body({}), Credentials("vertex", {}), op="complete")
    assert caught.value.code is ErrorCode.MISSING_KEY
    assert caught.value.hint == (
        "run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS), "
        "or store an express-mode API key with `openmaas keys set vertex`"
    )


async def test_no_application_default_credentials_is_missing_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from google.auth.exceptions import DefaultCredentialsError

    def nothing(scopes: list[str]) -> None:
        raise DefaultCredentialsError("Your default credentials were not found.")  # type: ignore[no-untyped-call]

    monkeypatch.setattr("google.auth.default", nothing)
    drained, server = await _run(Reply.json_body({}), ADC)
    assert drained.failure.code is ErrorCode.MISSING_KEY
    assert "not found" in drained.failure.message
    assert server.requests == []  # refused before anything was sent


async def test_without_google_auth_the_provider_refuses_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [m for m in sys.modules if m == "google.auth" or m.startswith("google.auth.")]:
        monkeypatch.setitem(sys.modules, name, None)
    drained, _ = await _run(Reply.json_body({}), ADC)
    assert drained.failure.code is ErrorCode.INVALID_SETTINGS
    assert drained.failure.hint == "pip install 'openmaas-tui[vertex]'"


async def test_a_token_never_shows_in_an_error() -> None:
    reply = Reply.json_body({"error": {"code": 401, "message": f"bad token Bearer {TOKEN}"}}, 401)
    drained, _ = await _run(reply, ADC)
    error = drained.failure
    assert error.code is ErrorCode.AUTH_FAILED
    assert TOKEN not in str(error) + repr(error) + (error.hint or "")


def test_google_genai_reads_the_same_vertex_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """google-genai (``vertexai=True``, its base URL at the loopback server, credentials faked)
    assembles the same text, finish reason and usage from the recorded bytes."""
    import asyncio

    from google import genai
    from google.genai import types

    server = ReplayServer(fixture_reply(fixture_path(NAME)))
    server.start_in_thread()
    try:
        client = genai.Client(
            vertexai=True,
            project="my-project",
            location="global",
            credentials=FakeCredentials(),  # type: ignore[arg-type]
            http_options=types.HttpOptions(base_url=server.url, api_version="v1"),
        )
        text, finish, usage = "", None, None
        for chunk in client.models.generate_content_stream(model=MODEL, contents="Reply"):
            text += chunk.text or ""
            if chunk.candidates and chunk.candidates[0].finish_reason:
                finish = chunk.candidates[0].finish_reason
            usage = chunk.usage_metadata or usage
        sdk_path = server.last.path

        async def ours() -> Drained:
            async with httpx.AsyncClient() as http:
                adapter = VertexAdapter(http, base_url=server.url)
                return await drain(adapter.stream(REQUEST, ADC), MODEL)

        drained = asyncio.run(ours())
    finally:
        server.stop_thread()
    completion = drained.builder.build()
    assert completion.text == text == "OK"
    assert finish is not None and completion.finish_reason_raw == finish.value
    assert usage is not None
    assert completion.usage.input_tokens == usage.prompt_token_count
    assert completion.usage.output_tokens == (usage.candidates_token_count or 0) + (
        usage.thoughts_token_count or 0
    )
    assert sdk_path == server.last.path  # the same resource path
