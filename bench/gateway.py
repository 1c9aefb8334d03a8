"""The gateway's cost over asking the provider directly, in one sitting.

A fake upstream (loopback, a child process of its own) answers every Chat Completions request
with a 500-token OpenAI SSE stream at full speed (one token per event, a usage chunk,
``[DONE]``). The same client (httpx, in this process) asks it directly, then through a real
``openmaas serve`` (another child process, its ``openai`` base URL pointed at the fake), and
prints:

- TTFT p50 (ms): request sent -> first content token read, one request at a time;
- streams/s at 16 concurrent: whole 500-token streams finished per second of wall time;
- the gateway's peak RSS (MB, VmHWM) after all of it.

The targets: added TTFT p50 at most 1 ms; at least half the direct route's streams/s; at most
100 MB of RSS.

Usage: ``python bench/gateway.py [--requests 200] [--streams 320] [--concurrency 16]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKENS = 500


def _answer() -> bytes:
    head = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0}
    head["model"] = "bench"

    def sse(payload: dict[str, object]) -> bytes:
        return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"

    def choice(delta: dict[str, str], finish: str | None = None) -> bytes:
        return sse({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    usage = {"prompt_tokens": 9, "completion_tokens": TOKENS, "total_tokens": TOKENS + 9}
    events = [choice({"role": "assistant", "content": ""})]
    events += [choice({"content": f" tok{i}"}) for i in range(TOKENS)]
    events += [choice({}, "stop"), sse({**head, "choices": [], "usage": usage})]
    return b"".join(events) + b"data: [DONE]\n\n"


async def _upstream(port: int) -> None:
    """Serve :func:`_answer` to every request, keep-alive, chunked in a few writes."""
    body = _answer()
    pieces = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    )

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in request.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                writer.write(head)
                for piece in pieces:
                    writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    await writer.drain()
                writer.write(b"0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BODY = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "count"}],
    "stream": True,
    "stream_options": {"include_usage": True},
}


async def _one(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> float:
    """One stream read to its end; the TTFT in ms."""
    started = time.perf_counter()
    ttft = 0.0
    async with client.stream("POST", url, json=BODY, headers=headers) as reply:
        reply.raise_for_status()
        async for line in reply.aiter_lines():
            if not ttft and '"content":" tok' in line:
                ttft = (time.perf_counter() - started) * 1000
    return ttft


async def _route(
    url: str, headers: dict[str, str], args: argparse.Namespace
) -> tuple[float, float]:
    """TTFT p50 (ms) one at a time, and streams/s at ``args.concurrency``."""
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        for _ in range(10):  # warm the connections and both servers
            await _one(client, url, headers)
        ttfts = [await _one(client, url, headers) for _ in range(args.requests)]
        queue = iter(range(args.streams))

        async def worker() -> None:
            for _ in queue:
                await _one(client, url, headers)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        rate = args.streams / (time.perf_counter() - started)
    return statistics.median(ttfts), rate


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _bench(args: argparse.Namespace) -> None:
    port = _free_port()
    upstream = subprocess.Popen([sys.executable, __file__, "--upstream", str(port)])
    home = Path(tempfile.mkdtemp(prefix="openmaas-bench-"))
    (home / "config.toml").write_text(
        f'[providers.openai]\nbase_url = "http://127.0.0.1:{port}/v1"\n', encoding="utf-8"
    )
    env = {**os.environ, "OPENMAAS_HOME": str(home), "OPENAI_API_KEY": "sk-bench-0000000000"}
    env["PYTHONPATH"] = str(ROOT)
    gateway = subprocess.Popen(
        [sys.executable, "-m", "openmaas_tui", "--no-keyring", "serve", "--port", "0"]
        + (["--no-log"] if args.no_log else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert gateway.stdout is not None
        url = gateway.stdout.readline().decode().split()[-1]
        token = gateway.stdout.readline().decode().split()[-1]
        time.sleep(0.5)
        direct = await _route(f"http://127.0.0.1:{port}/v1/chat/completions", {}, args)
        through = await _route(
            url + "/chat/completions", {"authorization": f"Bearer {token}"}, args
        )
        rss = _peak_rss_mb(gateway.pid)
    finally:
        gateway.terminate()
        upstream.terminate()
        gateway.wait(30)
        upstream.wait(30)
    print(
        f"{TOKENS}-token streams, {args.requests} one at a time, {args.streams} at "
        f"{args.concurrency} concurrent"
    )
    print(f"{'route':<10} {'TTFT p50 ms':>12} {'streams/s':>10}")
    print(f"{'direct':<10} {direct[0]:>12.2f} {direct[1]:>10.1f}")
    print(f"{'gateway':<10} {through[0]:>12.2f} {through[1]:>10.1f}")
    print(f"added TTFT p50: {through[0] - direct[0]:.2f} ms (target <= 1 ms)")
    print(f"streams/s ratio: {through[1] / direct[1]:.2f} (target >= 0.5)")
    print(f"gateway peak RSS: {rss:.1f} MB (target <= 100 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="one-at-a-time requests")
    parser.add_argument("--streams", type=int, default=320, help="streams in the concurrent run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-log", action="store_true", help="run the gateway with --no-log")
    parser.add_argument("--upstream", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upstream:
        asyncio.run(_upstream(args.upstream))
        return
    asyncio.run(_bench(args))


if __name__ == "__main__":
    main()
