"""Holding the app's frames while what the next one shows is still being read.

A frame drawn while the rows of a list are being read shows those rows blank; worse, Textual's
update timer then waits one or two of its ticks (16.7–33 ms at 60 fps) before it draws again,
so the frame with the rows comes later than if nothing had been drawn. :class:`FrameHold` holds
every frame (Textual's batch update) from :meth:`FrameHold.hold` until
:meth:`FrameHold.release`, and at most a set time, so a slow read never freezes the screen:
then the screen draws at once, what was read in the same frame as what moved.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from textual.timer import Timer
from textual.widget import Widget


class FrameHold:
    """Holds the app's frames for ``widget``, for at most ``max_s`` seconds at a time.

    Args:
        widget: whose app's frames are held; its timer ends a hold that lasts too long, and
            unmounting it must :meth:`release` (a hold left on would freeze every screen).
        max_s: the longest a hold lasts, in seconds.
    """

    def __init__(self, widget: Widget, max_s: float) -> None:
        self._widget = widget
        self._max_s = max_s
        self._batch: AbstractContextManager[None] | None = None
        self._timer: Timer | None = None

    @property
    def held(self) -> bool:
        """Whether frames are held now."""
        return self._batch is not None

    def hold(self) -> None:
        """Hold the frames (a second hold while one lasts changes nothing)."""
        if self._batch is not None:
            return
        batch = self._widget.app.batch_update()
        batch.__enter__()
        self._batch = batch
        self._timer = self._widget.set_timer(self._max_s, self.release, name="frame hold")

    def release(self) -> None:
        """Let the screen draw again, at once (nothing happens when nothing is held)."""
        if self._batch is None:
            return
        batch, self._batch = self._batch, None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        batch.__exit__(None, None, None)
        if self._widget.is_attached:
            self._widget.screen.check_idle()  # the screen draws what changed while held
