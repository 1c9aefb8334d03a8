"""How ``openmaas ask`` records its exchange in the history (unless ``--no-log``).

Each ``ask`` is a new session: the prompt is committed before the request is sent, the answer
is flushed while it streams (at most about a second behind) and finalised at the end with its
usage, cost, timings and finish or error. Killed mid-stream, the answer stays as last flushed
and shows as interrupted next time. The history never fails an ``ask``: a storage problem is a
note on stderr and the answer is printed all the same.
"""

from __future__ import annotations

from typing import TextIO

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.meter import StreamMeter
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.history.records import MessageState, request_params
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.pricing import prices as pricing
from openmaas_tui.core.types import ChatRequest, ReasoningDelta, Role, StreamEvent, TextDelta
from openmaas_tui.services import Services


class AskLog:
    """The recording of one ``ask``: create with :meth:`begin`, feed :meth:`add`, close with
    :meth:`end`."""

    def __init__(
        self, services: Services, recorder: StreamRecorder, provider: str, model: str, err: TextIO
    ) -> None:
        self._services = services
        self._recorder = recorder
        self._provider = provider
        self._model = model
        self._err = err

    @classmethod
    async def begin(
        cls,
        services: Services,
        *,
        provider: str,
        model: str,
        request: ChatRequest,
        prompt: str,
        err: TextIO,
    ) -> AskLog | None:
        """Start a session holding ``prompt`` (committed now) and an empty streaming answer.

        Returns:
            None when the history cannot be written (a note goes to ``err``).
        """
        store = await services.history()
        if store.problem is not None:
            err.write(f"note: not saved in the history: {store.problem.message}\n")
            return None
        params = request_params(request)
        try:
            session = await store.call(
                Store.create_session, provider=provider, model=model, params=params
            )
            await store.call(
                Store.add_message,
                session.id,
                Role.USER,
                prompt,
                provider=provider,
                model=model,
                params=params,
            )
            recorder = await StreamRecorder.start(
                store, session.id, provider=provider, model=model, params=params
            )
        except OpenMaaSError as exc:
            err.write(f"note: not saved in the history: {exc.message}\n")
            return None
        return cls(services, recorder, provider, model, err)

    def add(self, event: StreamEvent) -> None:
        """Take one stream event (text and reasoning are recorded; O(1), never waits)."""
        if isinstance(event, TextDelta):
            self._recorder.append(event.text)
        elif isinstance(event, ReasoningDelta):
            self._recorder.append(reasoning=event.text)

    async def end(
        self, meter: StreamMeter, error: OpenMaaSError | None, *, stopped: bool = False
    ) -> None:
        """Write the final text, usage, cost (USD), TTFT and duration (ms) and how it ended."""
        completion = meter.completion()
        try:
            price = self._services.prices.price(self._provider, self._model)
        except OpenMaaSError:
            price = None
        state = MessageState.COMPLETE
        if stopped:
            state = MessageState.STOPPED
        elif error is not None:
            state = MessageState.ERROR
        try:
            await self._recorder.finish(
                state=state,
                usage=completion.usage,
                cost_usd=pricing.cost_usd(price, completion.usage),
                ttft_ms=meter.ttft_ms,
                duration_ms=meter.duration_ms,
                finish_reason=str(completion.finish_reason) if completion.finish_reason else None,
                finish_reason_raw=completion.finish_reason_raw,
                error_code=str(error.code) if error else None,
                error_message=error.message if error else None,
            )
        except OpenMaaSError as exc:
            self._err.write(f"note: the answer was not fully saved: {exc.message}\n")
