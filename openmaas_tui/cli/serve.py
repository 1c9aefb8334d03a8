"""``openmaas serve``: the local gateway, lending the configured providers to every program on
this machine without lending them a key.

openmaas serve [--host 127.0.0.1] [--port 4141] [--no-log] [--allow-remote]
               [--tls-cert FILE --tls-key FILE]

Prints the base URL (``http://127.0.0.1:4141/v1``) and the launch's token once, then one
access line per request on stderr and in ``gateway.log`` in the log directory (method, path,
model, status, tokens, ms: never a header or a body). The token comes from
``OPENMAAS_SERVE_TOKEN`` when set (and is then not printed). A host other than this machine's
loopback is refused unless ``--allow-remote`` is given, and then a warning says what it means,
loudest without TLS: ``--tls-cert`` and ``--tls-key`` (PEM files) make it serve HTTPS, so the
token and the prompts do not cross the network in clear text.
ctrl+c or SIGTERM stops it cleanly (exit status 0).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from openmaas_tui.collector import calm_the_collector
from openmaas_tui.core.credentials.redact import register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.auth import TOKEN_ENV, check_host, is_loopback, token_from
from openmaas_tui.gateway.context import Gateway
from openmaas_tui.gateway.scrub import install_scrubbing
from openmaas_tui.gateway.server import Tls, bind, serve, url_of
from openmaas_tui.services import Services

DEFAULT_PORT = 4141

LOG_FILE = "gateway.log"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas serve``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port (0 takes a free one; default 4141)"
    )
    parser.add_argument(
        "--no-log", action="store_true", dest="no_log", help="record nothing in the history"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        dest="allow_remote",
        help="allow a --host reachable from other machines (anyone there gets your keys' use)",
    )
    parser.add_argument(
        "--tls-cert", type=Path, dest="tls_cert", metavar="FILE", help="serve HTTPS: PEM cert"
    )
    parser.add_argument(
        "--tls-key", type=Path, dest="tls_key", metavar="FILE", help="the cert's PEM private key"
    )


def tls_of(args: argparse.Namespace) -> Tls | None:
    """The TLS files the options name, or None for plain HTTP.

    Raises:
        OpenMaaSError: INVALID_REQUEST when only one of ``--tls-cert`` and ``--tls-key`` is
            given.
    """
    cert, key = getattr(args, "tls_cert", None), getattr(args, "tls_key", None)
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            "--tls-cert and --tls-key go together",
            hint="give both: the PEM certificate and its private key",
        )
    return Tls(cert, key)


def _remote_warning(host: str, tls: Tls | None) -> str:
    """What listening beyond this machine means, said before the URL."""
    if tls is None:
        return (
            f"WARNING: listening on {host} WITHOUT TLS: the token and every prompt and answer "
            "cross the network in clear text, and any machine that can reach it and knows the "
            "token can spend on your keys. Add --tls-cert and --tls-key; prefer 127.0.0.1.\n"
        )
    return (
        f"WARNING: listening on {host} (TLS): any machine that can reach it and knows the "
        "token can spend on your keys. Keep the token secret; prefer 127.0.0.1.\n"
    )


def _log_to(services: Services, err: TextIO) -> None:
    """Access lines to ``err`` and to ``gateway.log`` in the log directory, scrubbed."""
    install_scrubbing()
    logger = logging.getLogger("openmaas_tui.gateway")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    form = logging.Formatter("%(asctime)s %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(err)]
    try:
        services.paths.log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(services.paths.log_dir / LOG_FILE, encoding="utf-8"))
    except OSError as exc:
        err.write(f"note: no log file: {exc.strerror or exc}\n")
    for handler in handlers:
        handler.setFormatter(form)
        logger.addHandler(handler)


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run the gateway until ctrl+c or SIGTERM; returns the exit status.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a refused host, a port that cannot be bound or
            ``--tls-cert`` without ``--tls-key`` (or the reverse); INVALID_SETTINGS for a
            malformed ``OPENMAAS_SERVE_TOKEN`` or TLS files that cannot be used.
    """
    out, err = sys.stdout, sys.stderr
    check_host(args.host, allow_remote=args.allow_remote)
    tls = tls_of(args)
    token = token_from(dict(os.environ))
    register_secret(token)  # masked in every log line and error text
    sock = bind(args.host, args.port)
    _log_to(services, err)
    services.prices  # noqa: B018 - read now: a broken override is said before serving
    gateway = Gateway(services, token.encode("ascii"), record=not args.no_log)
    url = url_of(sock, tls=tls is not None) + "/v1"

    def ready() -> None:
        if not is_loopback(args.host):
            err.write(_remote_warning(args.host, tls))
        out.write(f"openmaas gateway on {url}\n")
        if TOKEN_ENV in os.environ:
            out.write(f"token: from {TOKEN_ENV}\n")
        else:
            out.write(f"token: {token}\n")
        out.write("ctrl+c stops it\n")
        out.flush()

    # What start-up built (catalog, prices, settings: most of the heap) lives as long as the
    # gateway: moved out of the collector's sight, a full collection no longer walks it, and
    # the rare one that comes mid-stream stops every answer for under a millisecond instead
    # of tens of them; young collections, every 20,000 allocations, come rarely.
    calm_the_collector()
    await serve(gateway, sock, ready=ready, tls=tls)
    err.write("gateway stopped\n")
    return 0
