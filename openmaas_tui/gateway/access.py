"""One access line per request, and nothing else of it.

A line says the method, the path, the model asked for, the status, the tokens in and out and
the milliseconds the request took; never a header or a body. Lines go to the
``openmaas_tui.gateway.access`` logger, whose records the gateway's
:class:`~openmaas_tui.gateway.scrub.ScrubFilter` masks like every other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from openmaas_tui.core.types import Usage

ACCESS_LOGGER = logging.getLogger("openmaas_tui.gateway.access")


@dataclass(slots=True)
class Access:
    """What a handler tells the access line.

    Attributes:
        status: the HTTP status answered.
        model: the ``model`` the client asked for, or None.
        usage: the tokens the answer used, or None.
    """

    status: int
    model: str | None = None
    usage: Usage | None = None


def access_line(method: str, path: str, access: Access, ms: float) -> str:
    """``POST /v1/chat/completions model=gpt-4o status=200 in=12 out=40 ms=812.3``."""
    usage = access.usage or Usage()
    tokens_in = "-" if usage.input_tokens is None else str(usage.input_tokens)
    tokens_out = "-" if usage.output_tokens is None else str(usage.output_tokens)
    model = access.model or "-"
    return (
        f"{method} {path} model={model} status={access.status} "
        f"in={tokens_in} out={tokens_out} ms={ms:.1f}"
    )


def log_access(method: str, path: str, access: Access, ms: float) -> None:
    """Write the access line for one request (INFO)."""
    if ACCESS_LOGGER.isEnabledFor(logging.INFO):
        ACCESS_LOGGER.info(access_line(method, path, access, ms))
