"""What a route is: a handler, and the error shape of the protocol it speaks.

A handler gets the :class:`Call` (ASGI scope, receive, send and the gateway) and returns the
:class:`~openmaas_tui.gateway.access.Access` for its access line. Failures before anything was
sent (a refused token, an unknown path) are drawn by the route's :attr:`Route.error`, so an
Anthropic client gets Anthropic's error shape and an OpenAI client OpenAI's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.asgi import Receive, Scope, Send
from openmaas_tui.gateway.context import Gateway


@dataclass(frozen=True, slots=True)
class Call:
    """One incoming request."""

    gateway: Gateway
    scope: Scope
    receive: Receive
    send: Send


Handler = Callable[[Call], Awaitable[Access]]


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """How one protocol says a failure: its HTTP status, its JSON body, its headers."""

    status: Callable[[OpenMaaSError], int]
    body: Callable[[OpenMaaSError], dict[str, Any]]
    headers: Callable[[OpenMaaSError], list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Route:
    """``method`` on a path, served by ``handler``; failures in ``error``'s shape."""

    method: str
    handler: Handler
    error: ErrorShape
