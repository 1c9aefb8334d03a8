"""Azure OpenAI: the URLs, headers and content filtering, on OpenAI's recorded bytes.

Only one Azure body was recorded (``azure/responses_json_gpt5.json``, v1 Responses). Azure's
Chat Completions speaks OpenAI's bytes, so its streams are tested on the OpenAI chat
recordings served at the Azure paths. The content-filter bodies are constructed from Azure's
documented shapes (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.types import ChatRequest, FinishReason, Message
from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter
from tests.providers.helpers import drain
from tests.providers.test_openai_chat_fixtures import SSE_OK, assert_matches
from tests.providers.test_openai_responses_fixtures import assert_matches as responses_match
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

KEY = "azure-test-key-0123456789abcdef"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-test-token"
VERSION = "2024-10-21"
REQUEST = ChatRequest(model="my-gpt-4o", messages=(Message.user("hello"),))
OPENAI_SSE = [n for n in SSE_OK if n.startswith("openai/")]
AZURE_JSON = "azure/responses_json_gpt5.json"


def _creds(**parts: str) -> Credentials:
    return Credentials("azure", {Part(k): v for k, v in parts.items()})


def _azure(client: httpx.AsyncClient, server: ReplayServer, api: Api) -> AzureOpenAIAdapter:
    return AzureOpenAIAdapter(client, provider="azure", base_url=server.url, api=api)


@pytest.mark.parametrize("version", [None, VERSION], ids=["v1", "api-version"])
@pytest.mark.parametrize("name", OPENAI_SSE)
async def test_chat_streams_at_the_azure_paths(
    name: str, version: str | None, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    creds = _creds(api_key=KEY, **({"api_version": version} if version else {}))
    got = await drain(_azure(client, server, Api.CHAT).stream(REQUEST, creds), REQUEST.model)
    assert got.error is None
    assert_matches(got.builder.build(), expected(name))
    sent = server.last
    if version is None:
        assert (sent.path, sent.query) == ("/openai/v1/chat/completions", {})
        assert sent.json()["model"] == "my-gpt-4o"
    else:
        assert sent.path == "/openai/deployments/my-gpt-4o/chat/completions"
        assert sent.query == {"api-version": VERSION}
    assert sent.headers["api-key"] == KEY
    assert "authorization" not in sent.headers


@pytest.mark.parametrize(
    ("version", "path", "query"),
    [(None, "/openai/v1/responses", {}), (VERSION, "/openai/responses", {"api-version": VERSION})],
    ids=["v1", "api-version"],
)
async def test_the_recorded_azure_responses_body(
    version: str | None,
    path: str,
    query: dict[str, str],
    server: ReplayServer,
    client: httpx.AsyncClient,
) -> None:
    server.queue(fixture_reply(fixture_path(AZURE_JSON)))
    creds = _creds(token=TOKEN, **({"api_version": version} if version else {}))
    completion = await _azure(client, server, Api.RESPONSES).complete(REQUEST, creds)
    responses_match(completion, expected(AZURE_JSON))
    assert (server.last.path, server.last.query) == (path, query)
    assert server.last.headers["authorization"] == f"Bearer {TOKEN}"
    assert "api-key" not in server.last.headers
    assert server.last.json()["store"] is False


async def test_a_token_wins_over_a_key_as_in_the_sdk(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(AZURE_JSON)))
    await _azure(client, server, Api.RESPONSES).complete(REQUEST, _creds(api_key=KEY, token=TOKEN))
    assert server.last.headers["authorization"] == f"Bearer {TOKEN}"
    assert "api-key" not in server.last.headers


@pytest.mark.parametrize("api", list(Api))
async def test_neither_key_nor_token_is_refused_before_anything_is_sent(
    api: Api, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    got = await drain(_azure(client, server, api).stream(REQUEST, _creds()), REQUEST.model)
    assert got.failure.code is ErrorCode.MISSING_KEY
    assert got.failure.hint and "AZURE_OPENAI_API_KEY" in got.failure.hint
    with pytest.raises(OpenMaaSError) as info:
        await _azure(client, server, api).complete(REQUEST, _creds(api_version=VERSION))
    assert info.value.code is ErrorCode.MISSING_KEY
    assert server.requests == []


# --- content filtering: constructed from Azure's documented shapes ---------------------------

_FILTERS = {
    "hate": {"filtered": False, "severity": "safe"},
    "self_harm": {"filtered": False, "severity": "safe"},
    "sexual": {"filtered": False, "severity": "safe"},
    "violence": {"filtered": True, "severity": "high"},
}


def _chunk(**fields: Any) -> bytes:
    return f"data: {json.dumps(fields)}\n\n".encode()


def _filtered_stream() -> Reply:
    """An Azure chat stream: the prompt's filter results first (``choices: []``), one piece
    of text, then ``finish_reason: "content_filter"`` with the completion's results."""
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o"}
    safe = {k: {"filtered": False, "severity": "safe"} for k in _FILTERS}
    body = b"".join(
        [
            _chunk(
                id="",
                object="",
                created=0,
                model="",
                choices=[],
                prompt_filter_results=[{"prompt_index": 0, "content_filter_results": safe}],
            ),
            _chunk(**base, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}}]),
            _chunk(
                **base,
                choices=[
                    {
                        "index": 0,
                        "delta": {"content": "Once upon"},
                        "finish_reason": None,
                        "content_filter_results": safe,
                    }
                ],
            ),
            _chunk(
                **base,
                choices=[
                    {
                        "index": 0,
                        "delta": {},
                        "finish_reason": "content_filter",
                        "content_filter_results": _FILTERS,
                    }
                ],
            ),
            b"data: [DONE]\n\n",
        ]
    )
    return Reply(body=body, content_type="text/event-stream")


