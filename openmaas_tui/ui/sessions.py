"""The sessions sidebar: every conversation of this run, newest activity first."""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from openmaas_tui.core.conversation import Session


def session_line(session: Session) -> str:
    """``title`` over ``$cost · model`` for the sidebar (the cost first: a long model name is
    the part that gets cut)."""
    cost = session.totals.cost_text
    return f"{escape(session.title)}\n[dim]{cost} · {escape(session.model)}[/]"


class SessionItem(ListItem):
    """One session in the list."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._label = Label(session_line(session), markup=True)
        super().__init__(self._label, id=f"item-{session.id}")

    def refresh_line(self) -> None:
        """Show the session's current title, model and cost."""
        self._label.update(session_line(self.session))


class SessionList(ListView):
    """Lists sessions; ``enter`` opens one, ``n`` starts a new one, ``d``/``delete`` deletes."""

    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("d,delete", "delete", "Delete"),
    ]

    @dataclass
    class Opened(Message):
        """A session was chosen."""

        session: Session

    @dataclass
    class NewRequested(Message):
        """The person asked for a new session."""

    @dataclass
    class DeleteRequested(Message):
        """The person asked to delete a session."""

        session: Session

    def items(self) -> list[SessionItem]:
        """The items, top to bottom."""
        return list(self.query(SessionItem))

    async def show(self, sessions: list[Session], current: Session) -> None:
        """List ``sessions`` by last activity (newest first) and highlight ``current``."""
        ordered = sorted(sessions, key=lambda s: s.updated_at, reverse=True)
        if [i.session for i in self.items()] != ordered:
            await self.clear()
            await self.extend(SessionItem(s) for s in ordered)
        else:
            for item in self.items():
                item.refresh_line()
        self.index = ordered.index(current)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        if isinstance(event.item, SessionItem):
            self.post_message(self.Opened(event.item.session))

    def action_new(self) -> None:
        """Ask for a new session."""
        self.post_message(self.NewRequested())

    def action_delete(self) -> None:
        """Ask to delete the highlighted session."""
        item = self.highlighted_child
        if isinstance(item, SessionItem):
            self.post_message(self.DeleteRequested(item.session))
