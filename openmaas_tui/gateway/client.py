"""Who asks the gateway, and how its answers are counted in the ledger.

Each request's ledger row (:mod:`openmaas_tui.core.history.ledger`) names the client by the
first product token of its ``User-Agent`` (``OpenAI/Python``, ``Anthropic/Python``,
``curl/8.5.0``; RFC 9110 section 10.1.5: https://www.rfc-editor.org/rfc/rfc9110#name-user-agent)
and keeps the HTTP status it was answered with. The application sets :data:`ASKED` for the
request it serves (:class:`~openmaas_tui.gateway.app.GatewayApp`) and
:meth:`~openmaas_tui.gateway.context.Gateway.open_exchange` reads it, so the routes need not
carry it.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.ledger import STATUS_CLOSED

CLIENT_MAX = 32
"""The most characters of a client's name kept (a longer one is cut, ending in ``…``)."""

_TCHAR = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~/")
"""The characters of a product token (RFC 9110 ``tchar``) and its ``/``: nothing else is kept,
so a name can hold no control character, escape sequence or markup."""


@functools.lru_cache(maxsize=256)
def client_token(user_agent: str | bytes | None) -> str | None:
    """The client's name from its ``User-Agent``: the first product token, without any
    character a token may not hold, at most :data:`CLIENT_MAX` characters; None when there
    is none. Each ``User-Agent`` is read once (a program sends the same one every time)."""
    if isinstance(user_agent, bytes):
        user_agent = user_agent.decode("latin-1")
    first = (user_agent or "").strip().split(None, 1)
    name = "".join(c for c in first[0] if c in _TCHAR) if first else ""
    if len(name) > CLIENT_MAX:
        name = name[: CLIENT_MAX - 1] + "…"
    return name or None


@dataclass(frozen=True, slots=True)
class Asked:
    """What the ledger keeps of the request being served.

    Attributes:
        client: the client's name (:func:`client_token`), or None.
        error_status: the HTTP status the route's protocol answers a failure with.
    """

    client: str | None
    error_status: Callable[[OpenMaaSError], int]


ASKED: ContextVar[Asked | None] = ContextVar("openmaas_gateway_asked", default=None)
"""The request the current task serves (None outside one)."""


def answered_status(
    error: OpenMaaSError | None, stopped: bool, error_status: Callable[[OpenMaaSError], int]
) -> int:
    """The status an ended answer was given: 200, :data:`STATUS_CLOSED` when it was stopped
    before its end, else its failure's status in the route's protocol (``error_status``)."""
    if stopped:
        return STATUS_CLOSED
    if error is not None:
        return error_status(error)
    return 200
