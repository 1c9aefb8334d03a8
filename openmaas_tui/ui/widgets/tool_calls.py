"""An answer's tool calls: one collapsible block per call with the function's name and its
arguments pretty-printed, growing as the call streams in, and a field for the person's result.

:class:`ToolCalls` holds the blocks of one answer. While the answer streams, each
:class:`~openmaas_tui.core.types.ToolCallDelta` is taken in O(1) (:meth:`ToolCalls.add`) and
drawn when the owner's counters timer asks (:meth:`ToolCalls.render_pending`), so a call whose
arguments arrive a character at a time costs one drawing per tick. Once the answer has ended
(or a chat is reopened with calls not answered yet), :meth:`ToolCalls.ask_results` gives each
block a result field: ``enter`` moves to the next empty one and, once every call has a result,
posts :class:`ToolCalls.Answered`; ``ctrl+e`` marks a result as the tool's failure. Everything
a model or a person wrote is shown inert (:func:`~openmaas_tui.core.text.terminal.terminal_safe`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message as TMessage
from textual.widgets import Collapsible, Input, Static

from openmaas_tui.core.sessions.conversation import SessionMessage
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.tools import call_id_for
from openmaas_tui.core.types import Message, ToolCall, ToolCallDelta
from openmaas_tui.ui.markup_text import markup_literal


def arguments_text(arguments: str) -> str:
    """The arguments as shown: JSON pretty-printed (two spaces), or as they are while they
    are not whole JSON yet (streaming) or not JSON at all; ``{}`` when empty."""
    if not arguments.strip():
        return "{}"
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return arguments
    return json.dumps(parsed, indent=2, ensure_ascii=False)


def call_title(name: str, call_id: str) -> str:
    """A block's title, ``ƒ get_weather · call_abc``, inert (the title is read as markup)."""
    return markup_literal(f"ƒ {name or '…'} · {call_id}")


class ToolCallBlock(Vertical):
    """One tool call: its title (click or ``enter`` opens and closes it), its arguments and,
    when asked for, the person's result.

    Args:
        index: the call's place in the answer (0-based), its id when the provider gave none.
        call: the call so far (name, arguments, id).

    Attributes:
        call: the call as drawn last.
        failed: the result is marked as the tool's failure (``ctrl+e``).
    """

    DEFAULT_CSS = """
    ToolCallBlock { height: auto; margin: 1 0 0 0; border-left: thick $accent 50%; }
    ToolCallBlock > Collapsible { margin: 0; padding: 0; border: none; }
    ToolCallBlock .arguments { padding: 0 1; color: $text-muted; }
    ToolCallBlock > Input { margin: 0 1; }
    ToolCallBlock > .failed-mark { display: none; color: $text-error; padding: 0 1; }
    ToolCallBlock.-failed > .failed-mark { display: block; }
    """

    BINDINGS = [
        Binding("ctrl+e", "toggle_failed", "Tool failed", id="tool_call.failed", priority=True),
    ]

    def __init__(self, index: int, call: ToolCall) -> None:
        super().__init__(classes="tool-call")
        self.index = index
        self.call = call
        self.failed = False
        self._arguments = Static(arguments_text(call.arguments), classes="arguments", markup=False)
        self._block = Collapsible(self._arguments, title=self.title(), collapsed=False)
        self.result: Input | None = None
        """The result field, once asked for (:meth:`ask_result`)."""

    @property
    def call_id(self) -> str:
        """The id the result quotes (``call_INDEX`` when the provider gave none)."""
        return call_id_for(self.call, self.index)

    def title(self) -> str:
        """The block's title as drawn."""
        return self.title_for(self.call)

    @property
    def collapsed(self) -> bool:
        """Whether the arguments are hidden."""
        return self._block.collapsed

    def compose(self) -> ComposeResult:
        yield self._block
        yield Static("✗ marked as the tool's failure", classes="failed-mark", markup=False)

    def show(self, call: ToolCall) -> None:
        """Draw ``call`` (the same call, more of it arrived)."""
        if call.name != self.call.name or call.id != self.call.id:
            self._block.title = self.title_for(call)
        if call.arguments != self.call.arguments:
            self._arguments.update(arguments_text(call.arguments))
        self.call = call

    def title_for(self, call: ToolCall) -> str:
        """The title ``call`` is drawn with."""
        return call_title(call.name, call_id_for(call, self.index))

    async def ask_result(self) -> Input:
        """Give the block its result field (once)."""
        if self.result is None:
            self.result = Input(
                placeholder=terminal_safe(f"result of {self.call.name} · enter sends"),
                classes="tool-result-input",
            )
            await self.mount(self.result, before=self.query_one(".failed-mark"))
            self.refresh_bindings()
        return self.result

    async def close_result(self) -> None:
        """Take the result field away (the result was sent)."""
        if self.result is not None:
            field, self.result = self.result, None
            await field.remove()
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``ctrl+e`` is offered only while the result can be typed."""
        return self.result is not None if action == "toggle_failed" else True

    def action_toggle_failed(self) -> None:
        """Mark the result as the tool's failure, or no longer."""
        self.failed = not self.failed
        self.set_class(self.failed, "-failed")

    def tool_result(self) -> Message | None:
        """The result typed, as the message that carries it, or None while it is empty."""
        text = self.result.value.strip() if self.result is not None else ""
        if not text:
            return None
        return Message.tool_result(self.call_id, self.call.name, text, is_error=self.failed)


