"""The ``/v1/messages/count_tokens`` answer: the provider's count when it has one, else (and
when it fails) the local estimate."""

from __future__ import annotations

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.tokens.count import count_messages
from openmaas_tui.core.tokens.estimate import CountKind
from openmaas_tui.core.types import ChatRequest
from openmaas_tui.gateway.anthropic_wire.count_tokens import count_input_tokens
from openmaas_tui.gateway.anthropic_wire.request import parse_messages_request

BODY = {
    "model": "gpt-4o",
    "system": "Be brief.",
    "messages": [{"role": "user", "content": "Two names for a pet pelican"}],
}


def _request() -> ChatRequest:
    return parse_messages_request(BODY, require_max_tokens=False).request


async def test_the_local_estimate_without_a_provider_count() -> None:
    request = _request()
    counted = await count_input_tokens(request, provider="openai", model="gpt-4o")
    want = count_messages(request.messages, request.system, "openai", "gpt-4o")
    assert counted.body() == {"input_tokens": want}
    assert counted.kind is CountKind.LOCAL and counted.provider_error is None
    assert want > 10  # the system prompt and the message both count


async def test_the_providers_own_count_wins() -> None:
    seen: list[ChatRequest] = []

    async def provider_count(request: ChatRequest) -> int:
        seen.append(request)
        return 42

    request = _request()
    counted = await count_input_tokens(
        request, provider="anthropic", model="claude-sonnet-4-5", provider_count=provider_count
    )
    assert counted.body() == {"input_tokens": 42} and counted.kind is CountKind.PROVIDER
    assert seen == [request]


async def test_a_failed_provider_count_falls_back_to_the_estimate() -> None:
    failure = OpenMaaSError(ErrorCode.RATE_LIMITED, "slow down", status=429)

    async def provider_count(request: ChatRequest) -> int:
        raise failure

    counted = await count_input_tokens(
        _request(), provider="gemini", model="gemini-2.5-flash", provider_count=provider_count
    )
    assert counted.kind is CountKind.LOCAL and counted.provider_error is failure
    assert counted.input_tokens > 10
