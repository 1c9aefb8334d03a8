"""What reading a passed-through stream costs per event, in this process, with no network.

The 500-token OpenAI stream of ``bench/gateway.py`` is served by ``httpx.MockTransport`` in
4 KB pieces and read three ways, each many times:

- ``adapter``: the OpenAI chat adapter's events, no tap (what any face pays);
- ``adapter+tap``: the same with the gateway's relay as the tap, its bytes taken at each event;
- ``exchange+tap``: the whole exchange (metering, pricing, the record) around it, as the
  gateway runs a passed-through request.

Prints microseconds per event for each (CPU of one core, median of five rounds).

Usage: ``python bench/passthrough_cost.py [--streams 200]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gateway import BODY, TOKENS, _answer  # noqa: E402  (the same stream as the benchmark)

from openmaas_tui.core.credentials.credentials import Credentials  # noqa: E402
from openmaas_tui.core.exchange.pipeline import Exchange  # noqa: E402
from openmaas_tui.core.exchange.retry import NO_RETRY  # noqa: E402
from openmaas_tui.core.models.catalog import model_info, route  # noqa: E402
from openmaas_tui.core.passthrough import Passthrough  # noqa: E402
from openmaas_tui.core.types import ChatRequest, Message, Role  # noqa: E402
from openmaas_tui.gateway.openai_wire.relay import ChatRelay  # noqa: E402
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter  # noqa: E402
from openmaas_tui.providers.registry import Target  # noqa: E402

ANSWER = _answer()
EVENTS = TOKENS + 3  # the role chunk, the tokens, the finish chunk, the usage chunk


class _Pieces(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(ANSWER), 4096):
            yield ANSWER[start : start + 4096]


def _reply(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=_Pieces())


async def _round(way: str, streams: int) -> float:
    """Microseconds per event over ``streams`` streams read ``way``."""
    client = httpx.AsyncClient(transport=httpx.MockTransport(_reply))
    adapter = OpenAIChatAdapter(client, base_url="http://upstream.test/v1")
    where = route("gpt-4o-mini", None, {})
    target = Target(where, model_info(where), adapter.base_url, adapter, Credentials.of_key("k"))
    creds = Credentials.of_key("k")
    started = time.process_time()
    for _ in range(streams):
        relay = ChatRelay()
        own = Passthrough("openai", BODY, relay.sink) if way != "adapter" else None
        request = ChatRequest("gpt-4o-mini", (Message(Role.USER, "count"),), passthrough=own)
        if way == "exchange+tap":
            exchange = Exchange(target, request, None, live_estimate=False, retry=NO_RETRY)
            async with aclosing(exchange.events()) as events:
                async for _ in events:
                    relay.take()
            relay.tail(None)
        else:
            async for _ in adapter.stream(request, creds):
                relay.take()
    await client.aclose()
    return (time.process_time() - started) / (streams * EVENTS) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=200)
    args = parser.parse_args()
    print(f"{TOKENS}-token streams in 4 KB pieces, {args.streams} per round, median of 5 rounds")
    for way in ("adapter", "adapter+tap", "exchange+tap"):
        rounds = [asyncio.run(_round(way, args.streams)) for _ in range(5)]
        print(f"{way:<14} {statistics.median(rounds):6.2f} us per event")


if __name__ == "__main__":
    main()
