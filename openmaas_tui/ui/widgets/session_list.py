"""The sessions sidebar: a search box over every conversation, newest activity first."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView

from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.ui.markup_text import markup_literal


def session_line(session: Session) -> str:
    """``title`` over ``$cost · model`` for the sidebar (the cost first: a long model name is
    the part that gets cut)."""
    cost = session.totals.cost_text
    return f"{markup_literal(session.title)}\n[dim]{cost} · {markup_literal(session.model)}[/]"


class SessionItem(ListItem):
    """One session in the list."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._label = Label(session_line(session), markup=True)
        super().__init__(self._label, id=f"item-{session.id}")

    def refresh_line(self) -> None:
        """Show the session's current title, model and cost."""
        self._label.update(session_line(self.session))


class SessionSearch(Input):
    """Filters the sessions as the person types (titles and messages); ``enter`` or ``down``
    goes to the list with the filter kept, ``escape`` clears it and goes back to the list."""

    BINDINGS = [
        Binding("escape", "leave", "Clear search", id="sessions.search.leave"),
        Binding("down", "to_list", "Results", show=False, id="sessions.search.results"),
    ]

    @dataclass
    class Left(Message):
        """The person left the search box; ``cleared`` when they cleared it on the way."""

        search: SessionSearch
        cleared: bool

        @property
        def control(self) -> SessionSearch:
            """The search box."""
            return self.search

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search chats (ctrl+f)", id=id)

    def action_leave(self) -> None:
        """Clear the query and go back to the list."""
        self.value = ""
        self.post_message(self.Left(self, cleared=True))

    def action_to_list(self) -> None:
        """Go to the results, keeping the query."""
        self.post_message(self.Left(self, cleared=False))

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self:
            self.action_to_list()


class SessionList(ListView):
    """Lists sessions; ``enter`` opens one, ``n`` starts a new one, ``r`` renames,
    ``d``/``delete`` deletes (after asking), ``/`` searches."""

    BINDINGS = [
        Binding("n", "new", "New", id="sessions.new"),
        Binding("r", "rename", "Rename", id="sessions.rename"),
        Binding("d,delete", "delete", "Delete", id="sessions.delete"),
        Binding("slash", "search", "Search", id="sessions.search"),
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

    @dataclass
    class RenameRequested(Message):
        """The person asked to rename a session."""

        session: Session

    @dataclass
    class SearchRequested(Message):
        """The person asked to search the sessions."""

    def items(self) -> list[SessionItem]:
        """The items, top to bottom."""
        return list(self.query(SessionItem))

    async def show(self, sessions: list[Session], current: Session) -> None:
        """List ``sessions`` in the order given and highlight ``current`` (or the first when
        ``current`` is not among them)."""
        items = {item.session.id: item for item in self.items()}
        wanted = {s.id for s in sessions}
        stale = [item for sid, item in items.items() if sid not in wanted]
        if stale:
            await self.remove_children(stale)
        fresh = [SessionItem(s) for s in sessions if s.id not in items]
        if fresh:
            await self.mount_all(fresh)
        ordered = [items.get(s.id) or next(f for f in fresh if f.session is s) for s in sessions]
        for position, item in enumerate(ordered):
            if self.children[position] is not item:
                self.move_child(item, before=position)
        for item in ordered:
            if item not in fresh:
                item.refresh_line()
        shown = [i for i, s in enumerate(sessions) if s is current]
        self.index = shown[0] if shown else (0 if sessions else None)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        if isinstance(event.item, SessionItem):
            self.post_message(self.Opened(event.item.session))

    def _highlighted(self) -> Session | None:
        item = self.highlighted_child
        return item.session if isinstance(item, SessionItem) else None

    def action_new(self) -> None:
        """Ask for a new session."""
        self.post_message(self.NewRequested())

    def action_rename(self) -> None:
        """Ask to rename the highlighted session."""
        if (session := self._highlighted()) is not None:
            self.post_message(self.RenameRequested(session))

    def action_delete(self) -> None:
        """Ask to delete the highlighted session."""
        if (session := self._highlighted()) is not None:
            self.post_message(self.DeleteRequested(session))

    def action_search(self) -> None:
        """Ask for the search box."""
        self.post_message(self.SearchRequested())
