"""Regenerate the repository's ``pricing.toml`` from genai-prices' data (maintainers only).

Run from the repository root::

    python -m scripts.sync_prices            # rewrite ./pricing.toml if genai-prices differs
    python -m scripts.sync_prices --check    # write nothing; exit 1 when pricing.toml is stale
    python -m scripts.sync_prices -o FILE    # write FILE instead

It needs genai-prices (``pip install -e '.[test]'`` installs the version the file is checked
against) and writes only the repository's file, never an installed package's: the wheel ships
whatever ``pricing.toml`` was committed. What is generated, and from what, is described in
:mod:`scripts.price_entries`; hand entries live in ``scripts/pricing_extra.toml``.
Exit status: 0 up to date or written, 1 stale (``--check``) or genai-prices missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openmaas_tui.core.errors import OpenMaaSError
from scripts.price_entries import (
    GENAI_PROVIDERS,
    data_date,
    genai_prices_version,
    synced_entries,
)
from scripts.price_render import EXTRA_FILE, load_extras, render

REPOSITORY_PRICING = Path(__file__).resolve().parents[1] / "pricing.toml"
"""The ``pricing.toml`` at the repository root, which the wheel ships."""


def generate(extra_file: Path = EXTRA_FILE) -> str:
    """The ``pricing.toml`` that genai-prices and ``extra_file`` give today.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when genai-prices is missing or ``extra_file`` is bad.
    """
    synced = synced_entries()
    sections = {
        f"{ours} (genai-prices: {theirs})": [s for s in synced if s.entry.provider == ours]
        for ours, theirs in GENAI_PROVIDERS.items()
    }
    checked = data_date()
    return render(sections, load_extras(extra_file), genai_prices_version(), checked)


def main(argv: list[str] | None = None) -> int:
    """Check or rewrite ``pricing.toml``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.sync_prices",
        description="Regenerate the repository's pricing.toml from genai-prices.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the file differs from what genai-prices gives",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=REPOSITORY_PRICING,
        help="file to write or check (default: the repository's pricing.toml)",
    )
    args = parser.parse_args(argv)
    path: Path = args.output
    try:
        text = generate()
        source = f"genai-prices {genai_prices_version()}"
    except OpenMaaSError as exc:
        hint = f"\n  {exc.hint}" if exc.hint else ""
        print(f"{exc.code}: {exc.message}{hint}", file=sys.stderr)
        return 1
    try:
        current: str | None = path.read_text(encoding="utf-8")
    except OSError:
        current = None
    if current == text:
        print(f"{path} is up to date with {source}")
        return 0
    if args.check:
        print(f"{path} differs from {source}: run `python -m scripts.sync_prices`", file=sys.stderr)
        return 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} from {source} ({text.count(chr(10) + '[models.')} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
