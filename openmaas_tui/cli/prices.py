"""``openmaas prices sync``: regenerate ``pricing.toml`` from genai-prices' data.

genai-prices is optional (``pip install genai-prices``); without it the command says so and
exits with status 1. ``--check`` writes nothing and exits with 1 when the file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openmaas_tui.core.pricing.prices import shipped_pricing_file
from openmaas_tui.services import Services


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas prices``."""
    sub = parser.add_subparsers(dest="prices_command", metavar="ACTION", required=True)
    sync = sub.add_parser("sync", help="regenerate pricing.toml from genai-prices")
    sync.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the file differs from what genai-prices gives",
    )
    sync.add_argument(
        "-o", "--output", type=Path, help="file to write (default: the shipped pricing.toml)"
    )


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run ``openmaas prices sync``; returns the exit status.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when genai-prices is not installed.
    """
    del services  # prices come from genai-prices, not from the running configuration
    from openmaas_tui.core.pricing.sync import genai_prices_version, generate

    path: Path = args.output or shipped_pricing_file()
    text = generate()
    try:
        current = path.read_text(encoding="utf-8")
    except OSError:
        current = None
    source = f"genai-prices {genai_prices_version()}"
    if args.check:
        if current == text:
            print(f"{path} is up to date with {source}")
            return 0
        print(f"{path} differs from {source}: run `openmaas prices sync`", file=sys.stderr)
        return 1
    if current == text:
        print(f"{path} already up to date with {source}")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} from {source} ({text.count(chr(10) + '[models.')} entries)")
    return 0
