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

The concurrent run goes in rounds, the routes taking turns, so a burst of other work on the
machine weighs on all of them alike (``--route-by-route``: each route's rounds in a row). The
TTFT requests go one route after the other: the gateway leaves work behind each answer (its
spend goes into the ledger up to 50 ms later), which must weigh on the gateway's own next
requests, not on another route's. ``--gap-ms`` pauses before each of them (every process
then wakes from idle, as for a request now and then).

Figures: TTFT p50 (ms: request sent -> first content token read, one request at a time) and
what each route adds to the direct one; streams/s at 16 concurrent (whole 500-token streams
finished per second of wall time; the median of the rounds) and its ratio to direct (the median
of each round's ratio to the direct route's rate in that round); the proxy's CPU per stream in
the concurrent runs (ms: its process's user + system time, from ``/proc/PID/stat``, over the
streams); each proxy's peak RSS (MB, VmHWM).

The targets: added TTFT p50 at most 1 ms; at least half the direct route's streams/s; at most
100 MB of RSS.

Usage: ``python bench/gateway.py [--requests 200] [--streams 320] [--concurrency 16]
[--rounds 4] [--route-by-route] [--tokens 500] [--history-kb 0] [--pin] [--no-log]
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


BODY: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "count"}],
    "stream": True,
    "stream_options": {"include_usage": True},
}


def _history(kilobytes: int) -> list[dict[str, str]]:
    """Earlier turns of a conversation, about ``kilobytes`` kB of messages (1 kB each, the
    user's and the assistant's in turn, with some non-ASCII text as real chats have)."""
    line = "An earlier turn of a long conversation, with café, naïve and 12,345 in it. "
    text = (line * 14)[:1000]
    roles = ("user", "assistant")
    return [{"role": roles[i % 2], "content": text} for i in range(kilobytes)]


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
    """One way to the fake upstream: where to send, with what headers, naming which model;
    and what was measured along it."""

    name: str
    url: str
    headers: dict[str, str]
    model: str = "gpt-4o-mini"
    pid: int | None = None
    ttfts: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    streams: int = 0
    rss_mb: float = float("nan")

    @property
    def ttft_ms(self) -> float:
        return statistics.median(self.ttfts)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def cpu_ms(self) -> float:
        return self.cpu_s * 1000 / self.streams if self.pid is not None else float("nan")


async def _measure(routes: list[Route], args: argparse.Namespace) -> None:
    """TTFT one request at a time, ``args.requests`` along each route, one route after the
    other; then ``args.rounds`` rounds of ``args.streams / args.rounds`` streams at
    ``args.concurrency`` along each route in turn (streams/s per round; each route's ratio
    to the direct route of the same round), or each route's rounds in a row with
    ``args.route_by_route``."""
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=64)
    clients = [httpx.AsyncClient(limits=limits, timeout=60) for _ in routes]
    try:
        for client, route in zip(clients, routes, strict=True):
            for _ in range(10):  # warm the connections and the servers
                await _one(client, route.url, route.headers, route.model)
        pairs = list(zip(clients, routes, strict=True))
        for client, route in pairs:  # each route's requests in a row (see the docstring)
            for _ in range(args.requests):
                await asyncio.sleep(args.gap_ms / 1000)
                route.ttfts.append(await _one(client, route.url, route.headers, route.model))
        per_round = max(args.concurrency, args.streams // args.rounds)
        rounds = [pairs] * args.rounds
        if args.route_by_route:
            rounds = [[pair] * args.rounds for pair in pairs]
        for turn in rounds:
            for client, route in turn:
                await _run_round(client, route, per_round, args.concurrency)
        for route in routes:
            route.ratios = [r / d for r, d in zip(route.rates, routes[0].rates, strict=True)]
    finally:
        for client in clients:
            await client.aclose()
    for route in routes:
        if route.pid is not None:
            route.rss_mb = _peak_rss_mb(route.pid)


async def _run_round(
    client: httpx.AsyncClient, route: Route, streams: int, concurrency: int
) -> None:
    """``streams`` whole streams along ``route``, ``concurrency`` at a time: their rate and
    the proxy's CPU time."""
    queue = iter(range(streams))

    async def worker() -> None:
        for _ in queue:
            await _one(client, route.url, route.headers, route.model)

    cpu_s = _cpu_s(route.pid)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    route.rates.append(streams / (time.perf_counter() - started))
    route.cpu_s += _cpu_s(route.pid) - cpu_s
    route.streams += streams


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
    if args.history_kb:  # every route is asked with the same long conversation
        BODY["messages"] = [*_history(args.history_kb), *BODY["messages"]]
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
        await _measure(routes, args)
    finally:
        for child in reversed(children):
            child.terminate()
        for child in children:
            child.wait(30)
    _report(routes, args)


def _report(routes: list[Route], args: argparse.Namespace) -> None:
    direct = routes[0]
    print(
        f"{args.tokens}-token streams"
        f"{f' after {args.history_kb} kB of earlier turns' if args.history_kb else ''}, "
        f"{args.requests} one at a time along each route"
        f"{f' after {args.gap_ms:g} ms of idle' if args.gap_ms else ''}, {args.streams} at "
        f"{args.concurrency} concurrent in {args.rounds} rounds of the routes "
        f"{'one route after the other' if args.route_by_route else 'in turn'} (medians)"
    )
    print(
        f"{'route':<12} {'TTFT p50 ms':>12} {'added ms':>9} {'streams/s':>10} "
        f"{'x direct':>9} {'CPU ms/stream':>14} {'peak RSS MB':>12}"
    )
    for route in routes:
        print(
            f"{route.name:<12} {route.ttft_ms:>12.2f} {route.ttft_ms - direct.ttft_ms:>9.2f} "
            f"{route.rate:>10.1f} {route.ratio:>9.2f} {route.cpu_ms:>14.2f} "
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
        "--rounds", type=int, default=4, help="rounds of the concurrent run, routes in turn"
    )
    parser.add_argument(
        "--gap-ms",
        type=float,
        default=0,
        help="a pause before each one-at-a-time request (ms): every process wakes from idle",
    )
    parser.add_argument(
        "--route-by-route",
        action="store_true",
        help="each route's rounds of the concurrent run in a row (the routes do not take turns)",
    )
    parser.add_argument(
        "--tokens", type=int, default=TOKENS, help="tokens per answer (1: the fixed cost alone)"
    )
    parser.add_argument(
        "--history-kb",
        type=int,
        default=0,
        help="earlier turns sent with every request, in kB (a long conversation: the "
        "gateway reads and writes the whole body on the way to the first token)",
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
