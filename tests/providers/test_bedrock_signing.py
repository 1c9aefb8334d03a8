"""Bedrock's SigV4 signature, its credentials and what happens without them.

The signature is checked against botocore's own: for the request the loopback server received
(its method, path, headers and body bytes), botocore recomputes the signature with the same
fixed credentials and clock, which only matches if the adapter signed exactly what it sent.
The clock is frozen the supported way, by patching ``botocore.auth.get_current_datetime`` (the
one function ``SigV4Auth.add_auth`` reads the time from).
"""

from __future__ import annotations

import datetime
import logging
import sys
from pathlib import Path

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter, control_plane_url
from tests.providers.helpers import drain
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply, Request

FROZEN = datetime.datetime(2025, 11, 22, 12, 30, 45)
ACCESS = "AKIDSIGNINGTEST0001"
SECRET = "signing-test-secret-key-do-not-leak"
TOKEN = "signing-test-session-token-do-not-leak"
MODELS = [
    "us.amazon.nova-micro-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x-v1:0",
]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda *a, **k: FROZEN)


def _creds(**parts: str) -> Credentials:
    values = {Part.ACCESS_KEY_ID: ACCESS, Part.SECRET_ACCESS_KEY: SECRET, Part.REGION: "us-east-1"}
    values.update({Part(k): v for k, v in parts.items()})
    return Credentials("bedrock", values)


def _botocore_signature(received: Request, url: str, token: str | None) -> str:
    """botocore's Authorization for the request as it arrived."""
    signed = {k: v for k, v in received.headers.items() if k in _signed_names(received)}
    request = AWSRequest(method=received.method, url=url, data=received.body, headers=signed)
    SigV4Auth(BotoCredentials(ACCESS, SECRET, token), "bedrock", "us-east-1").add_auth(request)
    return str(request.headers["Authorization"])


def _signed_names(received: Request) -> list[str]:
    header = received.headers["authorization"]
    names = header.split("SignedHeaders=")[1].split(",")[0]
    return [n for n in names.split(";") if n not in ("x-amz-date", "x-amz-security-token")]


async def _serve(reply: Reply, model: str, creds: Credentials, *, complete: bool) -> Request:
    server = ReplayServer(reply)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = BedrockAdapter(client, base_url=server.url)
            request = ChatRequest(model=model, messages=(Message.user("Hello, ünïcode"),))
            if complete:
                await adapter.complete(request, creds)
            else:
                drained = await drain(adapter.stream(request, creds), model)
                if drained.error is not None:
                    raise drained.error
        return server.last
    finally:
        await server.stop()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("complete", [False, True], ids=["converse-stream", "converse"])
@pytest.mark.parametrize("token", [None, TOKEN], ids=["long-term", "temporary"])
async def test_the_signature_is_botocores_over_the_bytes_sent(
    model: str, complete: bool, token: str | None
) -> None:
    name = "bedrock/converse_json_text.json" if complete else "bedrock/converse_stream_nova.bin"
    creds = _creds(session_token=token) if token else _creds()
    received = await _serve(fixture_reply(fixture_path(name)), model, creds, complete=complete)
    url = f"http://{received.headers['host']}{received.path}"
    assert received.headers["authorization"] == _botocore_signature(received, url, token)
    assert received.headers["x-amz-date"] == "20251122T123045Z"
    assert received.headers.get("x-amz-security-token") == token
    assert "/us-east-1/bedrock/aws4_request" in received.headers["authorization"]
    assert received.json()["messages"][0]["content"] == [{"text": "Hello, ünïcode"}]


@pytest.mark.parametrize("model", MODELS)
async def test_the_model_id_is_percent_encoded_whole_in_the_path(model: str) -> None:
    reply = fixture_reply(fixture_path("bedrock/converse_json_text.json"))
    received = await _serve(reply, model, _creds(), complete=True)
    encoded = model.replace(":", "%3A").replace("/", "%2F")
    assert received.path == f"/model/{encoded}/converse"