class ToolCalls(Vertical):
    """The tool calls of one answer, a block each, in the order the model made them.

    Args:
        calls: the calls already whole (an answer from the history), or none (streaming).
    """

    DEFAULT_CSS = """
    ToolCalls { height: auto; padding: 0 1 0 0; }
    """

    @dataclass
    class Answered(TMessage):
        """Every call of an answer has its result, and the person sent them.

        Attributes:
            calls: the answer's blocks.
            results: one tool-result message per call, in the calls' order.
        """

        calls: ToolCalls
        results: tuple[Message, ...]

    def __init__(self, calls: Sequence[ToolCall] = ()) -> None:
        super().__init__(classes="tool-calls")
        self._parts: dict[int, list[str]] = {}
        self._calls: dict[int, ToolCall] = dict(enumerate(calls))
        self._dirty = False
        self.blocks: list[ToolCallBlock] = [ToolCallBlock(i, c) for i, c in enumerate(calls)]

    def compose(self) -> ComposeResult:
        yield from self.blocks

    def add(self, delta: ToolCallDelta) -> None:
        """Take a piece of a call as it streams (drawn by :meth:`render_pending`)."""
        call = self._calls.get(delta.index, ToolCall("", ""))
        if delta.arguments:
            self._parts.setdefault(delta.index, [call.arguments]).append(delta.arguments)
        self._calls[delta.index] = ToolCall(
            call.name or delta.name or "", call.arguments, call.id or delta.id
        )
        self._dirty = True

    def calls(self) -> list[ToolCall]:
        """The calls as received so far, in order."""
        out = []
        for index in sorted(self._calls):
            call, parts = self._calls[index], self._parts.get(index)
            if parts:
                call = ToolCall(call.name, "".join(parts), call.id)
                self._calls[index], self._parts[index] = call, [call.arguments]
            out.append(call)
        return out

    async def render_pending(self) -> None:
        """Draw what arrived since the last time: new blocks mounted, the others updated."""
        if not self._dirty:
            return
        self._dirty = False
        await self.show_calls(self.calls())

    async def show_calls(self, calls: Sequence[ToolCall]) -> None:
        """Draw ``calls``: a block each, those already there updated."""
        for block, call in zip(self.blocks, calls, strict=False):
            block.show(call)
        new = [ToolCallBlock(i, c) for i, c in enumerate(calls) if i >= len(self.blocks)]
        if new:
            self.blocks += new
            await self.mount_all(new)

    async def ask_results(self) -> None:
        """Give every block its result field and focus the first."""
        fields = [await block.ask_result() for block in self.blocks]
        if fields:
            fields[0].focus()

    async def close_results(self) -> None:
        """Take the result fields away (the results were sent)."""
        for block in self.blocks:
            await block.close_result()

    @on(Input.Submitted, ".tool-result-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        results = [block.tool_result() for block in self.blocks]
        missing = [b for b, r in zip(self.blocks, results, strict=True) if r is None]
        if missing:
            if missing[0].result is not None:
                missing[0].result.focus()
            plural = "s" * (len(missing) != 1)
            self.notify(f"{len(missing)} call{plural} still need a result.", timeout=3)
            return
        self.post_message(self.Answered(self, tuple(r for r in results if r is not None)))


class ToolResultView(Static):
    """A tool's result as the person gave it: the call it answers, the text, and a mark when
    the tool failed.

    Args:
        record: the result (a session message of role ``tool``).
    """

    DEFAULT_CSS = """
    ToolResultView {
        height: auto; padding: 0 1; margin: 1 0 0 0;
        border-left: thick $success 50%; background: $boost;
    }
    ToolResultView.-failed { border-left: thick $error; }
    """

    def __init__(self, record: SessionMessage) -> None:
        mark = " · ✗ failed" if record.is_error else ""
        head = f"↳ result of {record.tool_name or '?'} · {record.tool_call_id or '?'}{mark}"
        super().__init__(
            terminal_safe(f"{head}\n{record.text}"),
            markup=False,
            classes="tool-result -failed" if record.is_error else "tool-result",
        )
        self.record: SessionMessage | None = record
