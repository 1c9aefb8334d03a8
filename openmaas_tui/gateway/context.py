"""What every request of one gateway shares, and how a request becomes an exchange.

:meth:`Gateway.open_exchange` routes the client's ``model`` exactly as ``-m`` does
(:meth:`~openmaas_tui.providers.registry.Providers.target`), lets the target drop what the
model cannot take (each drop named), prices it and builds one
:class:`~openmaas_tui.core.exchange.pipeline.Exchange`, recording its spend in the ledger as the
gateway's (:class:`~openmaas_tui.core.history.recorder.SpendRecorder`) unless the gateway runs
with ``--no-log``. The exchange never retries: the client decides, from the status and
``retry-after`` it is given, whether to ask again (the SDKs do).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, fields

from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import NO_RETRY
from openmaas_tui.core.history.ledger import SpendSource
from openmaas_tui.core.history.recorder import SpendRecorder
from openmaas_tui.core.types import ChatRequest
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services

TARGET_TTL_S = 5.0
"""How long a resolved target is reused for the same ``model``, in seconds: resolving reads
the keyring on a thread (milliseconds a request), and a key set or deleted meanwhile is in
force within this time."""

GRACE_S = 5.0
"""How long open answers may take to finish once a stop is asked, in seconds."""

_PARAMS = tuple(
    f.name for f in fields(ChatRequest) if f.name not in ("model", "messages", "stream", "system")
)
"""The request's parameters a target may drop (:meth:`Target.prepare`)."""


@dataclass(frozen=True, slots=True)
class Opened:
    """A request made ready: the exchange to run and the parameters the target dropped."""

    exchange: Exchange
    dropped: tuple[str, ...]


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
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _targets: dict[str, tuple[float, Target]] = field(default_factory=dict)

    async def target(self, model: str) -> Target:
        """The target ``model`` routes to, resolved at most every :data:`TARGET_TTL_S`.

        Raises:
            OpenMaaSError: as :meth:`Providers.target`.
        """
        now = time.monotonic()
        cached = self._targets.get(model)
        if cached is not None and cached[0] > now:
            return cached[1]
        target = await self.services.providers.target(model)
        if len(self._targets) > 256:
            self._targets.clear()
        self._targets[model] = (now + TARGET_TTL_S, target)
        return target

    async def open_exchange(self, model: str, request: ChatRequest) -> Opened:
        """The exchange for ``request`` to ``model`` (routed as ``-m``).

        Raises:
            OpenMaaSError: INVALID_MODEL / INVALID_REQUEST from routing; MISSING_KEY when the
                provider has no key here.
        """
        services = self.services
        target = await self.target(model)
        prepared, _notes = target.prepare(request)
        dropped = tuple(
            name for name in _PARAMS if getattr(prepared, name) != getattr(request, name)
        )
        route = target.route
        price = services.prices.price(route.provider, route.model)
        recorder = SpendRecorder(services.history, SpendSource.GATEWAY) if self.record else None
        exchange = Exchange(
            target, prepared, price, recorder=recorder, live_estimate=False, retry=NO_RETRY
        )
        return Opened(exchange, dropped)