async def test_credentials_appear_nowhere_but_the_signature(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = Reply.json_body({"message": f"bad key {ACCESS} {SECRET} {TOKEN}"}, 403)
    creds = _creds(session_token=TOKEN)
    with pytest.raises(OpenMaaSError) as caught:
        await _serve(reply, MODELS[0], creds, complete=True)
    error = caught.value
    received_url_and_body = []
    server = ReplayServer(fixture_reply(fixture_path("bedrock/converse_json_text.json")))
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            request = ChatRequest(model=MODELS[0], messages=(Message.user("hi"),))
            await BedrockAdapter(client, base_url=server.url).complete(request, creds)
        received = server.last
        received_url_and_body = [received.path, str(received.query), received.body.decode()]
        others = {k: v for k, v in received.headers.items() if k != "x-amz-security-token"}
    finally:
        await server.stop()
    shown = [str(error), repr(error), error.hint or "", repr(creds), caplog.text]
    for secret in (SECRET, TOKEN):
        for text in [*shown, *received_url_and_body, *others.values()]:
            assert secret not in text
    assert ACCESS not in str(error) and ACCESS not in "".join(received_url_and_body)
    assert error.code is ErrorCode.AUTH_FAILED


def _write_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = tmp_path / "aws-credentials"
    credentials.write_text(
        f"[work]\naws_access_key_id = {ACCESS}\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))


async def test_the_aws_chain_signs_when_no_key_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_profile(tmp_path, monkeypatch)
    creds = Credentials("bedrock", {Part.REGION: "us-east-1", Part.PROFILE: "work"})
    reply = fixture_reply(fixture_path("bedrock/converse_json_text.json"))
    received = await _serve(reply, MODELS[0], creds, complete=True)
    url = f"http://{received.headers['host']}{received.path}"
    assert received.headers["authorization"] == _botocore_signature(received, url, TOKEN)
    assert "AWS_ACCESS_KEY_ID" not in __import__("os").environ  # nothing copied into env


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        ({}, "no AWS credentials"),
        ({"profile": "nowhere"}, "no profile 'nowhere'"),
        ({"access_key_id": ACCESS}, "without its secret access key"),
    ],
)
async def test_nothing_to_sign_with_is_missing_key_with_the_exact_hint(
    parts: dict[str, str], words: str
) -> None:
    creds = Credentials(
        "bedrock", {Part.REGION: "us-east-1", **{Part(k): v for k, v in parts.items()}}
    )
    with pytest.raises(OpenMaaSError) as caught:
        await _serve(Reply.json_body({}), MODELS[0], creds, complete=True)
    assert caught.value.code is ErrorCode.MISSING_KEY
    assert words in caught.value.message
    assert caught.value.hint == (
        "set an access key with `openmaas keys set bedrock`, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE, `aws configure`, `aws sso login`)"
    )


async def test_no_region_is_missing_key_naming_it() -> None:
    creds = Credentials("bedrock", {Part.ACCESS_KEY_ID: ACCESS, Part.SECRET_ACCESS_KEY: SECRET})
    with pytest.raises(OpenMaaSError) as caught:
        await _serve(Reply.json_body({}), MODELS[0], creds, complete=True)
    assert caught.value.code is ErrorCode.MISSING_KEY and "region" in caught.value.message


async def test_without_botocore_the_provider_refuses_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [m for m in sys.modules if m == "botocore" or m.startswith("botocore.")]:
        monkeypatch.setitem(sys.modules, name, None)
    async with httpx.AsyncClient() as client:
        adapter = BedrockAdapter(client, base_url="http://127.0.0.1:9")
        request = ChatRequest(model=MODELS[0], messages=(Message.user("hi"),))
        drained = await drain(adapter.stream(request, _creds()), MODELS[0])
    assert drained.failure.code is ErrorCode.INVALID_SETTINGS
    assert drained.failure.hint == "pip install 'openmaas-tui[bedrock]'"


async def test_models_are_listed_from_the_control_plane() -> None:
    listing = {
        "modelSummaries": [
            {
                "modelId": "amazon.nova-micro-v1:0",
                "modelName": "Nova Micro",
                "outputModalities": ["TEXT"],
                "inputModalities": ["TEXT"],
                "inferenceTypesSupported": ["ON_DEMAND"],
            },
            {
                "modelId": "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "modelName": "Claude Sonnet 4.5",
                "outputModalities": ["TEXT"],
                "inferenceTypesSupported": ["INFERENCE_PROFILE"],
            },
            {
                "modelId": "some.new-model-v1:0",
                "modelName": "New",
                "outputModalities": ["TEXT"],
                "inputModalities": ["TEXT", "IMAGE"],
                "inferenceTypesSupported": ["ON_DEMAND"],
            },
        ]
    }
    server = ReplayServer(Reply.json_body(listing))
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            models = await BedrockAdapter(client, base_url=server.url).list_models(_creds())
        received = server.last
    finally:
        await server.stop()
    assert [(m.id, m.provider, m.vision) for m in models] == [
        ("amazon.nova-micro-v1:0", "bedrock", False),
        ("some.new-model-v1:0", "bedrock", True),
    ]
    assert models[0].context_window == 128_000  # the catalog's facts
    assert (received.method, received.path) == ("GET", "/foundation-models")
    assert received.query == {"byOutputModality": "TEXT"}
    url = f"http://{received.headers['host']}{received.path}?byOutputModality=TEXT"
    assert received.headers["authorization"] == _botocore_signature(received, url, None)


def test_the_control_plane_is_the_runtime_hosts_sibling() -> None:
    runtime = "https://bedrock-runtime.eu-west-1.amazonaws.com"
    assert control_plane_url(runtime) == "https://bedrock.eu-west-1.amazonaws.com"
    assert control_plane_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
