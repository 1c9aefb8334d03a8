"""A real ``openmaas serve`` in a child process, for tests that use it as any client would.

:class:`GatewayProcess` writes ``config.toml`` under its own OPENMAAS_HOME (each provider's
``base_url`` pointed at a loopback replay server), starts ``python -m openmaas_tui --no-keyring
serve --port 0`` with the given keys in its environment, reads the URL and token it prints,
and lets the network guard reach its port. :meth:`GatewayProcess.stop` sends SIGTERM and
returns the exit status; everything it printed stays in :attr:`out` and :attr:`err`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

from tests.support import network_guard

ROOT = Path(__file__).resolve().parents[2]

KEYS = {
    "OPENAI_API_KEY": "sk-test-abcdefgh12345678",
    "ANTHROPIC_API_KEY": "sk-ant-api03-test-Zq9Xw8Vu7Ts6Rq5P",
    "GEMINI_API_KEY": "AIza-FAKE-qzx8gw5kg2mv7rt",
}
"""The provider keys the child reads from its environment. The OpenAI one is the key
``openai/error_401_invalid_key.json`` echoes back."""


def gateway_config(upstream: str) -> str:
    """``config.toml`` sending OpenAI, Anthropic and Gemini requests to ``upstream``."""
    return (
        f'[providers.openai]\nbase_url = "{upstream}/v1"\n'
        f'[providers.anthropic]\nbase_url = "{upstream}"\n'
        f'[providers.gemini]\nbase_url = "{upstream}"\n'
    )


class GatewayProcess:
    """One ``openmaas serve`` child process.

    Attributes:
        home: its OPENMAAS_HOME.
        url: the base URL it printed (``http://127.0.0.1:PORT/v1``).
        token: the token it printed.
        out: everything on its stdout (complete once stopped).
        err: everything on its stderr (complete once stopped).
    """

    def __init__(self, home: Path, upstream: str, *, extra_args: tuple[str, ...] = ()) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").write_text(gateway_config(upstream), encoding="utf-8")
        env = {
            **os.environ,
            **KEYS,
            "OPENMAAS_HOME": str(home),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("OPENMAAS_SERVE_TOKEN", None)
        self._err_path = home.parent / f"{home.name}-stderr.txt"
        self._err_file: IO[bytes] = self._err_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "openmaas_tui", "--no-keyring", "serve", "--port", "0"]
            + list(extra_args),
            stdout=subprocess.PIPE,
            stderr=self._err_file,
            env=env,
            cwd=ROOT,
        )
        lines = [self._line() for _ in range(3)]
        self.url = lines[0].rsplit(" ", 1)[-1]
        self.token = lines[1].removeprefix("token: ")
        self.out = "\n".join(lines) + "\n"
        self.err = ""
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        self._guard = network_guard.child_server(self.port)
        self._guard.__enter__()

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(10)
            raise AssertionError(
                f"serve exited with {self.process.returncode}: {self._err_path.read_text()}"
            )
        return line.decode().rstrip("\n")

    def stop(self, sig: int | None = signal.SIGTERM, timeout_s: float = 30) -> int:
        """Ask it to stop (SIGTERM unless told; None: it was already told) and wait; the exit
        status."""
        if sig is not None and self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            rest, _ = self.process.communicate(timeout=timeout_s)
        finally:
            with contextlib.suppress(Exception):
                self._guard.__exit__(None, None, None)
            self._err_file.close()
        self.out += rest.decode()
        self.err = self._err_path.read_text(encoding="utf-8")
        return self.process.returncode

    def kill(self) -> None:
        """End it at once (cleanup after a failed test)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
