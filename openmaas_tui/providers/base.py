"""The adapter contract and the plumbing every adapter shares: one request or one stream with
errors mapped, reading JSON bodies and SSE events, and moving between events and completions."""

from __future__ import annotations

import functools
import json as jsonlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx
import orjson
from httpx_sse import EventSource, ServerSentEvent

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.credentials.redact import register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.passthrough import ByteSink
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    CompletionBuilder,
    StreamEvent,
)
from openmaas_tui.providers.html_page import MAX_PAGE_BYTES, is_html, page_summary
from openmaas_tui.providers.http_errors import error_from_response, map_transport_error
from openmaas_tui.providers.request_body import json_request
from openmaas_tui.providers.sse_tap import iter_sse_tapped

ErrorMapper = Callable[[str, int, Mapping[str, str], bytes], OpenMaaSError]
"""Builds the error for an HTTP response with status >= 400 from (provider, status, headers,
body): :func:`~.http_errors.error_from_response` unless a protocol reads its errors its own way
(Bedrock's ``x-amzn-errortype``)."""


class Adapter(Protocol):
    """What every provider adapter offers (../shared/DESIGN.md, "Adapter contract").

    ``stream`` yields events as they arrive and raises :class:`OpenMaaSError` on failure, after
    yielding everything that arrived before it (so a caller keeps the partial answer). Each
    method takes the provider's :class:`Credentials` in force (an API key for most; see
    :mod:`openmaas_tui.core.credentials.credentials`), which travel only in the request's
    headers or signature.
    """

    provider: str

    def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request``. Raises OpenMaaSError (any transport code)."""
        ...

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """Ask for the whole answer at once (no streaming). Raises OpenMaaSError."""
        ...

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The models the endpoint offers. Raises OpenMaaSError (AUTH_FAILED for a bad key)."""
        ...


class TokenCounter(Protocol):
    """A provider's own count of a request's input tokens before it is sent (specs with
    :attr:`~openmaas_tui.core.models.provider_specs.TokenCounting.PROVIDER`)."""

    async def count_tokens(self, request: ChatRequest, creds: Credentials) -> int:
        """The provider's estimate of ``request``'s input tokens. Raises OpenMaaSError."""
        ...


class CountingAdapter(Adapter, TokenCounter, Protocol):
    """An adapter whose protocol has a token-counting endpoint (Anthropic, Gemini)."""


def bearer_headers(creds: Credentials) -> dict[str, str]:
    """The headers of a request to a server that takes ``Authorization: Bearer KEY`` (OpenAI
    and every compatible server, Mistral, Cohere): ``accept`` for JSON and event streams, and
    the key, registered for masking, only when there is one."""
    headers = {"accept": "application/json, text/event-stream"}
    key = creds.api_key
    if key:
        register_secret(key)
        headers["authorization"] = f"Bearer {key}"
    return headers


def missing_key(provider: str) -> OpenMaaSError:
    """The MISSING_KEY error for ``provider``, with the fix-it hint."""
    return OpenMaaSError(
        ErrorCode.MISSING_KEY,
        f"no API key for {provider}",
        provider=provider,
        hint=f"add one with `openmaas keys set {provider}` (or f2 in the app), "
        "or set its environment variable",
    )


@functools.lru_cache(maxsize=512)
def parsed_url(url: str) -> httpx.URL:
    """``url`` parsed, each URL once per process: an adapter asks the same few endpoints again
    and again, and httpx parses a URL given as text on every request (about 40 microseconds,
    on the way to the provider's first byte). ``httpx.URL`` is immutable, so one may be shared.

    Raises:
        httpx.InvalidURL: as httpx raises for a malformed URL (never cached).
    """
    return httpx.URL(url)


@asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    *,
    json: Mapping[str, Any] | None = None,
    content: bytes | None = None,
    headers: Mapping[str, str],
    params: Mapping[str, str] | None = None,
    method: str = "POST",
    errors: ErrorMapper = error_from_response,
) -> AsyncIterator[httpx.Response]:
    """Send a request and yield the streaming response once its status is known to be OK.

    The body is ``json`` written as compact UTF-8 JSON (:func:`~.request_body.json_bytes`), or
    ``content`` sent byte for byte (a signed
    request must send exactly the bytes it signed: Bedrock's SigV4).

    Errors raised while the body is being read inside the ``async with`` are mapped too:
    a dropped connection becomes STREAM_INTERRUPTED, silence STREAM_TIMEOUT.

    Raises:
        OpenMaaSError: from the status and error body (AUTH_FAILED, RATE_LIMITED, …) or from
            the transport (STREAM_CONNECTION_FAILED, STREAM_TIMEOUT, STREAM_INTERRUPTED);
            STREAM_CONNECTION_FAILED for a 200 web page (:func:`web_page_error`).
    """
    started = False
    body, sent_headers = json_request(json, content, headers)
    try:
        async with client.stream(
            method, parsed_url(url), content=body, headers=sent_headers, params=params
        ) as response:
            if response.status_code >= 400:
                body = await _error_body(response)
                raise errors(provider, response.status_code, response.headers, body)
            if is_html(response.headers):
                raise web_page_error(provider, response.status_code, await _page_start(response))
            started = True
            yield response
    except httpx.HTTPError as exc:
        raise map_transport_error(provider, exc, mid_stream=started) from None


