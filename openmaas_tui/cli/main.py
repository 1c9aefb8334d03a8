"""The ``openmaas`` command: the playground, or a headless subcommand.

openmaas [-m MODEL] [--provider P] [--base-url URL] [--demo]     the playground
openmaas ask [options] [PROMPT]                                    one answer to stdout
openmaas compare -m MODEL -m MODEL [options] [PROMPT]              several models race
openmaas keys set|list|delete|test PROVIDER                        API keys
openmaas models [--discover]                                       known models
openmaas sessions list|show|export|import|rename|delete|costs|compares|compare-export
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from openmaas_tui import __version__
from openmaas_tui.cli import ask, compare, keys, models, sessions
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.services import Services, open_services

if TYPE_CHECKING:
    from textual.app import App

Command = Callable[[Services, argparse.Namespace], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``openmaas`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="openmaas",
        description="A terminal playground for large language models.",
    )
    parser.add_argument("--version", action="version", version=f"openmaas {__version__}")
    parser.add_argument(
        "--no-keyring", action="store_true", help="keep keys in memory only for this run"
    )
    parser.add_argument("-m", "--model", help="model to start with (e.g. gpt-4o-mini, demo)")
    parser.add_argument("--provider", help="send -m verbatim to this provider")
    parser.add_argument("--base-url", help="send requests to this URL instead")
    parser.add_argument("--demo", action="store_true", help="start with the offline demo model")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask.add_arguments(sub.add_parser("ask", help="ask one question; the answer goes to stdout"))
    compare.add_arguments(
        sub.add_parser("compare", help="several models answer one prompt at once, side by side")
    )
    keys.add_arguments(sub.add_parser("keys", help="manage API keys (OS keyring or memory)"))
    models.add_arguments(sub.add_parser("models", help="list known models"))
    sessions.add_arguments(sub.add_parser("sessions", help="list, show, export, import sessions"))
    return parser


_COMMANDS: dict[str, Command] = {
    "ask": ask.main,
    "keys": keys.main,
    "models": models.main,
    "sessions": sessions.main,
    "compare": compare.main,
}


async def _run(command: Command, args: argparse.Namespace) -> int:
    try:
        services = open_services(use_keyring=not args.no_keyring)
    except OpenMaaSError as exc:
        ask.print_error(exc, sys.stderr)
        return 1
    try:
        return await command(services, args)
    except OpenMaaSError as exc:
        ask.print_error(exc, sys.stderr)
        return 1
    finally:
        await services.aclose()


def build_app(argv: Sequence[str]) -> App[None]:
    """Build the playground exactly as ``openmaas ARGV`` would (settings, client, keys, prices,
    theme).

    The price table is read here, before the app starts, so a broken override is reported
    like a broken config file rather than at the first answer.

    Raises:
        OpenMaaSError: INVALID_SETTINGS for a broken config file (an unknown theme too) or
            price override.
    """
    from openmaas_tui.cli.theme import apply_theme
    from openmaas_tui.ui.app import PlaygroundApp

    args = build_parser().parse_args(list(argv))
    services = open_services(use_keyring=not args.no_keyring)
    services.prices  # noqa: B018 - loaded now: errors before the screen opens
    model = "demo" if args.demo else services.providers.model_for(args.model, args.provider)
    app = PlaygroundApp(services, model=model, provider=args.provider, base_url=args.base_url)
    apply_theme(app, services.settings.theme, services.paths.config_file)
    return app


EXIT_BROKEN_PIPE = 128 + 13
"""The exit status when standard output is closed by its reader (128 + SIGPIPE)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``openmaas``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.command is None:
        try:
            app = build_app(argv)
        except OpenMaaSError as exc:
            ask.print_error(exc, sys.stderr)
            return 1
        app.run()
        return 0
    try:
        return asyncio.run(_run(_COMMANDS[args.command], args))
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``openmaas ask … | head``): what arrived is already in the
        # history, marked stopped, and nothing more can be shown. Standard output is pointed at
        # /dev/null so the interpreter's last flush does not fail again, and the status is a
        # program's ended by SIGPIPE, as ``cat`` or ``grep`` would give.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
