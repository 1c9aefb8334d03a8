"""An input for a secret (an API key, a token) that never carries it into a log.

Textual writes every message and event it dispatches to its log when ``TEXTUAL_LOG`` names a
file or devtools are connected (``MessagePump._on_message`` logs ``message >>> node``, as
``str(message)``). For a plain :class:`~textual.widgets.Input` that is, once per keystroke and
once per node the message bubbles through: ``Input.Changed(…, value='sk-ab…')`` with all that is
typed so far, ``Input.Submitted(…, value=…)`` with the whole key, ``Key(key='a', character='a')``
for each character and ``Paste(text=…)`` with a pasted key.

:class:`SecretInput` is an ``Input`` (``password=True`` by default) that closes each of these:

- the value in its ``Changed``, ``Submitted`` and ``Blurred`` messages is a :class:`HiddenStr`, a
  ``str``
  whose ``repr`` is ``'<hidden>'`` (the messages keep their types, so ``@on(Input.Submitted)``
  and ``on_input_changed`` handlers work unchanged, and the value works as any string);
- a printable key and a paste are handled by the input itself, without the dispatch that
  logs them (exactly what ``Input`` does with them: insert the text and stop the event).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.message import Message
from textual.widgets import Input


class HiddenStr(str):
    """A string whose ``repr`` does not show it (``'<hidden>'``); everything else is ``str``'s
    (slicing, ``strip()`` and the like return a plain ``str``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<hidden>'"


class SecretInput(Input):
    """An :class:`~textual.widgets.Input` for a secret: drawn as dots, and never logged.

    Takes every argument ``Input`` takes; ``password`` defaults to True (it can still be turned
    off, e.g. by a "show" toggle, which only changes what is drawn). Posts ``Input.Changed``,
    ``Input.Submitted`` and ``Input.Blurred`` as ``Input`` does, with the value as a
    :class:`HiddenStr`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("password", True)
        super().__init__(*args, **kwargs)

    def post_message(self, message: Message) -> bool:
        """Post ``message``; the value in this input's own messages (``Changed``,
        ``Submitted``, ``Blurred``: any with ``input`` and a ``value``) is hidden from its repr
        first."""
        value = getattr(message, "value", None)
        if getattr(message, "input", None) is self and isinstance(value, str):
            message.value = HiddenStr(value)  # type: ignore[attr-defined]
        return super().post_message(message)

    async def on_event(self, event: events.Event) -> None:
        """A printable key or a paste is typed in here, unlogged; any other event goes the
        usual way."""
        if isinstance(event, events.Key) and event.is_printable:
            await self._on_key(event)  # Input's own handler: inserts, stops the event
        elif isinstance(event, events.Paste):
            self._on_paste(event)  # Input's own handler: inserts the first line, stops it
        else:
            await super().on_event(event)
