"""Images a model cannot take are refused by the exchange before anything is sent, whatever
face runs it: the server never hears of the request, and the record says why."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.types import ChatRequest, ImagePart, Message, Role, TextPart
from openmaas_tui.services import Services, open_services
from tests.support.images import png
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def _run(services: Services, url: str, model: str, image: ImagePart) -> Exchange:
    target = await services.providers.target(model, provider="openai", base_url=url)
    message = Message(Role.USER, (TextPart("what is it?"), image))
    request, _ = target.prepare(ChatRequest(model, (message,)))
    exchange = Exchange(target, request, None)
    async with aclosing(exchange.events()) as events:
        async for _ in events:
            pass
    return exchange


async def test_a_model_without_vision_refuses_before_sending(
    server: ReplayServer, services: Services
) -> None:
    server.default = openai_stream_reply(["a dot"])
    image = ImagePart(base64.b64encode(png()).decode(), "image/png", "dot.png")
    exchange = await _run(services, server.url, "o3-mini", image)
    assert exchange.error is not None and exchange.error.code is ErrorCode.INVALID_REQUEST
    assert "does not take images" in exchange.error.message
    assert exchange.record is not None and exchange.record.state is MessageState.ERROR
    assert server.requests == []


async def test_an_image_over_the_limit_refuses_before_sending(
    server: ReplayServer, services: Services
) -> None:
    server.default = openai_stream_reply(["a dot"])
    huge = "A" * (67 * 1024 * 1024)  # 50.25 MB once decoded: over OpenAI's 50 MB a request
    exchange = await _run(services, server.url, "gpt-4o", ImagePart(huge, "image/png", "huge.png"))
    assert exchange.error is not None and "50 MB per request" in exchange.error.message
    assert server.requests == []


async def test_a_vision_model_sends_the_image(server: ReplayServer, services: Services) -> None:
    server.default = openai_stream_reply(["a dot"])
    image = ImagePart(base64.b64encode(png()).decode(), "image/png", "dot.png")
    exchange = await _run(services, server.url, "gpt-4o", image)
    assert exchange.error is None and len(server.requests) == 1
