"""The ``openmaas`` command: the playground, or a headless subcommand.

openmaas [-m MODEL] [--provider P] [--base-url URL] [--demo]     the playground
openmaas ask [options] [PROMPT]                                    one answer to stdout
openmaas compare -m MODEL -m MODEL [options] [PROMPT]              several models race
openmaas keys set|list|delete|test PROVIDER                        API keys
openmaas models [--discover]                                       known models
openmaas sessions list|show|export|import|rename|delete|costs|compares|compare-export
openmaas serve [--host H] [--port N] [--no-log] [--allow-remote]    the local gateway
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from openmaas_tui import __version__
from openmaas_tui.cli import ask, compare, keys, models, serve, sessions
from openmaas_tui.cli.arguments import Parser, check_text_arguments
from openmaas_tui.core.config.settings import Settings
from openmaas_tui.core.credentials.log_filter import install_log_redaction
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.pricing.prices import PriceTable
from openmaas_tui.services import Services, open_services

if TYPE_CHECKING:
    from textual.app import App

Command = Callable[[Services, argparse.Namespace], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``openmaas`` and its subcommands."""
    parser = Parser(
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
    serve.add_arguments(
        sub.add_parser("serve", help="a local OpenAI-compatible gateway to every provider")
    )
    return parser


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed and checked: a value out of range or an argument that is not UTF-8 text
    is a usage error (``error INVALID_REQUEST: …`` on stderr, exit status 2).

    Raises:
        SystemExit: status 2 for a usage error, 0 after ``--help`` or ``--version``.
    """
    parser = build_parser()
    args = parser.parse_args(list(argv))
    check_text_arguments(parser, args)
    return args


_COMMANDS: dict[str, Command] = {
    "ask": ask.main,
    "keys": keys.main,
    "models": models.main,
    "sessions": sessions.main,
    "compare": compare.main,
    "serve": serve.main,
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


def _fallback(problem: OpenMaaSError, instead: str) -> OpenMaaSError:
    """``problem`` (INVALID_SETTINGS) as the playground says it: it opens all the same."""
    if problem.code is not ErrorCode.INVALID_SETTINGS:
        raise problem
    hint = f"this run uses {instead}; {problem.hint}" if problem.hint else None
    return OpenMaaSError(problem.code, problem.message, hint=hint)


def build_app(argv: Sequence[str]) -> App[None]:
    """Build the playground exactly as ``openmaas ARGV`` would (settings, client, keys, prices,
    theme).

    A broken ``config.toml`` (bad TOML, bytes that are not UTF-8, a value out of range, an
    unknown theme) or price override does not keep the playground closed: it opens on the
    defaults (or the shipped prices) and says the INVALID_SETTINGS error, file and line, in a
    notice. The price table is read here, so a broken override is said at once rather than at
    the first answer.

    Raises:
        OpenMaaSError: anything but INVALID_SETTINGS met while building (none is expected).
    """
    from openmaas_tui.cli.theme import apply_theme
    from openmaas_tui.ui.app import PlaygroundApp

    install_log_redaction()  # no key in a log, from the first record on
    args = parse_arguments(argv)
    notices: list[OpenMaaSError] = []
    try:
        services = open_services(use_keyring=not args.no_keyring)
    except OpenMaaSError as exc:
        notices.append(_fallback(exc, "the default settings"))
        services = open_services(use_keyring=not args.no_keyring, settings=Settings())
    try:
        services.prices  # noqa: B018 - loaded now: errors before the screen opens
    except OpenMaaSError as exc:
        notices.append(_fallback(exc, "the shipped prices"))
        services.use_prices(PriceTable.load(None))
    model = "demo" if args.demo else services.providers.model_for(args.model, args.provider)
    app = PlaygroundApp(
        services, model=model, provider=args.provider, base_url=args.base_url, notices=notices
    )
    try:
        apply_theme(app, services.settings.theme, services.paths.config_file)
    except OpenMaaSError as exc:
        app.notices += (_fallback(exc, "the default theme"),)
    return app


EXIT_BROKEN_PIPE = 128 + 13
"""The exit status when standard output is closed by its reader (128 + SIGPIPE)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``openmaas``; returns the exit status."""
    install_log_redaction()  # no key in a log, from the first record on
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_arguments(argv)
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
