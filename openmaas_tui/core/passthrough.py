"""A request that goes upstream in its own protocol, and the tap its answer's bytes run through.

The gateway's same-protocol requests (OpenAI chat to an OpenAI-compatible server, Responses to
OpenAI, Messages to Anthropic) are still one exchange each: the exchange meters, prices and
records every event as usual. What differs is only at the adapter's two ends: the body it sends
is the client's own (:attr:`Passthrough.body`, with the model routed and usage reporting forced),
and each piece of the answer's body is handed to :attr:`Passthrough.sink` as it arrives, before
the adapter parses it into events, so the client can be given the provider's very bytes.

An adapter honours a :class:`Passthrough` only when :attr:`Passthrough.protocol` is the wire
protocol it speaks; the caller checks that before attaching one (the target's ``protocol``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ByteSink = Callable[[bytes], None]
"""Takes one piece of a response body as received (any content-encoding already undone); must
not block (it is called on the hot path, once per piece read from the socket)."""


@dataclass(frozen=True, slots=True, eq=False)
class Passthrough:
    """The client's own request body for a same-protocol request, and where the answer's bytes
    go.

    Attributes:
        protocol: the wire protocol the body is written in, as a provider spec names it
            (``openai``, ``openai-responses``, ``anthropic``).
        body: the request's JSON object as the client sent it. The adapter sends it as is
            except ``model`` (set to the routed model id), ``stream`` (set as the request
            says) and the protocol's usage switch (Chat Completions:
            ``stream_options.include_usage`` forced on), so usage is always known.
        sink: called with each piece of the response body, in order, before it is parsed;
            None to only read the events.
        headers: request headers of the client's to send upstream as well (Anthropic's
            ``anthropic-beta`` and ``anthropic-version``); the adapter takes only the names
            its protocol lets a client choose, never an auth header.
    """

    protocol: str
    body: Mapping[str, Any]
    sink: ByteSink | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def sent(self, model: str, stream: bool) -> dict[str, Any]:
        """The body to send: the client's, with ``model`` set to the routed model id and
        ``stream`` to ``true`` on a stream (left out otherwise); every other field as the
        client wrote it."""
        body = {**self.body, "model": model}
        if stream:
            body["stream"] = True
        else:
            body.pop("stream", None)
        return body
