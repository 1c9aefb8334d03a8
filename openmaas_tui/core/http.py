"""The one shared ``httpx.AsyncClient`` every adapter uses.

Adapters never build their own client (STYLE.md, convention 3). The pool is sized for the
largest compare (8 targets) plus model discovery running beside it.
"""

from __future__ import annotations

import httpx

from openmaas_tui import __version__

CONNECT_TIMEOUT_S = 10.0
"""Seconds to establish a connection (TCP + TLS) before STREAM_CONNECTION_FAILED."""

READ_TIMEOUT_S = 120.0
"""Seconds without a single byte before STREAM_TIMEOUT. Reasoning models can think for a long
time before their first token, so this is generous."""

MAX_CONNECTIONS = 32


def make_client(
    *,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    read_timeout_s: float = READ_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
) -> httpx.AsyncClient:
    """Build the shared client with explicit connect and read timeouts.

    Args:
        connect_timeout_s: seconds to connect.
        read_timeout_s: seconds to wait for the next bytes of a response.
        max_connections: pool size across all hosts.

    Returns:
        An ``httpx.AsyncClient``; the caller closes it (``await client.aclose()``).
    """
    timeout = httpx.Timeout(
        connect=connect_timeout_s, read=read_timeout_s, write=30.0, pool=connect_timeout_s
    )
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections // 2
    )
    return httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        headers={"user-agent": f"openmaas-tui/{__version__}"},
        follow_redirects=False,
        trust_env=True,
    )
