"""What every request of one gateway shares, and how a request becomes an exchange.

:meth:`Gateway.open_exchange` routes the client's ``model`` exactly as ``-m`` does
(:meth:`~openmaas_tui.providers.registry.Providers.target`), lets the target drop what the
model cannot take (each drop named), prices it and builds one
:class:`~openmaas_tui.core.exchange.pipeline.Exchange`, recording its spend in the ledger as the
gateway's (:class:`~openmaas_tui.core.history.recorder.SpendRecorder`), with the client and the
status it was answered with (:mod:`~openmaas_tui.gateway.client`), unless the gateway runs
with ``--no-log``. The exchange never retries: the client decides, from the status and
``retry-after`` it is given, whether to ask again (the SDKs do).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields, replace

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import NO_RETRY
from openmaas_tui.core.history.ledger import SpendSource
from openmaas_tui.core.history.recorder import SpendRecorder
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.core.types import ChatRequest
from openmaas_tui.gateway.client import ASKED, answered_status
from openmaas_tui.gateway.stop import StopSignal
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services

TARGET_TTL_S = 5.0
"""How long a resolved target is reused for the same ``model``, in seconds: resolving reads
the keyring on a thread (milliseconds a request), and a key set or deleted meanwhile is in
force within this time."""

LEDGER_WINDOW_S = 0.05
"""How long a request's spend waits for others' before they go into the ledger together, in
seconds (:class:`~openmaas_tui.core.history.spend_batch.SpendBatcher`): its answer was sent in
full before, so no client waits for it, and a gateway answering back to back writes once every
few dozen answers instead of during the next one."""

GRACE_S = 5.0
"""How long open answers may take to finish once a stop is asked, in seconds."""

_PARAMS = tuple(
    f.name
    for f in fields(ChatRequest)
    if f.name not in ("model", "messages", "stream", "system", "passthrough")
)
"""The request's parameters a target may drop (:meth:`Target.prepare`)."""


STOPPING = OpenMaaSError(
    ErrorCode.PROVIDER_UNAVAILABLE,
    "the gateway is stopping; the answer was cut short",
    status=503,
    hint="ask again once `openmaas serve` runs again",
)
"""Why an answer still open when the stop's grace ran out ended early."""


_WIRE_NAMES: dict[str, tuple[str, ...]] = {
    "max_tokens": ("max_tokens", "max_completion_tokens", "max_output_tokens"),
    "response_format": ("response_format", "text"),
    "reasoning_effort": ("reasoning_effort", "reasoning"),
    "stop": ("stop", "stop_sequences"),
    "thinking_budget": ("thinking",),
}
"""The body fields of a request parameter, where they differ from its name (Chat Completions,
Responses and Messages: https://platform.openai.com/docs/api-reference/chat/create,
https://platform.openai.com/docs/api-reference/responses/create,
https://docs.anthropic.com/en/api/messages)."""


def _without(own: Passthrough, dropped: tuple[str, ...]) -> Passthrough:
    """``own`` without the body fields of the parameters the model cannot take (the catalog's
    word, as on the translated path): everything else goes as the client sent it."""
    if not dropped:
        return own
    names = {wire for name in dropped for wire in _WIRE_NAMES.get(name, (name,))}
    body = {key: value for key, value in own.body.items() if key not in names}
    return replace(own, body=body)


@dataclass(frozen=True, slots=True)
class Opened:
    """A request made ready: the exchange to run, the parameters the target dropped, and
    whether it goes through in its own protocol (the client's body sent as is, the answer's
    bytes handed back as received: :class:`~openmaas_tui.core.passthrough.Passthrough`)."""

    exchange: Exchange
    dropped: tuple[str, ...]
    passthrough: bool = False


@dataclass(slots=True)
class Gateway:
    """One running gateway.

    Attributes:
        services: the run's services (providers, keys, prices, the history).
        token: the bearer token clients must send (ASCII bytes).
        record: whether each request's spend goes into the history's ledger.
        stopping: set when the gateway is asked to stop (ctrl+c, SIGTERM): open answers get
            :data:`GRACE_S` seconds to finish, then are closed with an error chunk.
    """

    services: Services
    token: bytes
    record: bool = True
    stopping: StopSignal = field(default_factory=StopSignal)
    _targets: dict[str, tuple[float, Target]] = field(default_factory=dict)

    async def target(self, model: str, api: Api | None = None) -> Target:
        """The target ``model`` routes to (through ``api`` where the provider offers both of
        OpenAI's), resolved at most every :data:`TARGET_TTL_S`.

        Raises:
            OpenMaaSError: as :meth:`Providers.target`.
        """
        now = time.monotonic()
        key = model if api is None else f"{model}\n{api}"
        cached = self._targets.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        target = await self.services.providers.target(model, api=api)
        if len(self._targets) > 256:
            self._targets.clear()
        self._targets[key] = (now + TARGET_TTL_S, target)
        return target

    async def open_exchange(
        self,
        model: str,
        request: ChatRequest,
        own: Passthrough | None = None,
        api: Api | None = None,
    ) -> Opened:
        """The exchange for ``request`` to ``model`` (routed as ``-m``).

        Args:
            model: the client's ``model`` field.
            request: the request as read from the client's body.
            own: the client's body in its own protocol, and the tap for the answer's bytes:
                used when the target speaks that protocol (nothing is dropped then: the body
                goes as sent), ignored otherwise (the request is translated).
            api: which of OpenAI's two APIs to ask where the provider offers both, or None
                to let the settings and the catalog decide (as ``-m`` does).

        Raises:
            OpenMaaSError: INVALID_MODEL / INVALID_REQUEST from routing; MISSING_KEY when the
                provider has no key here.
        """
        services = self.services
        target = await self.target(model, api)
        prepared, _notes = target.prepare(request)
        dropped = tuple(
            name for name in _PARAMS if getattr(prepared, name) != getattr(request, name)
        )
        passthrough = own is not None and own.protocol == target.protocol
        if own is not None and passthrough:
            prepared = replace(prepared, passthrough=_without(own, dropped))
        route = target.route
        price = services.prices.price(route.provider, route.model)
        recorder = None
        if self.record:
            recorder = SpendRecorder(
                services.history, SpendSource.GATEWAY, window_s=LEDGER_WINDOW_S
            )
        exchange = Exchange(
            target, prepared, price, recorder=recorder, live_estimate=False, retry=NO_RETRY
        )
        asked = ASKED.get()
        if recorder is not None and asked is not None:  # who asked, and what they were told
            recorder.client = asked.client
            recorder.status = lambda _: answered_status(
                exchange.error, exchange.stopped, asked.error_status
            )
        return Opened(exchange, dropped, passthrough)
