"""The gateway's stop (ctrl+c, SIGTERM), told to every open answer by a call, not a wait.

Each open answer must hear of the stop at once, to give itself
:data:`~openmaas_tui.gateway.context.GRACE_S` seconds before it is closed. An
``asyncio.Event`` would need one task per answer waiting on it; :class:`StopSignal` keeps a
callback per answer instead, which costs no task and no turn of the event loop on the way to an
answer's first byte.
"""

from __future__ import annotations

from collections.abc import Callable


class StopSignal:
    """Set once, when the gateway is asked to stop; calls back whoever subscribed.

    Not thread-safe: set it on the event loop's thread (``loop.call_soon_threadsafe``).
    """

    __slots__ = ("_callbacks", "_set")

    def __init__(self) -> None:
        self._set = False
        self._callbacks: dict[Callable[[], None], None] = {}  # ordered: called as subscribed

    def is_set(self) -> bool:
        """Whether the gateway was asked to stop."""
        return self._set

    def set(self) -> None:
        """Mark the stop and call every subscriber once (a second call does nothing)."""
        if self._set:
            return
        self._set = True
        callbacks, self._callbacks = self._callbacks, {}
        for callback in callbacks:
            callback()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the stop is set: now, if it already is."""
        if self._set:
            callback()
        else:
            self._callbacks[callback] = None

    def unsubscribe(self, callback: Callable[[], None]) -> None:
        """Forget ``callback`` (nothing happens if it was never subscribed or already called)."""
        self._callbacks.pop(callback, None)
