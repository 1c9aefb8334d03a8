"""``openmaas models``: the catalog, and (with ``--discover``) what local servers offer; with
``--json``, one object ``{"schema_version", "models": [...], "errors": [...]}`` whose models
carry the fields of :data:`~openmaas_tui.core.models.listing.FIELDS` (prices in USD per 1M
tokens, with their date)."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import CATALOG
from openmaas_tui.core.models.listing import SCHEMA_VERSION, fields_help, model_json
from openmaas_tui.core.models.provider_specs import SPECS, Discovery
from openmaas_tui.core.text.terminal import json_terminal_safe, terminal_safe
from openmaas_tui.providers.discovery import discover_models
from openmaas_tui.services import Services


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas models``."""
    local = [s.label for s in SPECS.values() if s.discovery is Discovery.AUTOMATIC]
    parser.add_argument(
        "--discover",
        action="store_true",
        help=f"also ask {' and '.join([*local, 'custom endpoints'])}",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"schema_version", "models": [...], "errors": [...]}; each model has '
        f"{fields_help()} (prices in USD per 1M tokens, null when unknown; "
        "price_as_of is YYYY-MM-DD)",
    )


def _k(tokens: int | None) -> str:
    if tokens is None:
        return "?"
    return f"{tokens / 1000:.0f}k" if tokens < 1_000_000 else f"{tokens / 1_000_000:.1f}M"


async def main(services: Services, args: argparse.Namespace) -> int:
    """Print the known models; returns the exit status."""
    console = Console(highlight=False)
    table = Table(title="models")
    for column in ("model", "context", "max out", "capabilities"):
        table.add_column(column)
    infos = list(CATALOG)
    errors: list[OpenMaaSError] = []
    if args.discover:
        found, errors = await discover_models(services.providers)
        infos += found
    if args.json:
        models = [model_json(i, services.prices.price(i.provider, i.id)) for i in infos]
        failed = [{**exc.as_dict(), "provider": exc.provider} for exc in errors]
        data = {"schema_version": SCHEMA_VERSION, "models": models, "errors": failed}
        sys.stdout.write(json_terminal_safe(json.dumps(data, ensure_ascii=False)) + "\n")
        return 0
    for exc in errors:
        said = escape(terminal_safe(f"{exc.code}: {exc.message}"))
        console.print(f"[yellow]{escape(exc.provider or '')}:[/] {said}")
    for info in infos:
        caps = [
            c
            for c, on in (
                ("vision", info.vision),
                ("reasoning", info.reasoning),
                ("tools", info.tools),
            )
            if on
        ]
        table.add_row(
            escape(terminal_safe(info.ref)),
            _k(info.context_window),
            _k(info.max_output_tokens),
            " ".join(caps),
        )
    console.print(table)
    return 0
