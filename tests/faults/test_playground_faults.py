"""The playground with broken files: it opens all the same, on the defaults (or the shipped
prices), says the INVALID_SETTINGS error with its file and line in a notice, and answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.config.settings import Settings
from tests.faults.support import FAST_DEMO, write_config
from tests.support.ui import ask, playground

SIZE = (160, 50)


def _errors(app: object) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("config.toml", b"read_timeout_s = nan\n", "config.toml:1: read_timeout_s must be"),
        ("config.toml", b'theme = "\xff"\n', "config.toml:1: not UTF-8 text"),
        ("config.toml", b"x = " + b"[" * 50_000 + b"]" * 50_000, "deeper than"),
        (
            "config.toml",
            FAST_DEMO.encode() + b'theme = "no-such-theme"\n',
            "unknown theme 'no-such-theme'",
        ),
        (
            "pricing.toml",
            b'[models."x"]\nprovider = "openai"\ninput = nan\noutput = 1\n',
            'pricing.toml:3: [models."x"]: input must be',
        ),
    ],
    ids=["nan-timeout", "not-utf8", "deep", "unknown-theme", "nan-price"],
)
async def test_the_playground_opens_with_a_notice_and_answers(
    isolated_home: Path, name: str, text: bytes, said: str
) -> None:
    write_config(isolated_home, FAST_DEMO)
    write_config(isolated_home, text, name)
    app = playground(["--demo"])
    fell_back = name == "config.toml" and "theme" not in said
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [notice] = _errors(app)
        assert notice.startswith("INVALID_SETTINGS: ") and said in notice
        assert "this run uses the" in notice
        if fell_back:  # the defaults: the demo streams at its default pace, too slow to wait
            assert app.services.settings == Settings()
        else:
            await ask(pilot, "hello")
            assert app.playground.current.messages[-1].text.strip()
