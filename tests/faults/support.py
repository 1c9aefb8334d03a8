"""Running the real ``openmaas`` command in a child process, and what every fault must look
like to the person: one ``error CODE: …`` line (a hint may follow), no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAST_DEMO = "demo_tokens_per_s = 100000\n"
"""A ``config.toml`` line that makes the demo model answer at once."""

ERROR_LINE = re.compile(r"^error ([A-Z_]+): \S.*$", re.MULTILINE)


@dataclass(frozen=True)
class Finished:
    """A finished child process: its status and what it wrote."""

    status: int
    out: bytes
    err: str

    @property
    def codes(self) -> list[str]:
        """The codes of the ``error CODE: …`` lines on stderr."""
        return ERROR_LINE.findall(self.err)


def run_openmaas(
    home: Path, args: list[str | bytes], *, stdin: bytes = b"", timeout_s: float = 60
) -> Finished:
    """Run ``python -m openmaas_tui ARGS`` with ``home`` as OPENMAAS_HOME, no keyring, and
    ``stdin`` piped in."""
    env = dict(os.environ, OPENMAAS_HOME=str(home))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    result = subprocess.run(
        [sys.executable, "-m", "openmaas_tui", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout_s,
        env=env,
        cwd=ROOT,
    )
    return Finished(result.returncode, result.stdout, result.stderr.decode(errors="replace"))


def assert_refused(result: Finished, code: str, status: int = 1) -> None:
    """``result`` is the refusal a person should see: exit ``status``, one ``error CODE``
    line with ``code``, and no traceback."""
    assert "Traceback" not in result.err, result.err
    assert result.status == status, result.err
    assert result.codes == [code], result.err


def write_config(home: Path, text: str | bytes, name: str = "config.toml") -> Path:
    """Write ``home/NAME`` (``text`` may be bytes that are not UTF-8) and return its path."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
