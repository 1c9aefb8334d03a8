"""How ``openmaas ask --session ID`` goes on: as the session was asked, unless told otherwise.

A session keeps where its model is asked (``--base-url``, ``--api``) and its settings (system
prompt, parameters, ``--no-stream``; the playground's panel keeps the same ones,
:mod:`openmaas_tui.core.sessions.settings`). A continued ``ask`` starts from them; an option
given again wins, and what the ``ask`` used is kept as the session's from then on, as the
playground keeps a chat's last settings. Keys are never kept: each request is signed with the
provider's key from the keyring or the environment when it is sent.
"""

from __future__ import annotations

import argparse
from typing import Any

from openmaas_tui.cli.ask_tools import Continued
from openmaas_tui.core.config.presets import Preset
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.endpoint import api_of, with_api
from openmaas_tui.core.sessions.settings import params_from_json, params_json
from openmaas_tui.providers.registry import Providers


def add_stream_argument(parser: argparse.ArgumentParser) -> None:
    """``--no-stream`` and ``--stream`` (the default, or what a continued session was asked
    with)."""
    parser.add_argument(
        "--stream",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stream the answer as it arrives, or ask for the whole answer at once "
        "(default: stream; with --session, as the session was asked)",
    )


def endpoint_for(
    providers: Providers,
    spec: str,
    provider: str | None,
    args: argparse.Namespace,
    continued: Continued | None,
) -> tuple[str | None, str | None]:
    """Where to ask ``spec``: the base URL and API given (``--base-url``, ``--api``), else
    those the continued session was asked at while its model goes to the same provider.

    Returns:
        The base URL and API, each None for the provider's own.
    """
    base_url, api = args.base_url, args.api
    if continued is None:
        return base_url, api
    session = continued.session
    try:
        same = route(spec, provider, providers.settings.endpoints).provider == session.provider
    except OpenMaaSError:
        same = False  # the target says why it routes nowhere
    if not same:
        return base_url, api
    return base_url or session.base_url, api or api_of(session.params)


def base_params(preset: Preset | None, continued: Continued | None) -> RequestParams:
    """What the options given are laid over: a preset named (``--preset``), else the
    continued session's settings, else the provider's defaults."""
    if preset is not None:
        return preset.params
    if continued is not None:
        return params_from_json(continued.session.params)
    return RequestParams()


def stream_given(args: argparse.Namespace) -> dict[str, Any]:
    """``{"stream": …}`` when ``--stream`` or ``--no-stream`` was given, else nothing."""
    stream = getattr(args, "stream", None)
    return {} if stream is None else {"stream": stream}


def session_defaults(asked: RequestParams, api: str | None, base_url: str | None) -> dict[str, Any]:
    """The session's settings as the history keeps them after an ``ask`` with ``asked``
    through ``api`` at ``base_url``: ``params`` and ``base_url`` keyword arguments of
    :meth:`~openmaas_tui.core.history.store.Store.set_defaults` (never a key)."""
    return {"params": with_api(params_json(asked), api), "base_url": base_url}
