"""How fast each adapter turns a stream into events, next to a bare httpx read of the same bytes.

For each wire format (OpenAI chat SSE, Anthropic SSE, Gemini SSE, Ollama NDJSON) this builds a
stream of N tokens, one token per event, shaped like the recorded fixtures, and serves it at full
speed from a loopback server running in a separate process (so its CPU is not counted). Each
measurement runs in a fresh child interpreter and prints:

- events/s: tokens parsed per second of wall time (for the floor: events' worth of bytes/s);
- CPU s: the child's CPU seconds (user + system) for the whole stream;
- peak MB: the child's peak resident memory;
- x floor: CPU seconds divided by the bare read's CPU seconds for the same bytes.

Usage: ``python bench/parse.py [--tokens 2000 20000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".")


def _openai(n: int) -> tuple[bytes, str]:
    head = (
        '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1782955817,'
        '"model":"gpt-4o-mini-2024-07-18","service_tier":"default",'
        '"system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{"content":'
    )
    tail = '},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"qfQVOwfh62"}'
    parts = [f"data: {head}{json.dumps(WORDS[i % 10])}{tail}\n\n" for i in range(n)]
    parts.append(
        'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1782955817,'
        '"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},'
        '"finish_reason":"stop"}],"usage":null}\n\n'
    )
    parts.append(
        'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1782955817,'
        f'"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{{"prompt_tokens":12,'
        f'"completion_tokens":{n},"total_tokens":{n + 12}}}}}\n\n'
    )
    parts.append("data: [DONE]\n\n")
    return "".join(parts).encode(), "text/event-stream; charset=utf-8"


def _anthropic(n: int) -> tuple[bytes, str]:
    parts = [
        "event: message_start\n"
        'data: {"type":"message_start","message":{"model":"claude-sonnet-4-5","id":"msg_bench",'
        '"type":"message","role":"assistant","content":[],"stop_reason":null,'
        '"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,'
        '"cache_read_input_tokens":0,"output_tokens":1}}}\n\n',
        "event: content_block_start\n"
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'
        "\n\n",
    ]
    for i in range(n):
        parts.append(
            "event: content_block_delta\n"
            'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":'
            f"{json.dumps(WORDS[i % 10])}}}}}\n\n"
        )
    parts.append('event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n')
    parts.append(
        "event: message_delta\n"
        'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},'
        f'"usage":{{"output_tokens":{n}}}}}\n\n'
    )
    parts.append('event: message_stop\ndata: {"type":"message_stop"}\n\n')
    return "".join(parts).encode(), "text/event-stream; charset=utf-8"


def _gemini(n: int) -> tuple[bytes, str]:
    parts = []
    for i in range(n):
        last = i == n - 1
        finish = ',"finishReason": "STOP"' if last else ""
        parts.append(
            'data: {"candidates": [{"content": {"parts": [{"text": '
            f'{json.dumps(WORDS[i % 10])}}}],"role": "model"}}{finish}}}],'
            '"usageMetadata": {"promptTokenCount": 12,'
            f'"candidatesTokenCount": {i + 1},"totalTokenCount": {i + 13}}},'
            '"modelVersion": "gemini-2.0-flash","responseId": "bench"}\r\n\r\n'
        )
    return "".join(parts).encode(), "text/event-stream"


def _ollama(n: int) -> tuple[bytes, str]:
    parts = [
        '{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z",'
        f'"message":{{"role":"assistant","content":{json.dumps(WORDS[i % 10])}}},"done":false}}\n'
        for i in range(n)
    ]
    parts.append(
        '{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z",'
        '"message":{"role":"assistant","content":""},"done_reason":"stop","done":true,'
        '"total_duration":1,"load_duration":1,"prompt_eval_count":12,"prompt_eval_duration":1,'
        f'"eval_count":{n},"eval_duration":1}}\n'
    )
    return "".join(parts).encode(), "application/x-ndjson"


FORMATS: dict[str, Callable[[int], tuple[bytes, str]]] = {
    "openai": _openai,
    "anthropic": _anthropic,
    "gemini": _gemini,
    "ollama": _ollama,
}


def _serve(port_queue: multiprocessing.Queue[int], tokens: list[int]) -> None:
    """The server process: one path per format and size, each event its own chunk."""
    from tests.support.replay import split_events
    from tests.support.server import LoopbackServer, Reply, Request

    bodies = {}
    for name, build in FORMATS.items():
        for n in tokens:
            body, content_type = build(n)
            bodies[f"/{name}/{n}"] = (split_events(body), content_type)

    def handler(request: Request) -> Reply:
        path = request.path
        for prefix in ("/v1", "/v1beta"):
            path = path.removeprefix(prefix)
        key = "/".join(path.split("/")[:3])
        chunks, content_type = bodies[key]
        return Reply(chunks=chunks, content_type=content_type)

    async def run() -> None:
        server = LoopbackServer(handler)
        await server.start()
        port_queue.put(server.port)
        await asyncio.Event().wait()

    asyncio.run(run())


async def _child(kind: str, fmt: str, n: int, url: str) -> dict[str, float]:
    import httpx

    from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS
    from openmaas_tui.core.types import ChatRequest, Message
    from openmaas_tui.providers.protocols import make_adapter

    async with httpx.AsyncClient(timeout=60) as client:
        base = f"{url}/{fmt}/{n}"
        cpu0, wall0 = time.process_time(), time.perf_counter()
        events = 0
        if kind == "floor":
            async with client.stream("POST", base + "/floor", json={}) as response:
                async for _chunk in response.aiter_bytes():
                    pass
            events = n
        else:
            adapter = make_adapter(fmt, client, fmt, base)
            request = ChatRequest(model="bench", messages=(Message.user("go"),))
            async for _event in adapter.stream(request, NO_CREDENTIALS):
                events += 1
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"events": events, "wall_s": wall, "cpu_s": cpu, "peak_mb": peak_mb}


def _measure(kind: str, fmt: str, n: int, url: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, fmt, str(n), url],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the median is shown")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, fmt, n, url = args.child
        print(json.dumps(asyncio.run(_child(kind, fmt, int(n), url))))
        return

    ctx = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue[int] = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports, args.tokens), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=30)}"
    try:
        header = f"{'format':<10}{'tokens':>8}  {'reader':<8}{'events/s':>12}{'CPU s':>9}"
        header += f"{'peak MB':>9}{'x floor':>9}"
        print(header)
        print("-" * len(header))
        for fmt in FORMATS:
            for n in args.tokens:
                rows = {}
                for kind in ("floor", "adapter"):
                    runs = [_measure(kind, fmt, n, url) for _ in range(args.repeat)]
                    rows[kind] = {
                        key: statistics.median(r[key] for r in runs)
                        for key in ("wall_s", "cpu_s", "peak_mb")
                    }
                floor_cpu = rows["floor"]["cpu_s"]
                for kind, row in rows.items():
                    ratio = row["cpu_s"] / floor_cpu if floor_cpu else float("nan")
                    print(
                        f"{fmt:<10}{n:>8}  {kind:<8}{n / row['wall_s']:>12,.0f}"
                        f"{row['cpu_s']:>9.3f}{row['peak_mb']:>9.1f}{ratio:>9.2f}"
                    )
    finally:
        server.kill()


if __name__ == "__main__":
    main()
