"""The gateway's cost over asking the provider directly, in one sitting.

A fake upstream (loopback, a child process of its own) answers every Chat Completions request
with a 500-token OpenAI SSE stream at full speed (one token per event, a usage chunk,
``[DONE]``, written in 4 KB pieces). The same client (httpx, in this process) asks it along each
route in turn, and prints one row per route:

- ``direct``: the fake upstream itself;
- ``passthrough``: a real ``openmaas serve`` (a child process) to OpenAI at the fake upstream:
  the same protocol, so the body and the bytes pass through, the exchange reading every event;
- ``translated``: the same gateway to a custom endpoint at the same upstream that speaks
  Mistral's chat protocol: every event parsed by the Mistral adapter and re-encoded as an
  OpenAI chunk;
- ``litellm`` (with ``--litellm PATH``): LiteLLM's proxy to the same upstream.

Figures: TTFT p50 (ms: request sent -> first content token read, one request at a time) and
what each route adds to the direct one; streams/s at 16 concurrent (whole 500-token streams
finished per second of wall time) and its ratio to direct; the proxy's CPU per stream in that
concurrent run (ms: its process's user + system time, from ``/proc/PID/stat``, over the streams;
the steadiest figure on a loaded machine); each proxy's peak RSS (MB, VmHWM).

The targets: added TTFT p50 at most 1 ms; at least half the direct route's streams/s; at most
100 MB of RSS.

Usage: ``python bench/gateway.py [--requests 200] [--streams 320] [--concurrency 16]
[--litellm /tmp/litellm-venv/bin/litellm]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKENS = 500


def _answer(tokens: int = TOKENS) -> bytes:
    head = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0}
    head["model"] = "bench"

    def sse(payload: dict[str, object]) -> bytes:
        return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"

    def choice(delta: dict[str, str], finish: str | None = None) -> bytes:
        return sse({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    usage = {"prompt_tokens": 9, "completion_tokens": tokens, "total_tokens": tokens + 9}
    events = [choice({"role": "assistant", "content": ""})]
    events += [choice({"content": f" tok{i}"}) for i in range(tokens)]
    events += [choice({}, "stop"), sse({**head, "choices": [], "usage": usage})]
    return b"".join(events) + b"data: [DONE]\n\n"


async def _upstream(port: int, tokens: int) -> None:
    """Serve :func:`_answer` to every request, keep-alive, chunked in a few writes."""
    body = _answer(tokens)
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


async def _one(client: httpx.AsyncClient, url: str, headers: dict[str, str], model: str) -> float:
    """One stream read to its end; the TTFT in ms."""
    started = time.perf_counter()
    ttft = 0.0
    async with client.stream("POST", url, json={**BODY, "model": model}, headers=headers) as reply:
        reply.raise_for_status()
        async for line in reply.aiter_lines():
            if not ttft and '"content":" tok' in line:
                ttft = (time.perf_counter() - started) * 1000
    return ttft


@dataclass
class Route:
    """One way to the fake upstream: where to send, with what headers, naming which model."""

    name: str
    url: str
    headers: dict[str, str]
    model: str = "gpt-4o-mini"
    pid: int | None = None
    ttft_ms: float = float("nan")
    rate: float = float("nan")
    cpu_ms: float = float("nan")
    rss_mb: float = float("nan")


async def _measure(route: Route, args: argparse.Namespace) -> None:
    """TTFT p50 (ms) one at a time, and streams/s at ``args.concurrency``."""
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one() -> float:
            return await _one(client, route.url, route.headers, route.model)

        for _ in range(10):  # warm the connections and both servers
            await one()
        ttfts = [await one() for _ in range(args.requests)]
        queue = iter(range(args.streams))

        async def worker() -> None:
            for _ in queue:
                await one()

        cpu_s = _cpu_s(route.pid)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        route.rate = args.streams / (time.perf_counter() - started)
        route.cpu_ms = (_cpu_s(route.pid) - cpu_s) * 1000 / args.streams
    route.ttft_ms = statistics.median(ttfts)
    if route.pid is not None:
        route.rss_mb = _peak_rss_mb(route.pid)


_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int | None) -> float:
    """The user + system CPU seconds of process ``pid`` so far (NaN without one)."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_S


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_gateway(port: int, args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str, str]:
    """``openmaas serve`` with OpenAI at the fake upstream (passed through) and an endpoint
    ``translated`` reaching the same upstream through the Mistral adapter (translated)."""
    home = Path(tempfile.mkdtemp(prefix="openmaas-bench-"))
    upstream = f"http://127.0.0.1:{port}/v1"
    (home / "config.toml").write_text(
        f'[providers.openai]\nbase_url = "{upstream}"\n'
        f'[endpoints.translated]\nbase_url = "{upstream}"\nprovider = "mistral"\n',
        encoding="utf-8",
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
    assert gateway.stdout is not None
    url = gateway.stdout.readline().decode().split()[-1]
    token = gateway.stdout.readline().decode().split()[-1]
    return gateway, url, token


def _start_litellm(executable: str, port: int) -> tuple[subprocess.Popen[bytes], str, str]:
    """LiteLLM's proxy with ``gpt-4o-mini`` at the fake upstream, once it answers."""
    here = Path(tempfile.mkdtemp(prefix="litellm-bench-"))
    config = here / "config.yaml"
    config.write_text(
        "model_list:\n  - model_name: gpt-4o-mini\n    litellm_params:\n"
        f"      model: openai/gpt-4o-mini\n      api_base: http://127.0.0.1:{port}/v1\n"
        "      api_key: sk-bench-0000000000\n",
        encoding="utf-8",
    )
    key = "sk-" + secrets.token_hex(24)
    own = _free_port()
    process = subprocess.Popen(
        [executable, "--config", str(config), "--host", "127.0.0.1", "--port", str(own)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LITELLM_MASTER_KEY": key},
        cwd=here,
    )
    base = f"http://127.0.0.1:{own}"
    for _ in range(240):
        try:
            if httpx.get(base + "/health/liveliness", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"LiteLLM's proxy exited with {process.returncode}")
        time.sleep(0.5)
    return process, base + "/v1", key


async def _bench(args: argparse.Namespace) -> None:
    cores = sorted(os.sched_getaffinity(0))
    if args.pin and len(cores) > 1:  # this process and the upstream on all cores but the last
        os.sched_setaffinity(0, cores[:-1])
    port = _free_port()
    upstream = [sys.executable, __file__, "--upstream", str(port), "--tokens", str(args.tokens)]
    children = [subprocess.Popen(upstream)]
    try:
        gateway, url, token = _start_gateway(port, args)
        children.append(gateway)
        if args.pin and len(cores) > 1:  # the gateway alone on the last core
            os.sched_setaffinity(gateway.pid, cores[-1:])
        auth = {"authorization": f"Bearer {token}"}
        routes = [
            Route("direct", f"http://127.0.0.1:{port}/v1/chat/completions", {}),
            Route("passthrough", url + "/chat/completions", auth, pid=gateway.pid),
            Route(
                "translated",
                url + "/chat/completions",
                auth,
                model="translated/gpt-4o-mini",
                pid=gateway.pid,
            ),
        ]
        if args.litellm:
            litellm, base, key = _start_litellm(args.litellm, port)
            children.append(litellm)
            routes.append(
                Route(
                    "litellm",
                    base + "/chat/completions",
                    {"authorization": f"Bearer {key}"},
                    pid=litellm.pid,
                )
            )
        time.sleep(0.5)
        for route in routes:
            await _measure(route, args)
    finally:
        for child in reversed(children):
            child.terminate()
        for child in children:
            child.wait(30)
    _report(routes, args)


def _report(routes: list[Route], args: argparse.Namespace) -> None:
    direct = routes[0]
    print(
        f"{args.tokens}-token streams, {args.requests} one at a time, {args.streams} at "
        f"{args.concurrency} concurrent"
    )
    print(
        f"{'route':<12} {'TTFT p50 ms':>12} {'added ms':>9} {'streams/s':>10} "
        f"{'x direct':>9} {'CPU ms/stream':>14} {'peak RSS MB':>12}"
    )
    for route in routes:
        print(
            f"{route.name:<12} {route.ttft_ms:>12.2f} {route.ttft_ms - direct.ttft_ms:>9.2f} "
            f"{route.rate:>10.1f} {route.rate / direct.rate:>9.2f} {route.cpu_ms:>14.2f} "
            f"{route.rss_mb:>12.1f}"
        )
    print("targets: added TTFT p50 <= 1 ms; >= 0.5 x direct streams/s; peak RSS <= 100 MB")
    print("(the gateway's RSS is one process serving both of its routes, measured after each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="one-at-a-time requests")
    parser.add_argument("--streams", type=int, default=320, help="streams in the concurrent run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--tokens", type=int, default=TOKENS, help="tokens per answer (1: the fixed cost alone)"
    )
    parser.add_argument("--no-log", action="store_true", help="run the gateway with --no-log")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the gateway alone on the last core, the client and the upstream on the others: "
        "steadier CPU figures for comparing two versions (the direct route is then slower)",
    )
    parser.add_argument(
        "--litellm",
        metavar="PATH",
        help="also measure LiteLLM's proxy: the path of its `litellm` command (e.g. in a "
        "scratch venv: python -m venv /tmp/litellm-venv && /tmp/litellm-venv/bin/pip "
        "install 'litellm[proxy]')",
    )
    parser.add_argument("--upstream", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upstream:
        asyncio.run(_upstream(args.upstream, args.tokens))
        return
    asyncio.run(_bench(args))


if __name__ == "__main__":
    main()
