"""The AWS Bedrock adapter: Converse and ConverseStream, signed with SigV4.

``POST {base}/model/{modelId}/converse-stream`` answers with an AWS event stream
(:mod:`.eventstream`, events in :mod:`.stream`); ``/converse`` with one JSON body
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). The base is
``https://bedrock-runtime.{region}.amazonaws.com`` (the registry fills the region in). Model
discovery asks the control plane, ``GET https://bedrock.{region}.amazonaws.com/foundation-models``
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html).
Credentials and signing are in :mod:`.signing`; errors in :mod:`.errors`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import (
    MALFORMED,
    is_json_response,
    load_json,
    open_stream,
    parsing_failed,
    send_request,
    stream_cut,
    text_or_none,
)
from openmaas_tui.providers.bedrock.errors import error_from_event, error_from_http
from openmaas_tui.providers.bedrock.eventstream import iter_frames
from openmaas_tui.providers.bedrock.signing import resolve_keys, signed_headers
from openmaas_tui.providers.bedrock.stream import ConverseStreamState
from openmaas_tui.providers.bedrock.wire import model_path, parse_converse, request_body

DEFAULT_BASE_URL = SPECS["bedrock"].base_url
"""The runtime endpoint, ``{region}`` still to fill: the bedrock spec's."""

_EVENT_STREAM = "application/vnd.amazon.eventstream"


def control_plane_url(base_url: str) -> str:
    """Where models are listed: ``https://bedrock.{region}.amazonaws.com`` for the runtime
    endpoint of that region, else ``base_url`` itself (a proxy or a replay server)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host.startswith("bedrock-runtime.") and host.endswith(".amazonaws.com"):
        return base_url.replace("bedrock-runtime.", "bedrock.", 1)
    return base_url


class BedrockAdapter:
    """Speaks Bedrock's Converse API over the shared ``httpx.AsyncClient``.

    Each request body is serialised once and those bytes are both signed and sent. The keys
    travel only in the signature (``Authorization``) and, for temporary keys, the
    ``X-Amz-Security-Token`` header.

    Args:
        client: the shared HTTP client.
        provider: the provider name used in errors and model entries.
        base_url: the runtime endpoint (region filled in), without a path.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "bedrock",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._client = client
        self.provider = provider
        self.base_url = base_url.rstrip("/")

    def _region(self, creds: Credentials) -> str:
        region = creds.get(Part.REGION)
        if not region:
            raise OpenMaaSError(
                ErrorCode.MISSING_KEY,
                f"no AWS region for {self.provider}",
                provider=self.provider,
                hint="set AWS_REGION, or region in [providers.bedrock] of config.toml, or "
                f"`openmaas keys set {self.provider}`",
            )
        return region

    async def _headers(
        self, creds: Credentials, method: str, url: str, body: bytes, accept: str
    ) -> dict[str, str]:
        region = self._region(creds)
        keys = await resolve_keys(creds, self.provider)
        plain = {"accept": accept}
        if body:
            plain["content-type"] = "application/json"
        return signed_headers(keys, region, method, url, body, plain)

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer from ConverseStream.

        Yields:
            TextDelta, ReasoningDelta (``reasoningContent`` ``text``, ``signature``,
            ``redactedContent``), ToolCallDelta (client ``toolUse`` blocks), Finish (at
            ``messageStop``) and UsageReport (``metadata``).

        Raises:
            OpenMaaSError: MISSING_KEY (no region, nothing that can sign), INVALID_SETTINGS
                (botocore missing), HTTP and transport failures, an exception event (mapped by
                its type, after everything before it was yielded), STREAM_PARSING_FAILED for a
                corrupt frame or event, STREAM_INTERRUPTED when the stream ends before
                ``messageStop`` or inside a frame.
        """
        url = self.base_url + model_path(request.model, "converse-stream")
        body = json.dumps(request_body(request)).encode()
        headers = await self._headers(creds, "POST", url, body, _EVENT_STREAM)
        state = ConverseStreamState()
        async with open_stream(
            self._client, self.provider, url, content=body, headers=headers, errors=error_from_http
        ) as response:
            if is_json_response(response):  # a proxy that answered Converse-style
                completion = self._completion(await response.aread(), request.model)
                for event in completion.events():
                    yield event
                return
            received = False
            async for frame in iter_frames(response, self.provider):
                received = True
                if frame.message_type != "event":
                    raise error_from_event(self.provider, frame.kind, frame.payload)
                data = load_json(self.provider, frame.payload)
                try:
                    events = state.feed(frame.kind, data)
                except MALFORMED:
                    raise parsing_failed(self.provider, repr(data)) from None
                for event in events:
                    yield event
            if not state.stopped:
                raise stream_cut(self.provider, "messageStop", received=received)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer from Converse.

        Raises:
            OpenMaaSError: as :meth:`stream` before the answer; STREAM_PARSING_FAILED for a body
                that is not a Converse answer.
        """
        url = self.base_url + model_path(request.model, "converse")
        body = json.dumps(request_body(request)).encode()
        headers = await self._headers(creds, "POST", url, body, "application/json")
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            url,
            headers=headers,
            content=body,
            errors=error_from_http,
        )
        return self._completion(response.content, request.model)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The text models the account can call on demand (``ListFoundationModels`` with
        ``byOutputModality=TEXT``, keeping models whose ``inferenceTypesSupported`` has
        ``ON_DEMAND``; models reachable only through an inference profile are left out).

        Raises:
            OpenMaaSError: MISSING_KEY, AUTH_FAILED for keys Bedrock refuses, other HTTP and
                transport failures, STREAM_PARSING_FAILED for an unreadable listing.
        """
        url = f"{control_plane_url(self.base_url)}/foundation-models?byOutputModality=TEXT"
        headers = await self._headers(creds, "GET", url, b"", "application/json")
        response = await send_request(
            self._client, self.provider, "GET", url, headers=headers, errors=error_from_http
        )
        payload = load_json(self.provider, response.content)
        try:
            entries = payload["modelSummaries"]
            return [self._model_info(entry) for entry in entries if _usable(entry)]
        except MALFORMED:
            raise parsing_failed(self.provider, "the model list") from None

    def _model_info(self, entry: dict[str, Any]) -> ModelInfo:
        model_id = text_or_none(entry["modelId"])
        if not model_id:
            raise TypeError(f"model id {model_id!r}")
        label = text_or_none(entry.get("modelName")) or ""
        known = find_model("bedrock", model_id)
        if known is not None and known.id == model_id:
            return replace(known, provider=self.provider)
        vision = "IMAGE" in (entry.get("inputModalities") or ())
        return ModelInfo(model_id, self.provider, vision=vision, label=label)

    def _completion(self, raw: bytes, model: str) -> Completion:
        payload = load_json(self.provider, raw)
        try:
            return parse_converse(payload, model)
        except MALFORMED:
            raise parsing_failed(self.provider, raw.decode("utf-8", errors="replace")) from None


def _usable(entry: dict[str, Any]) -> bool:
    """Whether a model summary can be called by its id: it outputs text, streams or not, and
    takes on-demand requests."""
    kinds = entry.get("inferenceTypesSupported") or ()
    return "ON_DEMAND" in kinds and "TEXT" in (entry.get("outputModalities") or ("TEXT",))


__all__ = ["BedrockAdapter", "control_plane_url"]
