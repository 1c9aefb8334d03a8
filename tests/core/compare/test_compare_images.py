"""A compare with an image: every lane is sent it, and a lane whose model takes no images fails
alone before anything reaches its server, the others answering as usual."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest

from openmaas_tui.core.attachments.images import image_part
from openmaas_tui.core.compare.lane import CompareTarget, LaneStatus
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.services import Services, open_services
from tests.support.images import png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

PICTURE = image_part(png(4, 3), "cat.png")


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def test_every_lane_gets_the_image_and_a_blind_one_fails_alone(
    services: Services,
) -> None:
    reply = fixture_reply(fixture_path("anthropic/stream_text.sse"))
    seeing, blind = ReplayServer(reply), ReplayServer(reply)
    await seeing.start()
    await blind.start()
    try:
        run = CompareRun(
            services.providers,
            services.prices,
            [
                CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=seeing.url),
                CompareTarget("claude-3-5-haiku-latest", provider="anthropic", base_url=blind.url),
            ],
            "what is it?",
            images=[PICTURE],
        )
        run.start()
        await run.wait()
        sent = seeing.last.json()["messages"][0]["content"]
        assert blind.requests == []
    finally:
        await seeing.stop()
        await blind.stop()
    good, refused = run.lanes
    assert (good.status, refused.status) == (LaneStatus.DONE, LaneStatus.ERROR)
    assert refused.error is not None and refused.error.code is ErrorCode.INVALID_REQUEST
    assert "does not take images" in refused.error.message
    assert sent[1]["source"]["data"] == base64.b64encode(png(4, 3)).decode()