async def _page_start(response: httpx.Response) -> bytes:
    """The first bytes of a web page (enough for its title), without reading it all."""
    head = b""
    async for piece in response.aiter_bytes():
        head += piece
        if len(head) >= MAX_PAGE_BYTES:
            break
    return head


def web_page_error(provider: str, status: int, body: bytes) -> OpenMaaSError:
    """STREAM_CONNECTION_FAILED for a web page answered where a stream was expected (HTTP 200
    ``text/html``): a captive portal, a proxy's page, or a base URL that names a website. The
    provider's API was never reached, so it is a connection failure, summarised by the page's
    title (:func:`~.html_page.page_summary`), never printed raw."""
    return OpenMaaSError(
        ErrorCode.STREAM_CONNECTION_FAILED,
        f"{provider}'s address answered with {page_summary(status, body)}, not an API answer",
        status=status,
        provider=provider,
        hint="a captive portal (sign in to the network), a proxy, or a base URL that points "
        "at a website answered instead; check the network and the base URL",
    )


def stream_cut(provider: str, end: str, *, received: bool) -> OpenMaaSError:
    """STREAM_INTERRUPTED for a stream that closed before its protocol's end: a dropped or cut
    connection, a truncated last event, or a 200 with no event at all (an empty body or SSE
    comments only). What arrived is kept by the caller.

    Args:
        provider: the provider named in the message.
        end: what the protocol ends with (``data: [DONE]``, ``message_stop``, …).
        received: whether any event arrived before the end.
    """
    if received:
        return OpenMaaSError(
            ErrorCode.STREAM_INTERRUPTED,
            f"the {provider} stream ended before {end}: the answer is cut short",
            provider=provider,
        )
    return OpenMaaSError(
        ErrorCode.STREAM_INTERRUPTED,
        f"{provider} answered 200 but the stream ended before any event (no {end})",
        provider=provider,
        hint="the server closed the stream without an answer; try again, and check the base "
        "URL if it keeps happening",
    )


async def iter_sse(
    response: httpx.Response, sink: ByteSink | None = None
) -> AsyncIterator[ServerSentEvent]:
    """The server-sent events of ``response`` (httpx-sse's framing: LF, CR and CRLF line ends,
    comment lines skipped, multi-line ``data`` joined). The content type is not enforced, and
    the body is read as UTF-8 whatever charset it names: event streams are always UTF-8
    (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream),
    and a named ``utf-16`` would make the decoder raise UnicodeError on odd bytes. With a
    ``sink``, each piece of the body goes to it first, as bytes (:mod:`.sse_tap`)."""
    if sink is not None:
        async for event in iter_sse_tapped(response, sink):
            yield event
        return
    response.encoding = "utf-8"
    source = EventSource(response)
    source._check_content_type = lambda: None  # type: ignore[method-assign]
    async for event in source.aiter_sse():
        yield event


async def send_request(
    client: httpx.AsyncClient,
    provider: str,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    json: Mapping[str, Any] | None = None,
    content: bytes | None = None,
    params: Mapping[str, str] | None = None,
    errors: ErrorMapper = error_from_response,
) -> httpx.Response:
    """Send one non-streaming request and return the response once it is known to be OK.

    Args:
        client: the shared HTTP client.
        provider: the provider name put on errors.
        method: the HTTP method (``GET``, ``POST``).
        url: the full URL.
        headers: the request headers (the key travels here and only here).
        json: the JSON body, or None to send no body.
        content: raw body bytes, sent as they are (instead of ``json``; a signed body).
        params: query parameters.
        errors: builds the error for a status >= 400 (default: the generic mapping).

    Returns:
        The response, its body read (``response.content``).

    Raises:
        OpenMaaSError: from a status >= 400 and its error body (AUTH_FAILED, RATE_LIMITED,
            INVALID_MODEL, …; see :func:`~.http_errors.error_from_response`), or from the
            transport: STREAM_TIMEOUT when nothing arrives in time, STREAM_PARSING_FAILED for
            a body its ``content-encoding`` cannot decode, STREAM_CONNECTION_FAILED otherwise
            (no connection, or one that failed before the whole body arrived).
    """
    body, sent_headers = json_request(json, content, headers)
    try:
        async with client.stream(
            method, parsed_url(url), content=body, headers=sent_headers, params=params
        ) as response:
            if response.status_code >= 400:
                error_body = await _error_body(response)
                raise errors(provider, response.status_code, response.headers, error_body)
            await response.aread()
    except httpx.HTTPError as exc:
        raise map_transport_error(provider, exc, mid_stream=False) from None
    return response


