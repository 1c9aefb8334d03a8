"""The deltas of one read of a stream, merged before they go on.

A provider writes its stream a few kilobytes at a time, so one read of the socket often holds
dozens of events, one token each. Everything after the adapter (the exchange's meter, the
history's recorder, a face or the gateway's relay) works once per event it is given: an adapter
that hands on the text of one read as one :class:`~openmaas_tui.core.types.TextDelta` makes that
work once per read instead. What is merged is only what joins without loss: consecutive text
deltas, and consecutive reasoning deltas that carry nothing but text (no signature, redaction,
id or parts) from the same origin. Any other event (a tool call's delta, a finish, a usage
report, a server tool) ends a run and keeps its place, so the order of everything is kept and
the answer's text, reasoning, tool calls, finish and usage come out exactly as unmerged.

The first content event of a stream is handed on alone, as soon as it is read
(:class:`ReadEvents`): its arrival is the answer's time to first token. :func:`read_by_read`
is the loop an adapter runs its reads through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TypeVar

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.types import Finish, ReasoningDelta, StreamEvent, TextDelta, UsageReport


def _plain(event: ReasoningDelta) -> bool:
    """Whether a reasoning delta is text alone (it joins with its neighbours)."""
    return (
        event.signature is None and event.redacted is None and event.id is None and not event.parts
    )


def _joined(run: list[StreamEvent]) -> StreamEvent:
    """One event for a run of text deltas, or of plain reasoning deltas of one origin."""
    first = run[0]
    if len(run) == 1:
        return first
    text = "".join([event.text for event in run])  # type: ignore[union-attr]
    if type(first) is TextDelta:
        return TextDelta(text)
    assert isinstance(first, ReasoningDelta)
    return ReasoningDelta(text, origin=first.origin)


def merged(events: list[StreamEvent]) -> list[StreamEvent]:
    """``events`` with each run of consecutive text deltas joined into one, and each run of
    consecutive plain reasoning deltas of one origin into one (see the module docstring);
    every other event kept in its place, ending the run before it.

    Args:
        events: the events of one read, in order.

    Returns:
        The merged events, in order (``events`` itself when there is nothing to merge).
    """
    if len(events) < 2:
        return events
    out: list[StreamEvent] = []
    run: list[StreamEvent] = []
    kind: object = None  # what the run holds: TextDelta, or ReasoningDelta's origin
    for event in events:
        cls = type(event)
        if cls is TextDelta:
            key: object = TextDelta
        elif cls is ReasoningDelta and _plain(event):  # type: ignore[arg-type]
            key = event.origin  # type: ignore[union-attr]
        else:
            if run:
                out.append(_joined(run))
                run = []
            kind = None
            out.append(event)
            continue
        if run and key != kind:
            out.append(_joined(run))
            run = []
        kind = key
        run.append(event)
    if run:
        out.append(_joined(run))
    return out


class ReadEvents:
    """The events of the read being parsed, handed on merged once it is (:meth:`take`), except
    the stream's first content event, handed on at once (:attr:`early`).

    An adapter adds the events of each SSE event of a read with :meth:`add` (or, for an event
    that is nothing but a piece of text, that text with :meth:`add_text`, building no event for
    it), checks :attr:`early` after each (one attribute read) and yields :meth:`take`'s events
    when it is true, and yields :meth:`take`'s events at the end of the read and before raising.

    Attributes:
        early: True while nothing of the answer itself (text, reasoning, a tool call) was handed
            on and events wait: hand them on now, for the time to first token.
    """

    __slots__ = ("_events", "_text", "_shown", "early")

    def __init__(self) -> None:
        self._events: list[StreamEvent] = []
        self._text: list[str] = []  # the text added since the last event, not yet an event
        self._shown = False
        self.early = False

    def add(self, events: Sequence[StreamEvent]) -> None:
        """Take the events of one SSE event of the read, in order."""
        if events:
            if self._text:
                self._end_text()
            self._events += events
            self.early = not self._shown

    def add_text(self, text: str) -> None:
        """Take one SSE event that is a piece of the answer's text and nothing else: the same as
        ``add([TextDelta(text)])``, without an event per piece (``text`` is not empty)."""
        self._text.append(text)
        self.early = not self._shown

    def _end_text(self) -> None:
        """The text added since the last event, as one text delta after it."""
        self._events.append(TextDelta("".join(self._text)))
        self._text = []

    def take(self) -> list[StreamEvent]:
        """The events added since the last take, merged (:func:`merged`); they are forgotten
        here."""
        if self._text:
            self._end_text()
        events = self._events
        if not events:
            return events
        self._events = []
        if not self._shown:
            self._shown = any(type(event) not in _NOT_CONTENT for event in events)
            self.early = False
            return events
        return merged(events)


_NOT_CONTENT = (UsageReport, Finish)
"""The events that are not the answer itself: they do not end the wait for the first token."""

Item = TypeVar("Item")


async def read_by_read(
    reads: AsyncIterator[Sequence[Item]], add: Callable[[Item, ReadEvents], bool]
) -> AsyncIterator[StreamEvent]:
    """The events of a stream read a read at a time (an SSE event's data, or the event, per
    item), each read's merged (:class:`ReadEvents`), the first content event at once.

    Args:
        reads: the items of each read of the body, a list per read.
        add: adds one item's events to the read's (:meth:`ReadEvents.add`,
            :meth:`ReadEvents.add_text`) and returns True at the stream's terminal item
            (``data: [DONE]``), which ends the events: the items after it are not looked at,
            and the caller reads the rest of ``reads`` (:mod:`.drain`).

    Raises:
        OpenMaaSError: whatever ``add`` raises, after every event added before it (in the same
            read too) was yielded.
    """
    read = ReadEvents()
    async for items in reads:
        ended = False
        try:
            for item in items:
                if add(item, read):
                    ended = True
                    break
                if read.early:
                    for event in read.take():
                        yield event
        except OpenMaaSError:
            for event in read.take():  # what came before the failure is kept
                yield event
            raise
        for event in read.take():
            yield event
        if ended:
            return
