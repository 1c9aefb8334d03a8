"""Asking again, automatically, when a request was refused before any of its answer arrived.

The exchange retries only a *transient* failure (:attr:`OpenMaaSError.transient`: 429, 503,
529, overloaded, a refused or reset connection) that came before the first event: nothing of
the answer has been shown, metered or recorded, so asking again can never duplicate a message.
It waits what the provider asked (``retry-after``) when that is at most
:attr:`RetryPolicy.cap_s`, else exponential backoff with jitter; a provider asking for longer
than the cap is not retried (the person sees the wait and decides). Each wait is announced as a
:class:`RetryWait` event the faces draw ("rate limited, retrying in 4 s…"), and is an ordinary
``asyncio.sleep``: cancelling the exchange (escape, ctrl+c) ends it at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

_WHAT = {
    ErrorCode.RATE_LIMITED: "rate limited",
    ErrorCode.PROVIDER_UNAVAILABLE: "provider overloaded",
    ErrorCode.STREAM_CONNECTION_FAILED: "could not connect",
}


@dataclass(frozen=True, slots=True)
class RetryWait:
    """The exchange waits before asking again (a notice for the faces, not part of the answer).

    Attributes:
        error: why the last attempt failed (its code, message and ``retry_after``).
        wait_s: seconds the exchange waits before the next attempt.
        retry: which retry comes next, from 1.
        retries: the most retries the exchange makes.
    """

    error: OpenMaaSError
    wait_s: float
    retry: int
    retries: int

    @property
    def text(self) -> str:
        """One line for a status or stderr: ``rate limited, retrying in 4 s… (1 of 2)``."""
        what = _WHAT.get(self.error.code, str(self.error.code))
        if self.error.status is not None:
            what += f" (HTTP {self.error.status})"
        return f"{what}, retrying in {format_wait(self.wait_s)}… ({self.retry} of {self.retries})"


def format_wait(seconds: float) -> str:
    """``4 s``, ``0.5 s``, ``2 min 5 s``: a wait as a person reads it."""
    if seconds < 1:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait before asking again.

    Attributes:
        retries: the most retries after the first attempt (0 turns retrying off).
        cap_s: the longest wait taken, in seconds: a ``retry-after`` beyond it is not waited.
        base_s: the first backoff, in seconds, when the provider named no wait; it doubles
            with each retry, and a random jitter takes it down by up to half.
        random: a source of numbers in [0, 1) for the jitter (tests pass a fixed one).
    """

    retries: int = 2
    cap_s: float = 10.0
    base_s: float = 1.0
    random: Callable[[], float] = field(default=random.random, compare=False)

    def wait_s(self, error: OpenMaaSError, retry: int) -> float | None:
        """Seconds to wait before retry number ``retry`` (from 1) after ``error``, or None
        when it is not to be retried (not transient, out of retries, or a longer wait asked)."""
        if not error.transient or retry > self.retries:
            return None
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.cap_s else None
        backoff = self.base_s * 2.0 ** (retry - 1)
        return min(self.cap_s, backoff * (1 - self.random() / 2))


NO_RETRY = RetryPolicy(retries=0)
"""A policy that never retries."""
