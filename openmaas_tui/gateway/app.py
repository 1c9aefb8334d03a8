"""The gateway's ASGI application: the token checked, the route found, the access line written.

Every request must carry the launch's token (``Authorization: Bearer TOKEN``, or
``x-api-key: TOKEN`` as Anthropic's SDKs send it), else 401 before anything else is looked at.
No response carries CORS headers, and an ``OPTIONS`` preflight gets 405 like any other method a
path does not take: no web page can read the gateway. Handlers are found in
:data:`~openmaas_tui.gateway.routes.ROUTES`.
"""

from __future__ import annotations

import logging
import time

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.access import Access, log_access
from openmaas_tui.gateway.asgi import Receive, Scope, Send, header, send_json
from openmaas_tui.gateway.auth import api_key_matches, bearer_matches
from openmaas_tui.gateway.client import ASKED, Asked, client_token
from openmaas_tui.gateway.context import Gateway
from openmaas_tui.gateway.route import Call, ErrorShape, Route
from openmaas_tui.gateway.routes import OPENAI_ERRORS, find_route

_LOG = logging.getLogger("openmaas_tui.gateway")

UNAUTHORIZED = OpenMaaSError(
    ErrorCode.AUTH_FAILED,
    "missing or wrong gateway token",
    status=401,
    hint="send the token `openmaas serve` printed as the API key (Authorization: Bearer TOKEN)",
)


def _not_found(path: str) -> OpenMaaSError:
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"no such path: {path}",
        status=404,
        hint="the gateway serves /v1/chat/completions, /v1/models, /v1/messages and "
        "/v1/messages/count_tokens",
    )


def _wrong_method(method: str, route: Route) -> OpenMaaSError:
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST, f"{method} is not allowed here; use {route.method}", status=405
    )


async def _refuse(send: Send, shape: ErrorShape, error: OpenMaaSError) -> Access:
    status = shape.status(error)
    await send_json(send, status, shape.body(error), shape.headers(error))
    return Access(status=status)


class GatewayApp:
    """The ASGI 3 application of one :class:`~openmaas_tui.gateway.context.Gateway`."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request (other scope types are ignored: no websockets, and the
        server runs without lifespan events)."""
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        access = await self._serve(scope, receive, send, method, path)
        log_access(method, path, access, (time.perf_counter() - started) * 1000)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, method: str, path: str
    ) -> Access:
        route = find_route(path)
        shape = route.error if route is not None else OPENAI_ERRORS
        token = self.gateway.token
        if not (
            bearer_matches(header(scope, b"authorization"), token)
            or api_key_matches(header(scope, b"x-api-key"), token)
        ):
            return await _refuse(send, shape, UNAUTHORIZED)
        if route is None:
            return await _refuse(send, shape, _not_found(path))
        if method != route.method:
            return await _refuse(send, shape, _wrong_method(method, route))
        client = client_token(header(scope, b"user-agent"))
        ASKED.set(Asked(client, shape.status))  # this request's task only
        return await route.handler(Call(self.gateway, scope, receive, send))
