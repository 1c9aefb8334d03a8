"""The replays the fuzz properties run (:class:`Harness`) and what every outcome must
satisfy (:func:`check`)."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.http import make_client
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    CompletionBuilder,
    Finish,
    FinishReason,
    Message,
    ReasoningDelta,
    ServerToolUse,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.protocols import make_adapter
from tests.providers.fuzz.corpus import CREDENTIALS, MODELS, SQLITE_MAX
from tests.support.replay import ReplayServer
from tests.support.server import Reply

# --- the replays ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one call gave: the events streamed, the completion or models returned, the error."""

    events: list[StreamEvent] = field(default_factory=list)
    completion: Completion | None = None
    models: list[ModelInfo] | None = None
    error: OpenMaaSError | None = None


class Harness:
    """A replay server in a thread, and one event loop with one shared client on this side."""

    def __init__(self) -> None:
        self.server = ReplayServer()
        self._runner = asyncio.Runner()
        self._client = make_client(connect_timeout_s=5.0, read_timeout_s=10.0)

    def start(self) -> None:
        """Start the server thread."""
        self.server.start_in_thread()

    def close(self) -> None:
        """Close the client and the loop, then stop the server."""
        self._runner.run(self._client.aclose())
        self._runner.close()
        self.server.stop_thread()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def run(self, wire: str, op: str, reply: Reply, provider: str | None = None) -> Outcome:
        """Call ``op`` (``stream``, ``complete`` or ``list_models``) of ``wire``'s adapter with
        every request answered by ``reply``. Only OpenMaaSError is caught: anything else
        escapes and fails the test."""
        self.server.default = reply
        return self._runner.run(self._call(wire, op, provider or wire))

    async def _call(self, wire: str, op: str, provider: str) -> Outcome:
        adapter = make_adapter(wire, self._client, provider, self.server.url)
        request = ChatRequest(model=MODELS[wire], messages=(Message.user("hello"),))
        creds = CREDENTIALS.get(wire, Credentials.of_key("test-key"))
        outcome = Outcome()
        builder = CompletionBuilder(request.model)
        try:
            if op == "stream":
                async for event in adapter.stream(request, creds):
                    outcome.events.append(event)
                    builder.add(event)
            elif op == "complete":
                outcome.completion = await adapter.complete(request, creds)
            else:
                outcome.models = await adapter.list_models(creds)
        except OpenMaaSError as error:
            outcome.error = error
        if op == "stream":
            outcome.completion = builder.build()  # folding what streamed never fails
        return outcome


# --- what every outcome must satisfy -------------------------------------------------------


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= SQLITE_MAX


def check_usage(usage: Usage) -> None:
    """Every count None or a non-negative int (never a bool, a float or a string)."""
    assert isinstance(usage, Usage)
    for name, value in usage.as_dict().items():
        assert value is None or _is_count(value), f"usage {name} = {value!r}"


def check_event(event: StreamEvent) -> None:
    """One event, well typed."""
    if isinstance(event, TextDelta | ReasoningDelta):
        assert type(event.text) is str, event
    elif isinstance(event, ToolCallDelta):
        assert type(event.index) is int and event.index >= 0, event
        assert event.id is None or type(event.id) is str, event
        assert event.name is None or type(event.name) is str, event
        assert type(event.arguments) is str, event
    elif isinstance(event, ServerToolUse):
        call = event.call
        assert type(call.id) is str and type(call.name) is str, event
        assert type(call.input) is str, event
        assert call.result is None or type(call.result) is str, event
        assert call.status is None or type(call.status) is str, event
    elif isinstance(event, UsageReport):
        check_usage(event.usage)
    else:
        assert isinstance(event, Finish), event
        assert isinstance(event.reason, FinishReason), event
        assert event.raw is None or type(event.raw) is str, event


def check_completion(completion: Completion) -> None:
    """A completion, well typed (its parts as the events' are)."""
    assert type(completion.text) is str
    assert completion.reasoning is None or type(completion.reasoning) is str
    for call in completion.tool_calls:
        assert type(call.name) is str and type(call.arguments) is str, call
        assert call.id is None or type(call.id) is str, call
    assert completion.finish_reason is None or isinstance(completion.finish_reason, FinishReason)
    assert completion.finish_reason_raw is None or type(completion.finish_reason_raw) is str
    check_usage(completion.usage)


def check_error(error: OpenMaaSError) -> None:
    """An error the app can show and act on."""
    assert isinstance(error.code, ErrorCode)
    assert type(error.message) is str and error.message
    if error.retry_after is not None:
        assert math.isfinite(error.retry_after) and error.retry_after >= 0, error.retry_after


def check(outcome: Outcome) -> None:
    """Everything in ``outcome`` well typed."""
    for event in outcome.events:
        check_event(event)
    if outcome.completion is not None:
        check_completion(outcome.completion)
    for info in outcome.models or ():
        assert type(info.id) is str and info.id, info
        assert type(info.label) is str, info
        for limit in (info.context_window, info.max_output_tokens):
            assert limit is None or _is_count(limit), info
    if outcome.error is not None:
        check_error(outcome.error)
