"""Mistral answers replayed through the Mistral adapter: the four recorded JSON answers (text,
Magistral thinking, a tool call, the prompt cache) through ``complete()`` and ``stream()``, and
the constructed streams and error bodies (tests/fixtures/README.md, "Constructed Mistral
fixtures"); a stream without ``[DONE]`` is STREAM_INTERRUPTED."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Completion, FinishReason, Message, Usage
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from tests.providers.helpers import drain
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

ALL = fixtures_of("mistral", {"openai_chat_json", "mistral_json", "mistral_sse"})
STREAMS = [n for n in ALL if n.endswith(".sse")]
JSON_OK = [n for n in ALL if n.endswith(".json") and load_meta(fixture_path(n))["status"] < 400]
ERRORS = [n for n in ALL if load_meta(fixture_path(n))["status"] >= 400]
KEY = Credentials.of_key("test-mistral-key")
REQUEST = ChatRequest(model="mistral-small-latest", messages=(Message.user("hello"),))

# Written from Mistral's documented finish reasons, independently of the adapter's table.
_FINISH = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "model_length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALLS,
    "error": FinishReason.ERROR,
}
_CODES = {
    "mistral/error_401_unauthorized.json": ErrorCode.AUTH_FAILED,
    "mistral/error_400_invalid_model.json": ErrorCode.INVALID_MODEL,
    "mistral/error_422_validation.json": ErrorCode.INVALID_REQUEST,
}


def adapter(client: httpx.AsyncClient, server: ReplayServer) -> MistralAdapter:
    return MistralAdapter(client, base_url=server.url + "/v1")


def assert_matches(completion: Completion, want: dict[str, Any]) -> None:
    assert completion.text == want["text"]
    assert completion.reasoning == want["reasoning"]
    assert completion.finish_reason_raw == want["finish_reason"]
    assert completion.finish_reason is _FINISH[want["finish_reason"]]
    usage = want["usage"]
    assert completion.usage == Usage(**usage)
    got = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    assert got == [(c["name"], json.loads(c["arguments"])) for c in want["tool_calls"]]


def test_the_corpus_is_found() -> None:
    assert len(STREAMS) == 3 and len(JSON_OK) == 4 and len(ERRORS) == 3


@pytest.mark.parametrize("chunking", ["events", "5-byte pieces"])
@pytest.mark.parametrize("name", STREAMS)
async def test_stream_fixture(
    name: str, chunking: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    reply = fixture_reply(fixture_path(name))
    if chunking != "events":
        reply.chunks = [reply.body[i : i + 5] for i in range(0, len(reply.body), 5)]
    server.queue(reply)
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.error is None
    assert_matches(drained.builder.build(), expected(name))
    sent = server.last
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer test-mistral-key"
    assert sent.json()["stream"] is True and "stream_options" not in sent.json()


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_fixture(name: str, server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    assert_matches(await adapter(client, server).complete(REQUEST, KEY), expected(name))
    assert "stream" not in server.last.json()
    server.queue(fixture_reply(fixture_path(name)))  # a JSON answer to a stream request
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.error is None
    assert_matches(drained.builder.build(), expected(name))


@pytest.mark.parametrize("name", ERRORS)
async def test_error_fixture(name: str, server: ReplayServer, client: httpx.AsyncClient) -> None:
    status = load_meta(fixture_path(name))["status"]
    for op in ("complete", "stream"):
        server.queue(fixture_reply(fixture_path(name)))
        with pytest.raises(OpenMaaSError) as caught:
            if op == "complete":
                await adapter(client, server).complete(REQUEST, KEY)
            else:
                async for _ in adapter(client, server).stream(REQUEST, KEY):
                    pass
        assert caught.value.code is _CODES[name], op
        assert caught.value.status == status
        assert caught.value.provider == "mistral"


async def test_a_validation_report_reads_as_a_sentence(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path("mistral/error_422_validation.json")))
    with pytest.raises(OpenMaaSError) as caught:
        await adapter(client, server).complete(REQUEST, KEY)
    assert caught.value.message == ("body.temperature: Input should be less than or equal to 1.5")


async def test_a_stream_without_its_end_marker_is_interrupted(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    body = fixture_path("mistral/stream_text.sse").read_bytes()
    cut = body[: body.index(b"data: [DONE]")]
    server.queue(Reply(body=cut, content_type="text/event-stream"))
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert drained.builder.text == expected("mistral/stream_text.sse")["text"]  # kept


async def test_an_error_object_inside_the_stream_keeps_the_text(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    chunk = {"choices": [{"index": 0, "delta": {"content": "Once"}, "finish_reason": None}]}
    error = {"object": "error", "message": "Service unavailable", "type": "service_error"}
    body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in (chunk, error))
    server.queue(Reply(body=body, content_type="text/event-stream"))
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.builder.text == "Once"
    assert drained.failure.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert drained.failure.message == "Service unavailable"


async def test_model_length_is_a_length_finish(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    payload = json.loads(fixture_path("mistral/json_text.json").read_bytes())
    payload["choices"][0]["finish_reason"] = "model_length"
    server.queue(Reply(body=json.dumps(payload).encode()))
    completion = await adapter(client, server).complete(REQUEST, KEY)
    assert (completion.finish_reason, completion.finish_reason_raw) == (
        FinishReason.LENGTH,
        "model_length",
    )


async def test_an_echoed_key_never_shows(server: ReplayServer, client: httpx.AsyncClient) -> None:
    secret = "mistral-secret-abcdefgh12345678"
    body = json.dumps({"message": f"Unauthorized key {secret}"}).encode()
    server.queue(Reply(status=401, body=body))
    with pytest.raises(OpenMaaSError) as caught:
        await adapter(client, server).complete(REQUEST, Credentials.of_key(secret))
    error = caught.value
    assert error.code is ErrorCode.AUTH_FAILED
    for shown in (error.message, str(error), repr(error), str(error.as_dict())):
        assert secret not in shown
    assert secret not in server.last.path and secret not in server.last.body.decode()
