"""THE exchange: one request to one model, streamed, metered, estimated, priced and recorded.

Every face runs its answers through an :class:`Exchange` and only draws what it yields: the
playground's answer view, each compare lane, ``openmaas ask``. The face resolves a
:class:`~openmaas_tui.providers.registry.Target`, prepares the
:class:`~openmaas_tui.core.types.ChatRequest`, commits the prompt to the history when it keeps
one (before anything is sent), and then::

    exchange = Exchange(target, request, price, recorder=recorder)
    async with aclosing(exchange.events()) as events:
        async for event in events:   # TextDelta, ReasoningDelta, ToolCallDelta, …
            draw(event)              # O(1) per event please: this is the hot path
    exchange.record                  # the AnswerRecord: text, usage, cost, timings, state
    await exchange.saved()           # the history holds it too

While it runs, a display pulls the figures whenever it likes (counters are pulled, not
pushed): :attr:`Exchange.meter` (TTFT, duration, what arrived), :meth:`Exchange.estimate`,
:meth:`Exchange.usage_in_force`, :meth:`Exchange.cost_usd`, :meth:`Exchange.counters`.

What the exchange does, once for every face:

- refuses, before anything is sent, images the model cannot take (a catalog model without
  vision, a file over the provider's published limit:
  :func:`~openmaas_tui.core.attachments.limits.check_images`);
- asks the adapter's ``stream`` (or, with ``request.stream`` False, its ``complete``, turned into
  the same events by :meth:`~openmaas_tui.core.types.Completion.events`), giving the event
  loop a turn at least every :data:`YIELD_EVERY_S`;
- meters every event (:class:`~openmaas_tui.core.exchange.meter.StreamMeter`) and keeps the
  live tiktoken estimate (:class:`~openmaas_tui.core.exchange.live_count.LiveCount`);
- hands text and reasoning to the history's recorder, which writes about once a second, and
  finishes it with the record at the end;
- asks again, at most a few times, when a transient failure (429, 503, 529, overloaded, a
  refused or reset connection) came before anything of the answer did, yielding a
  :class:`~openmaas_tui.core.exchange.retry.RetryWait` before each wait for the face to show
  (:mod:`~openmaas_tui.core.exchange.retry`);
- ends the same way whatever happens: cancelled (the caller's task, or the caller closing the
  iteration) is ``stopped`` with what arrived kept, and the cancellation goes on; an
  :class:`~openmaas_tui.core.errors.OpenMaaSError` is ``error`` (``interrupted`` for a stream
  that broke off before its protocol's end, STREAM_INTERRUPTED) with the partial text kept and
  the iteration simply ends; any other exception (a bug, in an adapter or here) becomes
  STREAM_INTERRUPTED the same way, so one broken answer never takes its face (or a compare's
  other lanes) down with it, and nobody sees a traceback.

The history's write of the end runs beside whatever the caller does once the events stop (the
answer view's last render, say), so it never delays what is shown; a caller that needs it done
(to read the history back, or before the process exits) awaits :meth:`Exchange.saved`, which
also leaves a failure to write in :attr:`Exchange.storage_error`: a storage problem never fails
the exchange.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Protocol

from openmaas_tui.core.attachments.limits import check_images
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.durations import record_duration
from openmaas_tui.core.exchange.live_count import LiveCount
from openmaas_tui.core.exchange.meter import StreamMeter, counters_line, usage_in_force
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState, received_anything
from openmaas_tui.core.exchange.retry import RetryPolicy, RetryWait
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import cost_usd
from openmaas_tui.core.types import (
    ChatRequest,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
)

if TYPE_CHECKING:
    from openmaas_tui.providers.registry import Target

YIELD_EVERY_S = 0.005
"""The exchange gives the event loop a turn at least this often (seconds): events that arrive
together are read without any pause, which would starve the timers that draw them (and, in a
compare, the other lanes)."""


DEFAULT_RETRY = RetryPolicy()
"""Two retries, waits up to 10 s (:class:`~openmaas_tui.core.exchange.retry.RetryPolicy`)."""


class AnswerRecorder(Protocol):
    """Where an exchange writes its answer as it streams (the history's
    :class:`~openmaas_tui.core.history.recorder.StreamRecorder`)."""

    def append(self, text: str = "", reasoning: str = "") -> None:
        """Take a delta of answer text and/or reasoning; O(1), never waits."""

    async def finish(self, record: AnswerRecord) -> None:
        """Write how the answer ended. Raises OpenMaaSError (STORAGE_FAILED)."""


def _failed_state(error: OpenMaaSError) -> MessageState:
    """``interrupted`` for a stream that broke off (STREAM_INTERRUPTED), else ``error``."""
    if error.code is ErrorCode.STREAM_INTERRUPTED:
        return MessageState.INTERRUPTED
    return MessageState.ERROR


def unexpected_error(
    exc: BaseException, provider: str | None, *, hint: str | None = None
) -> OpenMaaSError:
    """STREAM_INTERRUPTED for an exception that is not an OpenMaaSError (a bug): the answer
    ends as if the connection had dropped, what arrived kept."""
    return OpenMaaSError(
        ErrorCode.STREAM_INTERRUPTED,
        f"unexpected {type(exc).__name__}: {exc}",
        provider=provider,
        hint=hint or "what arrived is kept; ask again",
    )


class Exchange:
    """One request to one model, run once through :meth:`events`.

    Args:
        target: the model to ask.
        request: the request, already prepared for ``target`` (:meth:`Target.prepare`).
        price: the model's price (USD per 1M tokens), or None when unknown.
        recorder: writes the answer into the history as it streams and finishes it with the
            record, or None.
        clock: seconds, monotonic, for the meter (tests inject one).
        live_estimate: keep the local tiktoken estimate (``≈`` counts while streaming, and the
            counts of an answer the provider never reported usage for); ``openmaas ask``
            shows no live counts and goes without.
        retry: when to ask again after a transient failure before anything arrived
            (:class:`~openmaas_tui.core.exchange.retry.RetryPolicy`; ``NO_RETRY`` never).

    Attributes:
        meter: what arrived and when (TTFT, duration), updated per event.
        error: why the exchange failed, or None.
        record: how it ended, set once it has.
        storage_error: why the history could not record the end (STORAGE_FAILED), or None;
            known once :meth:`saved` returns.
    """

    def __init__(
        self,
        target: Target,
        request: ChatRequest,
        price: Price | None,
        *,
        recorder: AnswerRecorder | None = None,
        clock: Callable[[], float] = time.perf_counter,
        live_estimate: bool = True,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self.target = target
        self.request = request
        self.price = price
        self.recorder = recorder
        self.retry = retry
        self.meter = StreamMeter(target.route.model, clock=clock)
        self.error: OpenMaaSError | None = None
        self.record: AnswerRecord | None = None
        self.storage_error: OpenMaaSError | None = None
        self._live = LiveCount() if live_estimate else None
        self._started = False
        self._saving: asyncio.Task[None] | None = None

    @property
    def ended(self) -> bool:
        """Whether the exchange has ended (completed, stopped or failed)."""
        return self.record is not None

    @property
    def stopped(self) -> bool:
        """Whether it was stopped (cancelled) before its end."""
        return self.record is not None and self.record.state is MessageState.STOPPED

    def estimate(self) -> Usage | None:
        """The local (tiktoken) counts so far, or None before the prompt is counted (or
        without a live estimate)."""
        return self._live.usage() if self._live is not None else None

    def usage_in_force(self) -> tuple[Usage | None, bool]:
        """The counts shown and billed, and whether they are local estimates
        (:func:`~openmaas_tui.core.exchange.meter.usage_in_force`)."""
        return usage_in_force(self.meter, self.estimate())

    def cost_usd(self) -> float | None:
        """What the answer costs so far in USD (an estimate while streaming); 0.0 once it ended
        with nothing billed; None when the price or the counts are unknown."""
        if self.record is not None:
            return self.record.cost_usd
        usage, _ = self.usage_in_force()
        return None if usage is None else cost_usd(self.price, usage)

    def counters(self, label: str | None = None) -> str:
        """The counters line (:func:`~openmaas_tui.core.exchange.meter.counters_line`) headed
        by ``label`` (default the target's label)."""
        record = self.record
        return counters_line(
            self.target.label if label is None else label,
            self.meter,
            self.price,
            stopped=self.stopped,
            estimate=self.estimate(),
            billed=record is None or record.billed,
        )

    async def events(self) -> AsyncGenerator[StreamEvent | RetryWait, None]:
        """Run the exchange, yielding each event as it arrives, and a :class:`RetryWait` before
        each wait to ask again; see the module docstring.

        Raises:
            asyncio.CancelledError: the caller's task was cancelled (after the record is kept).
            RuntimeError: the exchange already ran.
        """
        if self._started:
            raise RuntimeError("an exchange runs only once")
        self._started = True
        target, request, meter, recorder = self.target, self.request, self.meter, self.recorder
        live = self._live
        counting = None
        if live is not None:
            route = target.route
            counting = asyncio.create_task(live.load(request, route.provider, route.model))
        pending = live.pending if live is not None else None
        state = MessageState.COMPLETE
        source: AsyncIterator[StreamEvent] | None = None
        clock = time.perf_counter
        yielded_at = clock()
        retries = 0
        try:
            check_images(request, target.route.provider, target.route.model)
            while True:
                arrived = False
                source = target.stream(request) if request.stream else self._completed()
                try:
                    async for event in source:
                        arrived = True
                        if clock() - yielded_at > YIELD_EVERY_S:
                            await asyncio.sleep(0)  # buffered events come without a pause
                            yielded_at = clock()
                        meter.add(event)
                        if isinstance(event, TextDelta):
                            if pending is not None:
                                pending.append(event.text)
                            if recorder is not None:
                                recorder.append(event.text)
                        elif isinstance(event, ReasoningDelta):
                            if pending is not None:
                                pending.append(event.text)
                            if recorder is not None:
                                recorder.append(reasoning=event.text)
                        elif isinstance(event, ToolCallDelta) and pending is not None:
                            # a call's name and arguments are output tokens too
                            pending.append((event.name or "") + event.arguments)
                        yield event
                    break
                except OpenMaaSError as exc:
                    wait = None if arrived else self.retry.wait_s(exc, retries + 1)
                    if wait is None:
                        raise
                    failure = exc
                if isinstance(source, AsyncGenerator):
                    await source.aclose()
                source = None
                retries += 1  # nothing of the answer arrived: ask again, after a wait
                yield RetryWait(failure, wait, retries, self.retry.retries)
                await asyncio.sleep(wait)  # cancelling the exchange ends the wait at once
        except (asyncio.CancelledError, GeneratorExit):
            state = MessageState.STOPPED
            raise
        except OpenMaaSError as exc:
            state, self.error = _failed_state(exc), exc
        except Exception as exc:  # a bug must not take the face (or other lanes) down
            self.error = unexpected_error(exc, target.route.provider)
            state = _failed_state(self.error)
        finally:
            if counting is not None and not counting.done():
                counting.cancel()
            if isinstance(source, AsyncGenerator):  # closed by the caller: free the connection
                await source.aclose()
            self._end(state)

    async def saved(self) -> None:
        """Wait until the history has recorded the end (at once without a recorder, or before
        the exchange has ended); a failure is left in :attr:`storage_error`, never raised."""
        if self._saving is not None:
            await asyncio.shield(self._saving)

    async def _completed(self) -> AsyncIterator[StreamEvent]:
        """The events of a whole (not streamed) answer, once it has arrived."""
        completion = await self.target.complete(self.request)
        for event in completion.events():
            yield event

    def _end(self, state: MessageState) -> None:
        """Keep the record and start finishing the history's recording with it."""
        meter = self.meter
        meter.finish()
        self.record = record = self._record(state)
        if state is MessageState.COMPLETE:
            record_duration(self.target.route.ref, meter.duration_ms / 1000)
        if self.recorder is not None:
            self._saving = asyncio.create_task(self._save(self.recorder, record))

    async def _save(self, recorder: AnswerRecorder, record: AnswerRecord) -> None:
        try:
            await recorder.finish(record)
        except OpenMaaSError as exc:
            self.storage_error = exc

    def _record(self, state: MessageState) -> AnswerRecord:
        completion = self.meter.completion()
        billed = received_anything(
            completion.text, completion.reasoning, completion.usage, completion.tool_calls
        )
        usage, estimated = self.usage_in_force()
        cost: float | None = 0.0
        if not billed:
            usage, estimated = None, False
        else:
            cost = None if usage is None else cost_usd(self.price, usage)
        error = self.error
        return AnswerRecord(
            text=completion.text,
            reasoning=completion.reasoning,
            tool_calls=completion.tool_calls,
            reasoning_blocks=completion.reasoning_blocks,
            server_tools=completion.server_tools,
            usage=usage,
            estimated=estimated,
            cost_usd=cost,
            billed=billed,
            ttft_ms=self.meter.ttft_ms,
            duration_ms=self.meter.duration_ms,
            finish_reason=completion.finish_reason,
            finish_reason_raw=completion.finish_reason_raw,
            error_code=None if error is None else str(error.code),
            error_message=None if error is None else error.message,
            retry_after_s=None if error is None else error.retry_after,
            state=state,
            provider=self.target.route.provider,
            model=self.target.route.model,
        )
