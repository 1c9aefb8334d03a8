"""Every path the gateway answers, in one table: adding a surface is one line here and one
module of handlers (e.g. Anthropic's ``/v1/messages`` beside OpenAI's chat)."""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.gateway import chat_completions, messages, messages_count, models_list, responses
from openmaas_tui.gateway.anthropic_wire import errors as anthropic
from openmaas_tui.gateway.openai_wire.errors import error_body, error_headers, status_of
from openmaas_tui.gateway.route import ErrorShape, Route

OPENAI_ERRORS = ErrorShape(status_of, error_body, error_headers)
"""OpenAI's error shape (:mod:`openmaas_tui.gateway.openai_wire.errors`)."""


def _anthropic_body(error: OpenMaaSError) -> dict[str, Any]:
    return anthropic.error_body(error)


def _anthropic_headers(error: OpenMaaSError) -> list[tuple[str, str]]:
    return list(anthropic.error_headers(error).items())


ANTHROPIC_ERRORS = ErrorShape(anthropic.error_status, _anthropic_body, _anthropic_headers)
"""Anthropic's error shape (:mod:`openmaas_tui.gateway.anthropic_wire.errors`)."""

ROUTES: dict[str, Route] = {
    "/v1/chat/completions": Route("POST", chat_completions.handle, OPENAI_ERRORS),
    "/v1/models": Route("GET", models_list.handle, OPENAI_ERRORS),
    "/v1/responses": Route("POST", responses.handle, OPENAI_ERRORS),
    "/v1/messages": Route("POST", messages.handle, ANTHROPIC_ERRORS),
    "/v1/messages/count_tokens": Route("POST", messages_count.handle, ANTHROPIC_ERRORS),
}
"""Path -> route. Paths are matched exactly (a trailing slash is ignored)."""


def find_route(path: str) -> Route | None:
    """The route for ``path``, or None."""
    return ROUTES.get(path.rstrip("/") or "/")
