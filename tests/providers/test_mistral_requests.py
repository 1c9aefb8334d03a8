"""What the Mistral adapter sends: the body of ``POST /v1/chat/completions`` per Mistral's API
reference (``random_seed`` for the seed, no ``stream_options``, ``prompt_mode`` for Magistral,
``reasoning_effort`` where the catalog allows it), and the model list of ``GET /v1/models``."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.models.capabilities import applicable
from openmaas_tui.core.models.catalog import Route, model_info
from openmaas_tui.core.types import ChatRequest, Message, ResponseFormat
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

KEY = Credentials.of_key("test-mistral-key")


def test_the_body_uses_mistrals_names() -> None:
    request = ChatRequest(
        model="mistral-small-latest",
        messages=(Message.user("hi"),),
        system="be brief",
        temperature=0.3,
        top_p=0.9,
        max_tokens=64,
        stop=("END",),
        seed=7,
        presence_penalty=0.5,
        frequency_penalty=0.25,
        response_format=ResponseFormat("json_schema", {"type": "object"}, "point"),
    )
    body = MistralAdapter(httpx.AsyncClient()).build_body(request, stream=True)
    assert body == {
        "model": "mistral-small-latest",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hi"},
        ],
        "temperature": 0.3,
        "top_p": 0.9,
        "max_tokens": 64,
        "random_seed": 7,
        "presence_penalty": 0.5,
        "frequency_penalty": 0.25,
        "stop": ["END"],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "point", "schema": {"type": "object"}},
        },
        "stream": True,
    }


def test_magistral_gets_the_reasoning_prompt_mode_and_no_effort() -> None:
    request = ChatRequest(
        model="magistral-medium-latest", messages=(Message.user("2+2?"),), reasoning_effort="high"
    )
    sendable, notes = applicable(request, model_info(Route("mistral", request.model)))
    assert notes == ["reasoning effort is not supported by magistral-medium-latest; not sent"]
    body = MistralAdapter(httpx.AsyncClient()).build_body(sendable, stream=False)
    assert body["prompt_mode"] == "reasoning"
    assert "reasoning_effort" not in body and "stream" not in body


def test_mistral_small_takes_the_high_effort_only() -> None:
    info = model_info(Route("mistral", "mistral-small-latest"))
    high = ChatRequest(model=info.id, messages=(Message.user("x"),), reasoning_effort="high")
    sendable, notes = applicable(high, info)
    assert notes == []
    body = MistralAdapter(httpx.AsyncClient()).build_body(sendable, stream=True)
    assert body["reasoning_effort"] == "high" and "prompt_mode" not in body
    _, notes = applicable(replace(high, reasoning_effort="low"), info)
    assert notes == ["mistral-small-latest takes effort high, not low; not sent"]


async def test_list_models_keeps_chat_models(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    listing = {
        "object": "list",
        "data": [
            {"id": "mistral-small-latest", "capabilities": {"completion_chat": True}},
            {
                "id": "open-new-model",
                "capabilities": {"completion_chat": True, "vision": True},
                "max_context_length": 65536,
            },
            {"id": "mistral-embed", "capabilities": {"completion_chat": False}},
        ],
    }
    server.queue(Reply(body=json.dumps(listing).encode()))
    models = await MistralAdapter(client, base_url=server.url + "/v1").list_models(KEY)
    assert [(m.id, m.context_window, m.vision) for m in models] == [
        ("mistral-small-latest", 262_144, True),
        ("open-new-model", 65536, True),
    ]
    assert server.last.path == "/v1/models"
    assert server.last.headers["authorization"] == "Bearer test-mistral-key"


async def test_a_json_request_reaches_the_server_as_built(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path("mistral/json_text.json")))
    request = ChatRequest(model="mistral-large-latest", messages=(Message.user("hello"),), seed=3)
    await MistralAdapter(client, base_url=server.url + "/v1").complete(request, KEY)
    sent = server.last.json()
    assert sent["random_seed"] == 3 and "seed" not in sent
