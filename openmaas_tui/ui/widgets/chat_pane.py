"""One session's conversation pane, and the welcome shown at the top of a new one.

The pane shows a session's history lazily: it mounts only the last few messages (about two screens:
:func:`batch_start`) as light widgets (:mod:`openmaas_tui.ui.widgets.message_view`), and mounts the
batch before them when the person scrolls to the top or moves the selection above the first one
shown. So opening a session of ten thousand messages costs what opening one of a dozen does.

Messages are selected from the keyboard: with the pane focused (ctrl+t), ``up``/``down`` move the
selection and ``r`` regenerates the last answer, ``e`` edits a message of the person's, ``c``
copies, ``t`` opens or closes the selected answer's reasoning, ``d`` deletes (the playground asks
first) and ``x`` clears the session (it asks too). The pane copies by itself; every change to
the session is asked of the playground with a message, and the playground tells the pane what
to show.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass

from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from openmaas_tui.core.sessions.conversation import Session, SessionMessage, unanswered_calls
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.message_view import FinishedAnswer, ToolAnswer, UserMessage
from openmaas_tui.ui.widgets.tool_calls import ToolResultView
from openmaas_tui.ui.widgets.welcome import Welcome
from openmaas_tui.ui.workers import WorkerOwner

HISTORY_BATCH = 16
"""Most messages of a session's history mounted at a time: on opening, and at each step back."""

HISTORY_LINES = 90
"""Lines of history (estimated) mounted at a time: about two screens, so that opening a session
draws no more than it shows, and one step back draws a screen or two."""


def estimated_lines(record: SessionMessage, width: int = 90) -> int:
    """About how many lines ``record`` takes on screen (its widget's margins included)."""
    text = record.text
    return 3 + text.count("\n") + len(text) // width


def batch_start(messages: list[SessionMessage], end: int) -> int:
    """Where the batch of history that ends before ``end`` starts: back from ``end`` until
    :data:`HISTORY_LINES` (estimated) or :data:`HISTORY_BATCH` messages are taken, and at least
    two (so that the last question is shown with its answer, however long)."""
    start, lines = end, 0
    while start > 0 and (
        end - start < 2 or (lines < HISTORY_LINES and end - start < HISTORY_BATCH)
    ):
        start -= 1
        lines += estimated_lines(messages[start])
    return start


MessageWidget = UserMessage | FinishedAnswer | AnswerView | ToolAnswer | ToolResultView
"""The widgets that show a message of the session (and can be selected)."""


class EarlierMessages(Static):
    """Says how many earlier messages are not shown yet (reaching the top shows more)."""

    DEFAULT_CSS = """
    EarlierMessages { color: $text-muted; text-style: italic; padding: 0 1; margin: 1 0 0 0; }
    """

    def show_count(self, count: int) -> None:
        """Say that ``count`` earlier messages are hidden."""
        plural = "s" * (count != 1)
        self.update(f"↑ {count:,} earlier message{plural} · scroll up or select upwards")


def message_widget(record: SessionMessage, session: Session | None = None) -> Widget:
    """The light widget showing one message of ``session``'s history (an answer's tool calls
    take results while none follows it)."""
    if record.is_user:
        return UserMessage(record)
    if record.is_tool_result:
        return ToolResultView(record)
    if record.tool_calls:
        answerable = session is not None and unanswered_calls(session, record)
        return ToolAnswer(record, answerable=answerable)
    return FinishedAnswer(record)


def record_of(widget: Widget) -> SessionMessage | None:
    """The session message ``widget`` shows (None for an answer still streaming)."""
    return getattr(widget, "record", None)


