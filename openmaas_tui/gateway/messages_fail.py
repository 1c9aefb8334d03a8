"""How the Anthropic routes answer a failure before anything was sent: the error whole, in
Anthropic's shape and status (:mod:`~openmaas_tui.gateway.anthropic_wire.errors`)."""

from __future__ import annotations

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.anthropic_wire.errors import error_body, error_headers, error_status
from openmaas_tui.gateway.asgi import send_json
from openmaas_tui.gateway.route import Call

STOPPING = OpenMaaSError(
    ErrorCode.PROVIDER_UNAVAILABLE,
    "the gateway is stopping; the answer was cut short",
    status=529,
    hint="ask again once `openmaas serve` runs again",
)
"""Why an answer still open when the stop's grace ran out ended early (529, overloaded)."""


def too_large() -> OpenMaaSError:
    """The body is past the gateway's limit (413, ``request_too_large``)."""
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST, "the body is too large", status=413, hint="send less"
    )


async def fail(call: Call, error: OpenMaaSError, access: Access) -> Access:
    """Answer ``error`` whole, in Anthropic's shape and status (``retry-after`` kept)."""
    access.status = error_status(error)
    body = error_body(error, status=access.status)
    await send_json(call.send, access.status, body, error_headers(error).items())
    return access
