"""``POST /v1/messages/count_tokens``: how many input tokens a Messages request holds, for the
model it names, as ``{"input_tokens": N}``
(https://docs.anthropic.com/en/api/messages-count-tokens).

The request is read as ``/v1/messages`` reads it (without ``max_tokens``), routed as ``-m``
routes and prepared for its target; the count is the provider's own when it has a counting
endpoint (Anthropic, Gemini), else the local tiktoken estimate
(:func:`~openmaas_tui.gateway.anthropic_wire.count_tokens.count_input_tokens`). The response
says whose in ``x-openmaas-count`` (``provider`` or ``local``) and names in
``x-openmaas-dropped`` what of the request could not be read into ours. Nothing is spent, so
nothing is recorded.
"""

from __future__ import annotations

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.answer import dropped_headers
from openmaas_tui.gateway.anthropic_wire.count_tokens import count_input_tokens
from openmaas_tui.gateway.anthropic_wire.request import load_body, parse_messages_request
from openmaas_tui.gateway.asgi import BodyTooLarge, read_body, send_json
from openmaas_tui.gateway.messages_fail import fail, too_large
from openmaas_tui.gateway.route import Call

COUNT_HEADER = "x-openmaas-count"
"""Whose count the answer is: ``provider`` (its counting endpoint) or ``local`` (tiktoken)."""


async def handle(call: Call) -> Access:
    """Answer one count_tokens request (see the module docstring)."""
    access = Access(status=200)
    try:
        body = load_body(await read_body(call.receive))
        parsed = parse_messages_request(body, require_max_tokens=False)
        access.model = parsed.model
        target = await call.gateway.target(parsed.model)
        prepared, _notes = target.prepare(parsed.request)
    except BodyTooLarge:
        return await fail(call, too_large(), access)
    except OpenMaaSError as exc:
        return await fail(call, exc, access)
    route = target.route
    count = await count_input_tokens(
        prepared,
        provider=route.provider,
        model=route.model,
        provider_count=target.count_tokens if target.counts_tokens else None,
    )
    headers = [*dropped_headers(parsed.dropped), (COUNT_HEADER, str(count.kind))]
    await send_json(call.send, 200, count.body(), headers)
    return access
