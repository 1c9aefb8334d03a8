"""Exactly one module outside the adapters asks a model: the exchange pipeline. Every face (the
playground, compare, ``openmaas ask``) runs an Exchange and only draws what it yields, so the
stream's metering, estimate, pricing, recording and stop rules exist once."""

from __future__ import annotations

from pathlib import Path

import openmaas_tui

PACKAGE = Path(openmaas_tui.__file__).parent
PIPELINE = PACKAGE / "core" / "exchange" / "pipeline.py"
CALLS = (
    "target.stream(",
    "target.complete(",
    "adapter.stream(",
    "adapter.complete(",
    ".stream(request",
    ".stream(self.request",
    ".complete(request",
    ".complete(self.request",
)
"""How asking a model's adapter reads in the source."""


def _asking(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    return [call for call in CALLS if call in source]


def test_only_the_pipeline_asks_a_model_outside_the_providers() -> None:
    askers = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "providers" not in path.relative_to(PACKAGE).parts and _asking(path)
    }
    assert askers == {"core/exchange/pipeline.py"}


def test_the_pipeline_streams_and_completes() -> None:
    """The check above would pass vacuously if the pipeline were spelt differently."""
    found = _asking(PIPELINE)
    assert "target.stream(" in found and "target.complete(" in found
