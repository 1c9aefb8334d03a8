"""``python -m openmaas_tui.demo``: serve the demo model until interrupted, e.g. to try it with
curl or any OpenAI-compatible client."""

from __future__ import annotations

import asyncio
import contextlib

from openmaas_tui.demo.server import DemoServer


async def _serve_forever() -> None:
    async with DemoServer() as server:
        print(f"demo model at {server.base_url} (ctrl+c to stop)", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever())
