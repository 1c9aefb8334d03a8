"""The playground's sessions and the history store's records, one into the other.

:class:`~openmaas_tui.core.sessions.conversation.Session` and
:class:`~openmaas_tui.core.sessions.conversation.SessionMessage` are what the playground shows and
sends; :class:`~openmaas_tui.core.history.records.StoredSession` and
:class:`~openmaas_tui.core.history.records.StoredMessage` are what the store keeps. A stored session
names its model by provider and model id (as ``openmaas ask`` records it); the playground names it
by the spec the model picker uses (``gpt-4o-mini``, ``ollama/llama3.2``, ``demo``).
"""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState, received_anything
from openmaas_tui.core.history.blobs import attachments_of_content, images_of
from openmaas_tui.core.history.records import StoredMessage, StoredSession, request_params
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.sessions.conversation import ParamValue, Session, SessionMessage
from openmaas_tui.core.sessions.endpoint import api_of, with_api
from openmaas_tui.core.sessions.settings import params_from_json, params_json
from openmaas_tui.core.types import ChatRequest, ContentPart, FinishReason, Role, TextPart, Usage

SESSION_PREFIX = "s"
"""Put before a store id to make a session id: a UUID in hex may start with a digit, and the
ids name widgets (``chat-…``), which must be valid CSS identifiers."""


def session_id_of(store_id: str) -> str:
    """The playground's id of the stored session ``store_id``."""
    return f"{SESSION_PREFIX}{store_id}"


def split_spec(spec: str, endpoints: dict[str, Endpoint] | None = None) -> tuple[str | None, str]:
    """The provider and model id a model spec routes to (no provider when it routes nowhere)."""
    try:
        r = route(spec, endpoints=endpoints)
    except OpenMaaSError:
        return None, spec
    return r.provider, r.model


def spec_of(
    provider: str | None, model: str | None, endpoints: dict[str, Endpoint] | None = None
) -> str | None:
    """The model spec that routes to ``provider``'s ``model`` (the inverse of
    :func:`split_spec`), or None when no model is named."""
    if model is None:
        return provider
    if provider is None or split_spec(model, endpoints) == (provider, model):
        return model
    return f"{provider}/{model}"


def stored_defaults(
    session: Session, endpoints: dict[str, Endpoint] | None = None
) -> dict[str, Any]:
    """What ``session``'s next request starts with, as the store keeps it: ``provider``,
    ``model``, ``params`` (its settings and the API chosen) and ``base_url`` (keyword arguments
    of :meth:`~openmaas_tui.core.history.store.Store.set_defaults`; never a key)."""
    provider, model = split_spec(session.model, endpoints)
    return {
        "provider": provider,
        "model": model,
        "params": with_api(params_json(session.params), session.api),
        "base_url": session.base_url,
    }


def session_from_stored(
    stored: StoredSession, *, default_model: str, endpoints: dict[str, Endpoint] | None = None
) -> Session:
    """A session as the sidebar lists it: title, times, model and settings, and the store's
    totals; its messages are not loaded (see :func:`message_from_stored`)."""
    return Session(
        model=spec_of(stored.provider, stored.model, endpoints) or default_model,
        params=params_from_json(stored.params),
        id=session_id_of(stored.id),
        title=stored.title,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        store_id=stored.id,
        loaded=False,
        listed=stored.totals,
        listed_count=stored.message_count,
        source=stored.source,
        base_url=stored.base_url,
        api=api_of(stored.params),
    )


def _finish_reason(value: str | None) -> FinishReason | None:
    try:
        return None if value is None else FinishReason(value)
    except ValueError:
        return None


def message_from_stored(stored: StoredMessage) -> SessionMessage:
    """The playground's record of a stored message. An answer left ``streaming`` or found
    ``interrupted`` is marked interrupted; one with text or tokens counts in the totals."""
    usage = stored.usage
    known = any(c is not None for c in usage.as_dict().values())
    answered = received_anything(stored.content, stored.reasoning, usage)
    params: dict[str, ParamValue] = {
        k: v for k, v in stored.params.items() if v is None or isinstance(v, float | int | str)
    }
    return SessionMessage(
        stored.role,
        content_of(stored),
        created_at=stored.created_at,
        reasoning=stored.reasoning,
        provider=stored.provider,
        model=stored.model,
        params=params,
        usage=usage if known else None,
        cost_usd=stored.cost_usd,
        billed=stored.role == Role.ASSISTANT and answered and known,
        estimated=stored.cost_estimated,
        ttft_ms=stored.ttft_ms,
        duration_ms=stored.duration_ms,
        finish_reason=_finish_reason(stored.finish_reason),
        stopped=stored.state == MessageState.STOPPED,
        interrupted=stored.state in (MessageState.INTERRUPTED, MessageState.STREAMING)
        or stored.error_code == ErrorCode.STREAM_INTERRUPTED,
        error_code=stored.error_code,
        error_message=stored.error_message,
        store_id=stored.id,
        reasoning_blocks=stored.reasoning_blocks,
        tool_calls=stored.tool_calls,
        tool_call_id=stored.tool_call_id,
        tool_name=stored.tool_name,
        is_error=stored.is_error,
        server_tools=stored.server_tools,
    )


