"""``openmaas keys set|list|delete|test PROVIDER``: manage API keys and credentials from the
shell.

``set`` reads the key with ``getpass`` on a terminal (nothing is echoed) or from stdin when
piped, never from the command line, where it would land in shell history and ``ps``. For a
provider signed with several parts (Bedrock, Vertex AI, Azure) it asks for each part in turn,
secrets hidden, a blank answer leaving that part to its fallback; piped, it reads ``part=value``
lines (``secret_access_key=…``).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from rich.console import Console
from rich.table import Table

from openmaas_tui.core.credentials.credentials import Part
from openmaas_tui.core.credentials.fields import CredentialField
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.services import Services


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas keys``."""
    sub = parser.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    p_set = sub.add_parser("set", help="store a key in the OS keyring (hidden prompt or stdin)")
    p_set.add_argument("provider")
    sub.add_parser("list", help="every provider, its key masked and where it comes from")
    p_delete = sub.add_parser("delete", help="remove a stored key")
    p_delete.add_argument("provider")
    p_test = sub.add_parser("test", help="check a key with a cheap list-models call")
    p_test.add_argument("provider")


def _check_provider(services: Services, provider: str) -> None:
    if provider not in services.keys.providers():
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"{provider!r} takes no key or is unknown",
            hint="providers: " + ", ".join(services.keys.providers()),
        )


def _read_key(provider: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"API key for {provider} (input hidden): ")
    return sys.stdin.readline()


def _ask(field: CredentialField) -> str:
    """One part asked on the terminal: hidden for a secret, its fallback said."""
    fallback = " or ".join(field.env)
    notes = "; ".join(x for x in (field.hint, fallback and f"blank: {fallback}") if x)
    question = f"{field.label}{f' ({notes})' if notes else ''}: "
    return getpass.getpass(question) if field.secret else input(question)


def _read_parts(provider: str, fields: tuple[CredentialField, ...]) -> dict[Part, str]:
    """Every part of ``provider``'s credentials: asked in turn on a terminal, else read from
    stdin as ``part=value`` lines.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a piped line that names no part of the provider.
    """
    if sys.stdin.isatty():
        print(f"credentials for {provider}; secrets are not echoed")
        return {f.part: _ask(f) for f in fields}
    known = {f.part.value: f.part for f in fields}
    parts: dict[Part, str] = {}
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or name.strip() not in known:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"expected part=value lines for {provider}",
                provider=provider,
                hint="parts: " + ", ".join(known),
            )
        parts[known[name.strip()]] = value
    return parts


def cmd_set(services: Services, provider: str, console: Console) -> int:
    """Store a key in the OS keyring; says where it went.

    Raises:
        OpenMaaSError: STORAGE_FAILED when there is no usable keyring (a key kept in memory
            would vanish when this command ends).
    """
    _check_provider(services, provider)
    fields = services.keys.fields(provider)
    if len(fields) > 1:
        parts = _read_parts(provider, fields)
        store = services.keys.set_parts
        source = store(provider, parts) if services.keys.keyring_available else None
    else:
        key = _read_key(provider)
        source = services.keys.set(provider, key) if services.keys.keyring_available else None
    if source != "keyring":
        services.keys.delete(provider)
        envs = " or ".join(services.keys.env_vars(provider)) or "its environment variable"
        raise OpenMaaSError(
            ErrorCode.STORAGE_FAILED,
            "no usable OS keyring here, so the key was not stored",
            provider=provider,
            hint=f"set {envs} in your environment, or add the key in the app (f2), "
            "where it is kept in memory for that run",
        )
    what = "credentials" if len(fields) > 1 else "key"
    console.print(
        f"stored the {provider} {what} in the OS keyring ({services.keys.backend_name}): "
        f"{services.keys.info(provider).masked}"
    )
    return 0


def cmd_list(services: Services, console: Console) -> int:
    """Print every provider's key, masked, and where it comes from."""
    table = Table(title=f"API keys — keyring backend: {services.keys.backend_name}")
    table.add_column("provider")
    table.add_column("key")
    table.add_column("from")
    table.add_column("environment fallback")
    for info in services.keys.list():
        table.add_row(
            info.provider,
            info.masked or "[dim]none[/]",
            str(info.source) if info.source else "",
            ", ".join(info.env_vars),
        )
    console.print(table)
    for warning in services.keys.warnings:
        console.print(f"[yellow]note:[/] {warning}")
    return 0


def cmd_delete(services: Services, provider: str, console: Console) -> int:
    """Remove a stored key."""
    _check_provider(services, provider)
    if services.keys.delete(provider):
        console.print(f"deleted the stored {provider} key")
    else:
        console.print(f"no stored {provider} key")
    info = services.keys.info(provider)
    if info.source == "env":
        console.print(f"[yellow]note:[/] {info.masked} is still read from the environment")
    return 0


async def cmd_test(services: Services, provider: str, console: Console) -> int:
    """Make a cheap list-models call with the key in force and report the result."""
    _check_provider(services, provider)
    models = await services.providers.list_models(provider)
    console.print(f"[green]ok[/]: the {provider} key works ({len(models)} models listed)")
    return 0


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run ``openmaas keys …``; returns the exit status."""
    console = Console(highlight=False)
    action = args.keys_command
    if action == "set":
        return cmd_set(services, args.provider, console)
    if action == "list":
        return cmd_list(services, console)
    if action == "delete":
        return cmd_delete(services, args.provider, console)
    return await cmd_test(services, args.provider, console)