class ChatPane(WorkerOwner, VerticalScroll):
    """One session's conversation. Once it overflows it is anchored (Textual's compositor keeps
    it scrolled to the last line while an answer grows) until the person scrolls up; scrolling
    back to the end, or sending, follows again. Anchoring waits for the overflow because an
    anchored pane bottom-aligns short content, which would push the welcome down.

    Args:
        session: the session shown; its messages are shown lazily (the last few first).
        welcome: show the welcome at the top (a new session).
    """

    BINDINGS = [
        Binding("up", "select(-1)", "Previous", show=False, id="chat.previous"),
        Binding("down", "select(1)", "Next", show=False, id="chat.next"),
        Binding("r", "regenerate", "Regenerate", id="chat.regenerate"),
        Binding("e", "edit", "Edit", id="chat.edit"),
        Binding("c", "copy", "Copy", id="chat.copy"),
        Binding("t", "toggle_reasoning", "Reasoning", id="chat.reasoning"),
        Binding("d,delete", "delete", "Delete", id="chat.delete"),
        Binding("x", "clear", "Clear chat", id="chat.clear"),
    ]

    @dataclass
    class RegenerateRequested(Message):
        """The person asked for the last answer again."""

        pane: ChatPane

    @dataclass
    class EditRequested(Message):
        """The person asked to edit one of their messages and send it again from there."""

        pane: ChatPane
        record: SessionMessage

    @dataclass
    class DeleteRequested(Message):
        """The person asked to delete one message (the playground asks before it does)."""

        pane: ChatPane
        record: SessionMessage

    @dataclass
    class ClearRequested(Message):
        """The person asked to delete every message of the session."""

        pane: ChatPane

    def __init__(self, session: Session, *, welcome: bool = False) -> None:
        super().__init__(id=f"chat-{session.id}", classes="chat")
        self.session = session
        self.selected: Widget | None = None
        """The selected message's widget (highlighted while the pane has focus)."""
        self.hidden = batch_start(session.messages, len(session.messages))
        """How many of the session's first messages are not mounted yet."""
        self._earlier = EarlierMessages(classes="earlier")
        self._loading = False
        if welcome:
            self.compose_add_child(Welcome())
        if self.hidden:
            self._earlier.show_count(self.hidden)
            self.compose_add_child(self._earlier)
        for record in session.messages[self.hidden :]:
            self.compose_add_child(message_widget(record, session))

    # -- following the end ----------------------------------------------------------------

    def watch_virtual_size(self, size: Size) -> None:
        if not self.is_anchored and size.height > self.scrollable_content_region.height:
            self.anchor()
        elif self.hidden and 0 < size.height <= self.scrollable_content_region.height:
            self.call_later(self.show_earlier)  # the last few do not fill the pane

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value <= 0 < old_value and self.hidden:
            self.call_later(self.show_earlier)

    def follow(self) -> None:
        """Follow the end again (after the person scrolled up), if the pane overflows."""
        if self.is_anchored:
            self.anchor()

    # -- history --------------------------------------------------------------------------

    async def show_earlier(self) -> int:
        """Mount the batch of messages before the first one shown, keeping the person's place.

        Returns:
            How many messages were mounted.
        """
        self._count_hidden()
        if not self.hidden or self._loading:
            return 0
        self._loading = True
        start = batch_start(self.session.messages, self.hidden)
        widgets = [message_widget(r) for r in self.session.messages[start : self.hidden]]
        height, place = self.virtual_size.height, self.scroll_y
        following = self.is_anchored and not self._anchor_released
        await self.mount_all(widgets, after=self._earlier)
        self.hidden = start
        if self.hidden:
            self._earlier.show_count(self.hidden)
        else:
            await self._earlier.remove()

        def keep_place() -> None:
            if not following:
                added = self.virtual_size.height - height
                self.scroll_to(y=place + added, animate=False, immediate=True)
            self._loading = False

        self.call_after_refresh(keep_place)
        return len(widgets)

    @work(exclusive=True, group="history", exit_on_error=False, description="read earlier messages")
    async def read_earlier(self, earlier: Awaitable[int]) -> None:
        """Wait for the history to read the session's earlier messages (``earlier`` gives
        their count), then say they are there (:meth:`earlier_read`)."""
        await self.earlier_read(await earlier)

    async def earlier_read(self, count: int) -> None:
        """``count`` messages were put first in the session (read from the history after its
        last ones): they join the earlier messages not shown. The count hidden is where the
        first message shown now stands in the session, whether the pane was built before the
        earlier ones came in or after."""
        if not count or not self._count_hidden():
            return
        self._earlier.show_count(self.hidden)
        if not self._earlier.is_attached:
            await self.mount(self._earlier, before=0 if self.children else None)

    def _count_hidden(self) -> bool:
        """Set :attr:`hidden` to where the first message shown stands in the session now
        (earlier messages read from the history may have been put before it since the count
        was taken); True if it changed."""
        first = next((r for w in self.message_widgets() if (r := record_of(w)) is not None), None)
        at = next((i for i, m in enumerate(self.session.messages) if m is first), None)
        if at is None or at == self.hidden:
            return False
        self.hidden = at
        return True

    def message_widgets(self) -> list[Widget]:
        """The mounted widgets that show messages, top to bottom."""
        return [c for c in self.children if isinstance(c, MessageWidget)]

    # -- selection ------------------------------------------------------------------------

    def select(self, widget: Widget | None) -> None:
        """Select ``widget`` (a message of this pane) and scroll it into view."""
        if self.selected is not None:
            self.selected.remove_class("-selected")
        self.selected = widget
        self.refresh_bindings()  # t is offered only on an answer with reasoning
        if widget is None:
            return
        widget.add_class("-selected")
        if widget is self.message_widgets()[-1] and self.is_anchored:
            self.anchor()
        else:
            self.release_anchor()
            self.scroll_to_widget(widget, animate=False, immediate=True, top=False)

    def on_focus(self) -> None:
        widgets = self.message_widgets()
        if self.selected not in widgets:
            self.select(widgets[-1] if widgets else None)

    async def action_select(self, step: int) -> None:
        """Select the message ``step`` places away (showing earlier ones when needed)."""
        widgets = self.message_widgets()
        if not widgets:
            return
        at = widgets.index(self.selected) if self.selected in widgets else len(widgets)
        if at + step < 0 and self.hidden:
            await self.show_earlier()
            widgets = self.message_widgets()
            at = widgets.index(self.selected) if self.selected in widgets else 0
        self.select(widgets[max(0, min(len(widgets) - 1, at + step))])

    @property
    def selected_record(self) -> SessionMessage | None:
        """The selected message, or None (nothing selected, or an answer still streaming)."""
        return None if self.selected is None else record_of(self.selected)

    # -- operations -----------------------------------------------------------------------

    def action_regenerate(self) -> None:
        """Ask for the last answer again."""
        self.post_message(self.RegenerateRequested(self))

    def action_edit(self) -> None:
        """Ask to edit the selected message (the person's own)."""
        record = self.selected_record
        if record is None or not record.is_user:
            self.app.notify("Select one of your messages to edit it.", timeout=3)
            return
        self.post_message(self.EditRequested(self, record))

    def action_copy(self) -> None:
        """Copy the selected message's text to the clipboard."""
        record = self.selected_record
        if record is None:
            return
        self.app.copy_to_clipboard(record.text)
        self.app.notify(f"Copied {len(record.text):,} characters", timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``t`` is offered (footer, palette) only while the selected answer has reasoning."""
        if action == "toggle_reasoning":
            selected = self.selected
            return isinstance(selected, FinishedAnswer | AnswerView) and selected.has_reasoning
        return True

    def action_toggle_reasoning(self) -> None:
        """Open the selected answer's reasoning above it, or close it."""
        selected = self.selected
        if isinstance(selected, FinishedAnswer | AnswerView):
            selected.toggle_reasoning()
            if selected is not self.message_widgets()[-1] or not self.is_anchored:
                # its top (the reasoning's first line) in view, once it is laid out again
                self.call_after_refresh(self.scroll_to_widget, selected, animate=False, top=True)

    def action_delete(self) -> None:
        """Ask to delete the selected message."""
        record = self.selected_record
        if record is not None:
            self.post_message(self.DeleteRequested(self, record))

    def action_clear(self) -> None:
        """Ask to delete every message."""
        self.post_message(self.ClearRequested(self))

    # -- changes, as the playground tells them --------------------------------------------

    async def drop_from(self, record: SessionMessage) -> None:
        """Remove ``record``'s widget and everything shown after it."""
        children = list(self.children)
        at = next((i for i, c in enumerate(children) if record_of(c) is record), None)
        if at is not None:
            if self.selected in children[at:]:
                self.selected = None
            await self.remove_children(children[at:])

    async def drop_after(self, record: SessionMessage) -> None:
        """Remove everything shown after ``record``'s widget (an answer to be asked again);
        everything shown if ``record`` is among the earlier messages not shown yet."""
        children = list(self.children)
        at = next((i for i, c in enumerate(children) if record_of(c) is record), None)
        if at is None:
            if not any(m is record for m in self.session.messages[: self.hidden]):
                return
            at = max(
                (i for i, c in enumerate(children) if isinstance(c, Welcome | EarlierMessages)),
                default=-1,
            )
        if self.selected in children[at + 1 :]:
            self.selected = None
        await self.remove_children(children[at + 1 :])

    async def drop(self, record: SessionMessage) -> None:
        """Remove ``record``'s widget, selecting its neighbour."""
        widgets = self.message_widgets()
        at = next((i for i, w in enumerate(widgets) if record_of(w) is record), None)
        if at is None:
            return
        await widgets[at].remove()
        rest = widgets[:at] + widgets[at + 1 :]
        if self.selected is widgets[at]:
            self.selected = None
            if rest:
                self.select(rest[min(at, len(rest) - 1)])

    async def clear_messages(self) -> None:
        """Remove everything shown (the session was cleared)."""
        self.selected = None
        self.hidden = 0
        await self.remove_children()