async def _error_body(response: httpx.Response) -> bytes:
    """The body of an error response, or nothing when its ``content-encoding`` cannot be
    decoded (the status alone still says what failed)."""
    try:
        return await response.aread()
    except httpx.DecodingError:
        return b""


MALFORMED = (AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError)
"""What reading a well-formed-looking but wrongly shaped answer can raise (a missing key, a
value of the wrong type, JSON nested too deep). Adapters catch exactly these around each
event's parse and turn them into STREAM_PARSING_FAILED; nothing else is caught there."""


FAST_JSON_MAX = 1024
"""The longest data (characters or bytes) :func:`load_json` hands to orjson: half the depth of
the interpreter's default recursion limit (1,000) at most, even written as bare brackets."""


def load_json(provider: str, data: str | bytes) -> Any:
    """``data`` parsed as JSON (a whole body, one SSE ``data`` field or one NDJSON line).

    Up to :data:`FAST_JSON_MAX` characters (every streamed token's chunk) it is read by orjson
    (https://github.com/ijl/orjson), about four times as fast as the standard library's
    decoder on such small chunks; orjson refuses what no provider sends (``NaN``,
    ``Infinity``, integers beyond 64 bits, lone UTF-16 surrogates). Longer data (whole bodies,
    rare big chunks) goes to the standard library, which also refuses a nesting deeper than
    the interpreter's recursion limit, as everything that later walks the value (``repr``, an
    error's quote) needs: orjson has no such limit, and a value that short cannot nest so deep.

    Raises:
        OpenMaaSError: STREAM_PARSING_FAILED when ``data`` is not JSON (or nests so deep
            that the decoder gives up with RecursionError), quoting its start.
    """
    try:
        if len(data) <= FAST_JSON_MAX:
            return orjson.loads(data)
        return jsonlib.loads(data)
    except (ValueError, RecursionError):
        text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
        raise parsing_failed(provider, text) from None


MAX_TOKEN_COUNT = 2**53
"""The largest token count accepted from a provider: exact as a float (cost arithmetic), and
a sum of a few of them still fits an SQLite INTEGER. Real counts are far below it."""


def token_count(value: Any) -> int | None:
    """A token count as a provider reported it: None when absent (``null``), else a
    non-negative integer (an integral float such as ``12.0`` is accepted as 12).

    Raises:
        ValueError: for anything else (a string, a bool, a fraction, a negative number or one
            above :data:`MAX_TOKEN_COUNT`); adapters turn it into STREAM_PARSING_FAILED.
    """
    if value is None:
        return None
    if type(value) is int and 0 <= value <= MAX_TOKEN_COUNT:
        return value
    if type(value) is float and value.is_integer() and 0 <= value <= MAX_TOKEN_COUNT:
        return int(value)
    raise ValueError(f"not a token count: {value!r}")


def text_or_none(value: Any) -> str | None:
    """``value`` when it is a string or None: a field that holds text or an id.

    Raises:
        TypeError: for any other JSON value; adapters turn it into STREAM_PARSING_FAILED.
    """
    if value is None or type(value) is str:
        return value
    raise TypeError(f"expected a string, got {value!r}")


def is_json_response(response: httpx.Response) -> bool:
    """Whether a response that should have been a stream came back as one JSON document
    (some OpenAI-compatible servers ignore ``stream: true``)."""
    content_type: str = response.headers.get("content-type", "")
    return content_type.partition(";")[0].strip() == "application/json"


def parsing_failed(provider: str, what: str) -> OpenMaaSError:
    """STREAM_PARSING_FAILED for a malformed event, naming what could not be read."""
    return OpenMaaSError(
        ErrorCode.STREAM_PARSING_FAILED,
        f"{provider} sent something that could not be read: {what[:200]}",
        provider=provider,
    )


def completion_from(events: Iterable[StreamEvent], model: str) -> Completion:
    """Fold already parsed ``events`` (a whole non-streaming answer) into a :class:`Completion`."""
    builder = CompletionBuilder(model)
    for event in events:
        builder.add(event)
    return builder.build()


async def collect(events: AsyncIterator[StreamEvent], model: str) -> Completion:
    """Drain ``events`` into a :class:`Completion`."""
    builder = CompletionBuilder(model)
    async for event in events:
        builder.add(event)
    return builder.build()
