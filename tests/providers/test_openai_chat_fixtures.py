"""Every recorded OpenAI-compatible response replayed through the OpenAI Chat adapter: streams
through ``stream()``, JSON bodies through ``complete()`` (and through ``stream()``, as servers
that ignore ``stream: true`` answer), error bodies as OpenMaaSError codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.credentials.redact import redact
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    CompletionBuilder,
    FinishReason,
    Message,
    Usage,
)
from openmaas_tui.providers.http_errors import classify, error_message
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.providers.helpers import drain
from tests.support.recordings import OPENAI_COMPATIBLE, expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta, split_events
from tests.support.server import Reply

PROVIDERS = OPENAI_COMPATIBLE
SSE = [n for p in PROVIDERS for n in fixtures_of(p, {"openai_chat_sse"})]
JSON_ALL = [n for p in PROVIDERS for n in fixtures_of(p, {"openai_chat_json"})]
JSON_OK = [n for n in JSON_ALL if load_meta(fixture_path(n))["status"] < 400]
JSON_ERRORS = [n for n in JSON_ALL if load_meta(fixture_path(n))["status"] >= 400]
SSE_OK = [n for n in SSE if not expected(n)["errors"]]
# OpenRouter's in-stream error recording, named by tests/fixtures/README.md; when the corpus
# lacks it (and every other in-stream error stream), the tests over these streams are skipped
# under its name. test_openrouter_error_inside_a_200_stream covers the case with a stream built
# from OpenRouter's documented shape.
MIDSTREAM_RECORDING = "openrouter/stream_midstream_error.sse"
SSE_IN_STREAM_ERROR: list[Any] = [n for n in SSE if expected(n)["errors"]] or [
    pytest.param(
        MIDSTREAM_RECORDING,
        marks=pytest.mark.skip(
            reason=f"no {MIDSTREAM_RECORDING} in the corpus (OpenRouter's mid-stream error "
            "recording); a constructed stream covers the case"
        ),
    )
]

# Written independently of the adapter's own table: OpenAI's documented finish reasons.
_FINISH = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALLS,
    "content_filter": FinishReason.CONTENT_FILTER,
}
_CODE_BY_STATUS = {
    400: ErrorCode.INVALID_REQUEST,
    401: ErrorCode.AUTH_FAILED,
    404: ErrorCode.INVALID_MODEL,
    429: ErrorCode.RATE_LIMITED,
}
_CODE_BY_FIXTURE = {"openai/error_400_context_length.json": ErrorCode.CONTEXT_TOO_LONG}
REQUEST = ChatRequest(model="test-model", messages=(Message.user("hello"),))


def adapter_for(name: str, client: httpx.AsyncClient, server: ReplayServer) -> OpenAIChatAdapter:
    provider = name.split("/", 1)[0]
    return OpenAIChatAdapter(client, provider=provider, base_url=server.url + "/v1")


def our_usage(reported: dict[str, Any] | None) -> Usage:
    """The corpus's usage (as the provider reported it) in our convention. OpenAI-style
    ``prompt_tokens`` already include cached tokens and ``completion_tokens`` already include
    reasoning tokens, so the counts carry over one to one."""
    if reported is None:
        return Usage()
    return Usage(
        input_tokens=reported["input_tokens"],
        output_tokens=reported["output_tokens"],
        cached_input_tokens=reported["cached_input_tokens"],
        reasoning_tokens=reported["reasoning_tokens"],
    )


def _args(arguments: str) -> Any:
    return json.loads(arguments) if arguments else arguments


def assert_matches(completion: Completion, want: dict[str, Any]) -> None:
    assert completion.text == want["text"]
    assert completion.reasoning == want["reasoning"]
    assert completion.finish_reason_raw == want["finish_reason"]
    raw = want["finish_reason"]
    assert completion.finish_reason == (_FINISH.get(raw, FinishReason.STOP) if raw else None)
    assert completion.usage == our_usage(want["usage"])
    got_calls = [(c.name, _args(c.arguments)) for c in completion.tool_calls]
    assert got_calls == [(c["name"], _args(c["arguments"])) for c in want["tool_calls"]]


def test_the_corpus_is_found() -> None:
    assert len(SSE_OK) >= 8
    assert len(JSON_OK) >= 11  # Mistral's four are read by its own adapter
    assert len(JSON_ERRORS) >= 8


@pytest.mark.parametrize("chunking", ["events", "7-byte pieces"])
@pytest.mark.parametrize("name", SSE_OK)
async def test_stream_fixture(
    name: str, chunking: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    reply = fixture_reply(fixture_path(name))
    if chunking != "events":
        reply.chunks = [reply.body[i : i + 7] for i in range(0, len(reply.body), 7)]
    server.queue(reply)
    builder = CompletionBuilder("test-model")
    async for event in adapter_for(name, client, server).stream(
        REQUEST, Credentials.of_key("sk-test-key")
    ):
        builder.add(event)
    assert_matches(builder.build(), expected(name))
    assert server.last.path == "/v1/chat/completions"


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_fixture_complete(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    completion = await adapter_for(name, client, server).complete(
        REQUEST, Credentials.of_key("sk-test-key")
    )
    assert_matches(completion, expected(name))
    assert completion.model == "test-model"
    assert "stream" not in server.last.json()


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_body_answering_a_stream_request(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    builder = CompletionBuilder("test-model")
    async for event in adapter_for(name, client, server).stream(
        REQUEST, Credentials.of_key("sk-test-key")
    ):
        builder.add(event)
    assert_matches(builder.build(), expected(name))
    assert server.last.json()["stream"] is True


def expected_error_code(name: str) -> ErrorCode:
    return _CODE_BY_FIXTURE.get(name) or _CODE_BY_STATUS[load_meta(fixture_path(name))["status"]]


@pytest.mark.parametrize("name", JSON_ERRORS)
async def test_error_fixture_complete(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    meta = load_meta(fixture_path(name))
    server.queue(fixture_reply(fixture_path(name)))
    with pytest.raises(OpenMaaSError) as caught:
        await adapter_for(name, client, server).complete(REQUEST, Credentials.of_key("sk-test-key"))
    error = caught.value
    assert error.code is expected_error_code(name)
    assert error.status == meta["status"]
    assert error.provider == name.split("/", 1)[0]
    message, _ = error_message(expected(name)["errors"][0])
    assert error.message == redact(message or "")
    retry = meta["response_headers"].get("retry-after")
    if error.code is ErrorCode.RATE_LIMITED:
        assert error.retry_after == (float(retry) if retry else None)
    else:
        assert error.retry_after is None


@pytest.mark.parametrize("name", JSON_ERRORS)
async def test_error_fixture_stream(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    events = []
    with pytest.raises(OpenMaaSError) as caught:
        async for event in adapter_for(name, client, server).stream(
            REQUEST, Credentials.of_key("sk-test-key")
        ):
            events.append(event)
    assert events == []
    assert caught.value.code is expected_error_code(name)


async def test_constructed_error_mappings(server: ReplayServer, client: httpx.AsyncClient) -> None:
    adapter = OpenAIChatAdapter(client, base_url=server.url + "/v1")
    codes = []
    for name in ("error_401_invalid_key", "error_429_rate_limit", "error_400_context_length"):
        server.queue(fixture_reply(fixture_path(f"openai/{name}.json")))
        with pytest.raises(OpenMaaSError) as caught:
            await adapter.complete(REQUEST, Credentials.of_key("sk-test-key"))
        codes.append((caught.value.code, caught.value.retry_after))
    assert codes == [
        (ErrorCode.AUTH_FAILED, None),
        (ErrorCode.RATE_LIMITED, 20.0),
        (ErrorCode.CONTEXT_TOO_LONG, None),
    ]


async def test_an_echoed_key_never_shows(server: ReplayServer, client: httpx.AsyncClient) -> None:
    secret = "sk-test-abcdefgh12345678"
    assert secret in fixture_path("openai/error_401_invalid_key.json").read_text()
    server.queue(fixture_reply(fixture_path("openai/error_401_invalid_key.json")))
    with pytest.raises(OpenMaaSError) as caught:
        await OpenAIChatAdapter(client, base_url=server.url + "/v1").complete(
            REQUEST, Credentials.of_key(secret)
        )
    error = caught.value
    assert error.code is ErrorCode.AUTH_FAILED
    assert "Incorrect API key provided" in error.message
    for shown in (error.message, str(error), repr(error), error.hint or "", str(error.as_dict())):
        assert secret not in shown
        assert "abcdefgh1234" not in shown


async def _collect_until_error(
    adapter: OpenAIChatAdapter,
) -> tuple[CompletionBuilder, OpenMaaSError]:
    drained = await drain(adapter.stream(REQUEST, Credentials.of_key("sk-test-key")), "test-model")
    return drained.builder, drained.failure


@pytest.mark.parametrize("name", SSE_IN_STREAM_ERROR)
async def test_in_stream_error_fixture(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    builder, error = await _collect_until_error(adapter_for(name, client, server))
    want = expected(name)
    payload = want["errors"][0]
    message, kind = error_message(payload)
    inner = payload.get("error", {})
    status = inner.get("code") if isinstance(inner.get("code"), int) else None
    assert error.code is classify(status, message or "", kind)
    assert builder.text == want["text"]
    assert builder.text  # the partial answer is kept


def openrouter_midstream_error() -> Reply:
    """An OpenRouter stream that fails after some text, in the shape OpenRouter documents
    (https://openrouter.ai/docs/api-reference/streaming#error-handling-during-streaming): the
    last chunk carries a top-level ``error`` next to ``choices`` with finish_reason ``error``."""
    head = {"id": "gen-1", "object": "chat.completion.chunk", "model": "m", "provider": "X"}
    chunks = [
        {**head, "choices": [{"index": 0, "delta": {"content": "Once upon"}}]},
        {**head, "choices": [{"index": 0, "delta": {"content": " a time"}}]},
        {
            **head,
            "error": {"code": 502, "message": "Provider disconnected unexpectedly"},
            "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
        },
    ]
    body = b": OPENROUTER PROCESSING\n\n" + b"".join(
        b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks
    )
    return Reply(body=body, content_type="text/event-stream", chunks=split_events(body))


async def test_openrouter_error_inside_a_200_stream(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(openrouter_midstream_error())
    adapter = OpenAIChatAdapter(client, provider="openrouter", base_url=server.url + "/v1")
    builder, error = await _collect_until_error(adapter)
    assert builder.text == "Once upon a time"
    assert builder.finish is not None and builder.finish.reason is FinishReason.ERROR
    assert error.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert error.provider == "openrouter"
    assert "Provider disconnected" in error.message


def test_every_fixture_has_its_body() -> None:
    for name in SSE + JSON_ALL:
        assert Path(fixture_path(name)).is_file()
