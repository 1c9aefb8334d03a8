"""Failed workers, reported in one place.

Textual tells a worker's end only to the node that started it: ``Worker.StateChanged`` does not
bubble. Every screen and widget of ours that starts workers mixes in :class:`WorkerOwner`, which
passes a failure on as :class:`WorkerOwner.WorkerFailed`, a message that does bubble, so the
app's one handler shows them all the same way: :func:`failure_text` (the error's code and
message, keys masked, control characters made visible, never a traceback) under "Could not"
and the worker's description.

Every worker of the UI is started with a ``group``, ``exit_on_error=False`` (a failure is
reported, it never ends the app), a ``description`` that reads after "Could not" ("stream the
answer", "read the keys"), and ``exclusive=True`` where a newer run replaces an older one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from openmaas_tui.core.credentials.redact import redact
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.text.terminal import terminal_safe

MAX_FAILURE_CHARS = 300
"""The longest failure text shown; an exception's message can be a whole response body."""


def failure_text(error: BaseException) -> str:
    """What a failed worker's notification says.

    Returns:
        ``CODE: message`` for an :class:`OpenMaaSError`, ``ExceptionName: message`` for any
        other exception; keys masked, control characters shown inert (``ESC`` as ``␛``, see
        :func:`~openmaas_tui.core.text.terminal.terminal_safe`), at most
        :data:`MAX_FAILURE_CHARS` characters.
    """
    if isinstance(error, OpenMaaSError):
        text = f"{error.code}: {error.message}"
    else:
        name, said = type(error).__name__, str(error)
        text = redact(f"{name}: {said}" if said else name)
    text = terminal_safe(text)
    if len(text) > MAX_FAILURE_CHARS:
        text = text[: MAX_FAILURE_CHARS - 1] + "…"
    return text


class WorkerOwner(MessagePump):
    """Mixed into a screen or widget that starts workers: their failures go up to the app as
    :class:`WorkerOwner.WorkerFailed`."""

    @dataclass
    class WorkerFailed(Message):
        """A worker ended with an error (the app shows it once, see :func:`failure_text`).

        Attributes:
            worker: the worker; its ``description`` says what it was doing.
            error: what it raised.
        """

        worker: Worker[Any]
        error: BaseException

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Pass a worker's failure on, up to the app."""
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            self.post_message(WorkerOwner.WorkerFailed(event.worker, error))
