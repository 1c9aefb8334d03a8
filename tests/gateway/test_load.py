"""64 streams at once through one gateway: every answer arrives complete and exact. (How fast
is measured by ``bench/gateway.py``, never here.)"""

from __future__ import annotations

import asyncio

import openai

from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply

STREAMS = 64


async def test_sixty_four_concurrent_streams_arrive_complete_and_exact(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    answers = {i: [f"a{i}-{n} " for n in range(60)] for i in range(STREAMS)}
    for i in range(STREAMS):
        upstream.queue(openai_stream_reply(answers[i], chunk_delay_s=0.01, model=f"m{i}"))
    sdk = openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.token, max_retries=0, timeout=60)

    async def one() -> tuple[str, int | None]:
        stream = await sdk.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = [chunk async for chunk in stream]
        usage = chunks[-1].usage
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        return text, usage.completion_tokens if usage else None

    results = await asyncio.gather(*(one() for _ in range(STREAMS)))
    expected = sorted("".join(pieces) for pieces in answers.values())
    assert sorted(text for text, _ in results) == expected
    assert {tokens for _, tokens in results} == {60}