def state_of(message: SessionMessage) -> MessageState:
    """How ``message`` ended, as the store names it."""
    if message.stopped:
        return MessageState.STOPPED
    if message.error_code:
        return MessageState.ERROR
    if message.interrupted:
        return MessageState.INTERRUPTED
    return MessageState.COMPLETE


def attachments_of(message: SessionMessage) -> list[dict[str, Any]]:
    """The message's images as the store keeps them: a reference each (SHA-256, media type,
    name, size) with the bytes, which the store keeps once per content
    (:mod:`~openmaas_tui.core.history.blobs`)."""
    return attachments_of_content(message.content)


def content_of(stored: StoredMessage) -> str | tuple[ContentPart, ...]:
    """A stored message's content: its text, or its text and its images when it has any."""
    images = images_of(stored.attachments)
    return (TextPart(stored.content), *images) if images else stored.content


def answer_record(message: SessionMessage) -> AnswerRecord:
    """How the answer ``message`` ended, as the history records it: text, usage and cost
    (when billed), timings (ms), finish reason, error and state."""
    return AnswerRecord(
        text=message.text,
        reasoning=message.reasoning,
        usage=message.usage if message.billed else None,
        estimated=message.estimated,
        cost_usd=message.cost_usd if message.billed else None,
        billed=message.billed,
        ttft_ms=message.ttft_ms,
        duration_ms=message.duration_ms,
        finish_reason=message.finish_reason,
        error_code=message.error_code,
        error_message=message.error_message,
        state=state_of(message),
        provider=message.provider,
        model=message.model,
        reasoning_blocks=message.reasoning_blocks,
        server_tools=message.server_tools,
    )


def answer_message(record: AnswerRecord, request: ChatRequest) -> SessionMessage:
    """The session's message for an answer that ended as ``record``, asked with ``request``
    (its parameters that are set are kept with it)."""
    params: dict[str, ParamValue] = {
        k: v for k, v in request_params(request).items() if isinstance(v, float | int | str)
    }
    return SessionMessage(
        Role.ASSISTANT,
        record.text,
        reasoning=record.reasoning,
        provider=record.provider,
        model=record.model,
        params=params,
        usage=record.usage,
        cost_usd=record.cost_usd,
        billed=record.billed and record.usage is not None,
        estimated=record.estimated,
        ttft_ms=record.ttft_ms,
        duration_ms=record.duration_ms,
        finish_reason=record.finish_reason,
        stopped=record.state is MessageState.STOPPED,
        interrupted=record.interrupted,
        error_code=record.error_code,
        error_message=record.error_message,
        reasoning_blocks=record.reasoning_blocks,
        tool_calls=record.tool_calls,
        server_tools=record.server_tools,
    )


def stored_message(message: SessionMessage, session_id: str, position: int) -> StoredMessage:
    """The store's record of ``message`` at ``position`` of ``session_id`` (for a whole
    session saved at once, as :meth:`~openmaas_tui.core.history.store.Store.import_session`
    takes)."""
    record = answer_record(message)
    usage = record.usage or Usage()
    return StoredMessage(
        id=0,
        session_id=session_id,
        position=position,
        role=message.role,
        content=message.text,
        attachments=tuple(attachments_of(message)),
        reasoning=message.reasoning,
        provider=message.provider,
        model=message.model,
        params=dict(message.params),
        created_at=message.created_at,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cached_input_tokens=usage.cached_input_tokens,
        reasoning_tokens=usage.reasoning_tokens,
        cost_usd=record.cost_usd,
        cost_estimated=record.estimated,
        ttft_ms=record.ttft_ms,
        duration_ms=record.duration_ms,
        finish_reason=None if record.finish_reason is None else str(record.finish_reason),
        error_code=record.error_code,
        error_message=record.error_message,
        state=record.state,
        reasoning_blocks=record.reasoning_blocks,
        tool_calls=message.tool_calls,
        tool_call_id=message.tool_call_id,
        tool_name=message.tool_name,
        is_error=message.is_error,
        server_tools=record.server_tools,
    )