async def test_a_filtered_answer_finishes_as_content_filter(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(_filtered_stream())
    creds = _creds(api_key=KEY)
    got = await drain(_azure(client, server, Api.CHAT).stream(REQUEST, creds), REQUEST.model)
    completion = got.builder.build()
    assert got.error is None and completion.text == "Once upon"
    assert completion.finish_reason is FinishReason.CONTENT_FILTER
    assert completion.finish_reason_raw == "content_filter"


_FILTERED_PROMPT = {
    "error": {
        "message": "The response was filtered due to the prompt triggering Azure OpenAI's "
        "content management policy.",
        "type": None,
        "param": "prompt",
        "code": "content_filter",
        "status": 400,
        "innererror": {
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": _FILTERS,
        },
    }
}


@pytest.mark.parametrize("api", list(Api))
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "complete"])
async def test_a_filtered_prompt_is_content_filtered(
    api: Api, stream: bool, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(Reply.json_body(_FILTERED_PROMPT, 400))
    azure = _azure(client, server, api)
    creds = _creds(api_key=KEY)
    if stream:
        error = (await drain(azure.stream(REQUEST, creds), REQUEST.model)).failure
    else:
        with pytest.raises(OpenMaaSError) as info:
            await azure.complete(REQUEST, creds)
        error = info.value
    assert error.code is ErrorCode.CONTENT_FILTERED
    assert error.status == 400 and "content management policy" in error.message


async def test_the_key_never_reaches_a_url_a_body_or_an_error(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    echo = {"error": {"message": f"Access denied: key {KEY} is not valid", "code": "401"}}
    server.queue(Reply.json_body(echo, 401))
    creds = _creds(api_key=KEY, api_version=VERSION)
    got = await drain(_azure(client, server, Api.CHAT).stream(REQUEST, creds), REQUEST.model)
    assert got.failure.code is ErrorCode.AUTH_FAILED
    assert KEY not in str(got.failure) and KEY not in got.failure.message
    assert KEY not in repr(creds)
    sent = server.last
    assert KEY not in sent.path + json.dumps(sent.query) and KEY.encode() not in sent.body


async def test_models_are_listed_at_the_v1_path(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    listing = {"object": "list", "data": [{"id": "gpt-4o", "object": "model"}]}
    server.queue(Reply.json_body(listing))
    models = await _azure(client, server, Api.CHAT).list_models(_creds(api_key=KEY))
    assert [m.id for m in models] == ["gpt-4o"]
    assert server.last.path == "/openai/v1/models"
