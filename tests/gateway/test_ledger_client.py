"""Each gateway answer's ledger row names its client and the status it was answered with: the
official SDK by its ``User-Agent`` product token, any other name cut short and made inert, a
refused answer by the upstream's status, and an Anthropic client in Anthropic's statuses."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import anthropic
import httpx
import openai
import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.client import CLIENT_MAX, answered_status, client_token
from tests.conftest import FIXTURES
from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply


def _rows(gateway: GatewayProcess) -> list[tuple[Any, ...]]:
    path = gateway.home / "data" / "history.db"
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT client, status, model, source FROM spend_ledger ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:  # the history is being created
        return []
    finally:
        db.close()


async def _row_after(gateway: GatewayProcess, count: int) -> tuple[Any, ...]:
    """The ledger row written after the first ``count`` (written as the answer ends)."""
    for _ in range(500):
        rows = _rows(gateway)
        if len(rows) > count:
            return rows[count]
        await asyncio.sleep(0.01)
    raise AssertionError("no ledger row")


async def test_the_openai_sdk_is_named_and_a_streamed_answer_is_200(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    before = len(_rows(gateway))
    upstream.queue(openai_stream_reply(["Hel", "lo"]))
    client = openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.token, max_retries=0)
    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    async for _ in stream:
        pass
    client_name, status, model, source = await _row_after(gateway, before)
    assert (status, model, source) == (200, "gpt-4o-mini", "gateway")
    assert client_name == "AsyncOpenAI/Python"


async def test_a_refused_answer_keeps_the_upstream_status(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    before = len(_rows(gateway))
    upstream.queue(fixture_reply(FIXTURES / "openai" / "error_429_rate_limit.json"))
    async with httpx.AsyncClient(timeout=30) as http:
        reply = await http.post(
            gateway.url + "/chat/completions",
            json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
            headers={
                "authorization": f"Bearer {gateway.token}",
                "user-agent": "[bold]my-agent[/bold]/2.0 (linux; x86_64)",
            },
        )
    assert reply.status_code == 429
    client_name, status, _, _ = await _row_after(gateway, before)
    assert (client_name, status) == ("boldmy-agent/bold/2.0", 429)


async def test_the_anthropic_sdk_is_named_too(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    before = len(_rows(gateway))
    upstream.queue(fixture_reply(FIXTURES / "anthropic" / "stream_text.sse"))
    client = anthropic.AsyncAnthropic(
        base_url=gateway.url.removesuffix("/v1"), api_key=gateway.token, max_retries=0
    )
    async with client.messages.stream(
        model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        await stream.get_final_message()
    client_name, status, _, _ = await _row_after(gateway, before)
    assert (client_name, status) == ("AsyncAnthropic/Python", 200)


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (b"curl/8.5.0", "curl/8.5.0"),
        ("OpenAI/Python 1.54.0", "OpenAI/Python"),
        ("\x1b]0;pwned\x07evil/1 rest", "0pwnedevil/1"),
        ("  ", None),
        (None, None),
        ("x" * 80, "x" * (CLIENT_MAX - 1) + "…"),
    ],
)
def test_a_client_name_is_its_first_product_token_made_inert(
    user_agent: str | bytes | None, expected: str | None
) -> None:
    assert client_token(user_agent) == expected


def test_the_status_of_an_ended_answer() -> None:
    refused = OpenMaaSError(ErrorCode.RATE_LIMITED, "slow down", status=429)
    overloaded = OpenMaaSError(ErrorCode.PROVIDER_UNAVAILABLE, "busy")
    assert answered_status(None, False, lambda e: 500) == 200
    assert answered_status(None, True, lambda e: 500) == 499
    assert answered_status(refused, False, lambda e: e.status or 500) == 429
    assert answered_status(overloaded, False, lambda e: 529) == 529
